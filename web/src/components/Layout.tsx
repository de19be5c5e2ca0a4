import { useQueryClient } from '@tanstack/react-query';
import { Suspense, useState } from 'react';
import { Link, NavLink, Outlet, useNavigate } from 'react-router';
import { logout, meQueryKey, type Role, useMe } from '../api/auth';
import { useLiveUpdates } from '../api/live';
import { useNotifications } from '../api/notifications';
import { useAnnounce } from './Announcer';

/** A calm count of unseen notices: the accent's tint, never red. The styles are the app's vars. */
const BADGE_STYLE = {
  display: 'inline-block',
  minWidth: '1.5rem',
  marginLeft: '0.375rem',
  padding: '0 0.5rem',
  borderRadius: '999px',
  border: '1px solid var(--accent)',
  background: 'var(--surface-tint)',
  color: 'var(--accent)',
  fontSize: '0.9375rem',
  fontWeight: 600,
  lineHeight: 1.5,
  textAlign: 'center',
} as const;

function UnseenBadge() {
  const notices = useNotifications();
  const unseen = notices.data?.unseen ?? 0;
  if (unseen === 0) return null;
  return (
    <span style={BADGE_STYLE}>
      <span className="visually-hidden">, </span>
      {unseen} new
    </span>
  );
}

function SignedInNav({ displayName, role }: { displayName: string; role: Role }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const announce = useAnnounce();
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  async function signOut() {
    if (pending) return;
    setPending(true);
    setProblem(null);
    try {
      await logout();
      // Nothing of this person's stays in memory once they have signed out. Navigating in the
      // same tick means no signed-in page renders (or redirects) in between.
      queryClient.setQueryData(meQueryKey, null);
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== meQueryKey[0] });
      void navigate('/sign-in', { state: { signedOut: true } });
      announce("You're signed out.");
    } catch {
      setProblem("We couldn't sign you out just now. Please try again.");
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="site-subbar">
      <nav aria-label="Main" className="site-nav">
        <ul>
          <li>
            <NavLink to="/" end>
              Today
              <UnseenBadge />
            </NavLink>
          </li>
          {role === 'therapist' ? (
            <li>
              <NavLink to="/schedule">Schedule</NavLink>
            </li>
          ) : null}
          <li>
            <NavLink to="/community">Community</NavLink>
          </li>
          <li>
            <NavLink to="/settings/notifications">Notification settings</NavLink>
          </li>
          <li>
            <NavLink to="/settings/privacy/audit">Who has seen my records</NavLink>
          </li>
          <li>
            <NavLink to="/settings/security">Security</NavLink>
          </li>
        </ul>
      </nav>
      <div className="account">
        <span className="account-name">
          <span className="visually-hidden">Signed in as </span>
          {displayName}
        </span>
        {/* A plain button keeps React Aria out of the first download for every page. */}
        <button
          type="button"
          className="button button-quiet"
          onClick={() => void signOut()}
          aria-disabled={pending || undefined}
        >
          {pending ? 'Signing out…' : 'Sign out'}
        </button>
        {problem ? (
          <p role="alert" className="account-problem">
            {problem}
          </p>
        ) : null}
      </div>
    </div>
  );
}

function Header() {
  const me = useMe();
  const user = me.data ?? null;
  useLiveUpdates(user !== null);

  return (
    <header className="site-header">
      <div className="site-header-inner">
        <div className="site-header-top">
          <Link to={user ? '/' : '/sign-in'} className="brand">
            Attune
          </Link>
          <Link to="/help" className="help-link">
            Need help now?
          </Link>
        </div>
        {user ? <SignedInNav displayName={user.displayName} role={user.role} /> : null}
      </div>
    </header>
  );
}

/** The frame of every page: skip link, header with the crisis link, and the main region. */
export function Layout() {
  return (
    <>
      <a href="#main" className="skip-link">
        Skip to main content
      </a>
      <Header />
      <main id="main" tabIndex={-1} className="site-main">
        <Suspense fallback={<p className="quiet">Loading…</p>}>
          <Outlet />
        </Suspense>
      </main>
    </>
  );
}
