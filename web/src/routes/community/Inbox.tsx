import { Link } from 'react-router';
import { type OwnProfile, useInbox } from '../../api/community';
import { LoadFailed } from '../../components/LoadFailed';
import { Page } from '../../components/Page';
import { BlockAsker } from './BlockAsker';
import { Body, CareLine, Fold, headingIsBody, questionHeading } from './Post';
import { ReportButton } from './ReportDialog';
import { CommunityShell, type WithProfile } from './Shell';
import { postDate } from './words';

export default function InboxRoute() {
  return (
    <CommunityShell>
      {(context) => (context.profile ? <Inbox me={(context as WithProfile).profile} /> : null)}
    </CommunityShell>
  );
}

function BoxState({ me }: { me: OwnProfile }) {
  return (
    <p className="lead">
      {me.askBoxOpen
        ? `Your ask box is open${
            me.allowAnonymous ? ', also for anonymous asks' : ', for asks with a name'
          }. Asks wait here until you answer; nobody sees them until you do.`
        : 'Your ask box is closed, so nobody can send you new asks.'}{' '}
      <Link to="/community/profile">Change this on your profile</Link>
    </p>
  );
}

function Inbox({ me }: { me: OwnProfile }) {
  const inbox = useInbox();
  return (
    <Page title="My ask box">
      <BoxState me={me} />
      {inbox.isPending ? (
        <p className="quiet">Loading…</p>
      ) : inbox.isError ? (
        <LoadFailed what="your ask box" error={inbox.error} onRetry={inbox.refetch} />
      ) : inbox.data.length === 0 ? (
        <p className="empty">
          Nothing here yet. When someone asks you something, it waits here for you, for as long as
          you like.
        </p>
      ) : (
        <ul className="cm-list" aria-label="Asks waiting for you">
          {inbox.data.map((ask) => (
            <li key={ask.id}>
              <article className="card cm-post" aria-labelledby={`ask-${ask.id}`}>
                <h2 id={`ask-${ask.id}`} className="cm-post-title">
                  <Link to={`/community/questions/${ask.id}`}>{questionHeading(ask)}</Link>
                </h2>
                <p className="quiet small cm-meta">
                  {ask.asker ? `From ${ask.asker.pseudonym}` : 'Asked anonymously'}
                  {' · '}
                  {postDate(ask.createdAt)}
                  {ask.followUpOf ? ' · a follow-up' : ''}
                </p>
                {headingIsBody(ask) ? null : (
                  <Fold contentWarning={ask.contentWarning} collapsed={ask.collapsed}>
                    <Body text={ask.body} />
                  </Fold>
                )}
                {ask.crisisLanguage ? <CareLine mine={false} /> : null}
                <div className="cm-actions">
                  <Link
                    className="button button-primary button-small"
                    to={`/community/questions/${ask.id}`}
                  >
                    Answer<span className="visually-hidden">: {questionHeading(ask)}</span>
                  </Link>
                  <BlockAsker question={ask} />
                  <ReportButton targetType="question" targetId={ask.id} what="this ask" />
                </div>
              </article>
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}
