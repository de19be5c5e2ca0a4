import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import {
  block,
  communityKeys,
  mute,
  type OwnProfile,
  type Profile,
  unmute,
  useMutes,
  useProfile,
} from '../../api/community';
import { useAnnounce } from '../../components/Announcer';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Page } from '../../components/Page';
import { ReportButton } from './ReportDialog';
import { type CommunityContext, CommunityShell } from './Shell';

export default function PersonRoute() {
  return (
    <CommunityShell needs="guidelines">
      {(context) => <PersonScreen context={context} />}
    </CommunityShell>
  );
}

function PersonScreen({ context }: { context: CommunityContext }) {
  const { pseudonym = '' } = useParams();
  const profile = useProfile(pseudonym);
  if (profile.isPending) return <p className="quiet">Loading…</p>;
  if (profile.isError) {
    const missing = profile.error instanceof ApiError && profile.error.status === 404;
    return (
      <Page
        title="Not found"
        heading={missing ? "We couldn't find this person" : "This didn't load"}
      >
        <p>
          {missing
            ? 'Nobody in the community goes by that name now. They may have changed it.'
            : profile.error.message}
        </p>
        <p>
          <Link to="/community">Back to the board</Link>
        </p>
      </Page>
    );
  }
  return <Person profile={profile.data} me={context.profile} />;
}

function Person({ profile, me }: { profile: Profile; me: OwnProfile | null }) {
  const own = me !== null && me.pseudonym.toLowerCase() === profile.pseudonym.toLowerCase();
  return (
    <Page title={profile.pseudonym}>
      {profile.bio ? <p className="lead cm-body">{profile.bio}</p> : null}
      <p className="quiet">
        {profile.answeredCount === 0
          ? 'Has not answered any asks yet.'
          : `Has answered ${profile.answeredCount} ${profile.answeredCount === 1 ? 'ask' : 'asks'}.`}
      </p>
      {own ? (
        <p className="note">
          This is how others see you. <Link to="/community/profile">Change your profile</Link>
        </p>
      ) : (
        <>
          {profile.askBoxOpen ? (
            <p>
              <Link
                className="button button-primary"
                to={`/community/ask?to=${encodeURIComponent(profile.pseudonym)}`}
              >
                Ask {profile.pseudonym}
              </Link>
              <span className="quiet small cm-after-button">
                {profile.allowAnonymous
                  ? 'Their ask box takes anonymous asks too.'
                  : 'Their ask box takes asks with a name.'}
              </span>
            </p>
          ) : (
            <p className="quiet">{profile.pseudonym}'s ask box is closed right now.</p>
          )}
          {me ? <PersonActions profile={profile} /> : null}
        </>
      )}
    </Page>
  );
}

function PersonActions({ profile }: { profile: Profile }) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const mutes = useMutes();
  const [problem, setProblem] = useState<string | null>(null);
  const muted = (mutes.data ?? []).some(
    (m) => m.pseudonym.toLowerCase() === profile.pseudonym.toLowerCase(),
  );

  async function toggleMute() {
    setProblem(null);
    try {
      if (muted) await unmute(profile.pseudonym);
      else await mute(profile.pseudonym);
      announce(
        muted
          ? `${profile.pseudonym} is no longer muted.`
          : `Muted. You won't see ${profile.pseudonym}'s posts.`,
      );
      await queryClient.invalidateQueries({ queryKey: communityKeys.all });
    } catch {
      setProblem("That didn't work just now. Please try again.");
    }
  }

  return (
    <section aria-labelledby="person-actions" className="cm-section">
      <h2 id="person-actions">If you need some distance</h2>
      <p className="quiet small">
        Muting hides their posts from you. Blocking keeps their asks out of your ask box. They
        aren't told either way.
      </p>
      <div className="cm-actions">
        <button
          type="button"
          className="button button-quiet button-small"
          onClick={() => void toggleMute()}
        >
          {muted ? `Unmute ${profile.pseudonym}` : `Mute ${profile.pseudonym}`}
        </button>
        <ConfirmDialog
          trigger={`Block ${profile.pseudonym}`}
          title={`Block ${profile.pseudonym}?`}
          confirm="Block them"
          onConfirm={async () => {
            await block({ pseudonym: profile.pseudonym });
            announce(`${profile.pseudonym} can't reach your ask box any more.`);
            await queryClient.invalidateQueries({ queryKey: communityKeys.blocks });
          }}
        >
          <p>
            Their asks won't reach your ask box any more, with a name or anonymously. They won't be
            told. You can unblock them on your profile page.
          </p>
        </ConfirmDialog>
        <ReportButton
          targetType="profile"
          targetId={profile.pseudonym}
          what={`${profile.pseudonym}'s profile`}
        />
      </div>
      {problem ? (
        <p role="alert" className="field-error">
          {problem}
        </p>
      ) : null}
    </section>
  );
}
