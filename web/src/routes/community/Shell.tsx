import { type ReactNode, useState } from 'react';
import { NavLink } from 'react-router';
import type { User } from '../../api/auth';
import { type OwnProfile, useCommunityMe, useCommunityNotifications } from '../../api/community';
import { Page } from '../../components/Page';
import { SignedIn } from '../../components/SignedIn';
import { Guidelines, guidelinesRead, rememberGuidelinesRead } from './Guidelines';
import { ProfileForm } from './ProfileForm';
import '../../styles/community.css';

export type CommunityContext = {
  user: User;
  profile: OwnProfile | null;
  moderator: boolean;
};

export type WithProfile = CommunityContext & { profile: OwnProfile };

function UnseenCount({ enabled }: { enabled: boolean }) {
  const notes = useCommunityNotifications(enabled);
  const unseen = (notes.data ?? []).filter((note) => !note.seen).length;
  if (unseen === 0) return null;
  return (
    <span className="cm-count">
      <span className="visually-hidden">, </span>
      {unseen} new
    </span>
  );
}

/** The community's own places: the board, my ask box, notifications, my profile, moderation. */
function CommunityNav({ hasProfile, moderator }: { hasProfile: boolean; moderator: boolean }) {
  return (
    <nav aria-label="Community" className="cm-nav">
      <ul>
        <li>
          <NavLink to="/community" end>
            Board
          </NavLink>
        </li>
        <li>
          <NavLink to="/community/inbox">My ask box</NavLink>
        </li>
        <li>
          <NavLink to="/community/notifications">
            Notifications
            <UnseenCount enabled={hasProfile} />
          </NavLink>
        </li>
        <li>
          <NavLink to="/community/profile">My profile</NavLink>
        </li>
        {moderator ? (
          <li>
            <NavLink to="/community/moderation">Moderation</NavLink>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}

type Needs = 'guidelines' | 'profile';

/**
 * Every community screen: signed in, the community's navigation, and the first visit's
 * guidelines and profile. `needs` says what the screen cannot do without: reading needs the
 * guidelines read once; posting, the ask box and the rest need a profile.
 */
export function CommunityShell({
  needs = 'profile',
  children,
}: {
  needs?: Needs;
  children: (context: CommunityContext) => ReactNode;
}) {
  return <SignedIn>{(user) => <Gate user={user} needs={needs} render={children} />}</SignedIn>;
}

function Gate({
  user,
  needs,
  render,
}: {
  user: User;
  needs: Needs;
  render: (context: CommunityContext) => ReactNode;
}) {
  const me = useCommunityMe();
  const [read, setRead] = useState(guidelinesRead);

  if (me.isPending) return <p className="quiet">Loading…</p>;
  if (me.isError) {
    return (
      <Page title="Community" heading="The community didn't load">
        <p>{me.error.message}</p>
        <button type="button" className="button button-primary" onClick={() => void me.refetch()}>
          Try again
        </button>
      </Page>
    );
  }
  const { profile, moderator } = me.data;
  const nav = <CommunityNav hasProfile={profile !== null} moderator={moderator} />;

  if (profile === null && (needs === 'profile' || !read)) {
    return (
      <>
        {nav}
        <Welcome
          firstVisit={!read}
          onJustRead={
            needs === 'guidelines'
              ? () => {
                  rememberGuidelinesRead();
                  setRead(true);
                }
              : null
          }
        />
      </>
    );
  }
  return (
    <>
      {nav}
      {render({ user, profile, moderator })}
    </>
  );
}

/** The first visit: the guidelines, then a pseudonymous profile (or just reading, for now). */
function Welcome({
  firstVisit,
  onJustRead,
}: {
  firstVisit: boolean;
  onJustRead: (() => void) | null;
}) {
  return (
    <Page
      title="Community"
      heading={firstVisit ? 'Welcome to the community' : 'Set up your community profile'}
    >
      <p className="lead">
        A place to ask and answer with people who know what therapy can be like. Here you're known
        only by a name you choose.
      </p>
      {firstVisit ? <Guidelines /> : null}
      <section aria-labelledby="setup-heading" className="cm-section">
        <h2 id="setup-heading">Your community profile</h2>
        <p>
          To ask, answer or have an ask box, choose a pseudonym. You can change all of this later.
        </p>
        <ProfileForm
          profile={null}
          submitLabel={firstVisit ? 'Agree to the guidelines and start' : 'Set up my profile'}
          onSaved={rememberGuidelinesRead}
        />
      </section>
      {onJustRead ? (
        <p className="cm-section">
          <button type="button" className="button button-quiet" onClick={onJustRead}>
            Just read for now
          </button>
        </p>
      ) : null}
    </Page>
  );
}
