import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { endedSession, type User, useMe } from '../api/auth';
import { Page } from './Page';

/**
 * Shows its content to a signed-in person; anyone else goes to sign in and comes back here
 * afterwards.
 */
export function SignedIn({ children }: { children: (user: User) => ReactNode }) {
  const me = useMe();
  const location = useLocation();

  if (me.isPending) return <p className="quiet">Loading…</p>;
  if (me.isError) {
    return (
      <Page title="Attune" heading="We couldn't reach Attune">
        <p>We couldn't reach Attune just now. Please try again in a moment.</p>
        <button type="button" className="button button-primary" onClick={() => void me.refetch()}>
          Try again
        </button>
      </Page>
    );
  }
  if (me.data === null) {
    return (
      <Navigate
        to="/sign-in"
        replace
        state={{
          from: location.pathname + location.search,
          ...(endedSession.happened ? { expired: true } : {}),
        }}
      />
    );
  }
  return children(me.data);
}
