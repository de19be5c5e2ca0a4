import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import {
  type CommunityNotification,
  communityKeys,
  markNotificationsSeen,
  useCommunityNotifications,
} from '../../api/community';
import { LoadFailed } from '../../components/LoadFailed';
import { Page } from '../../components/Page';
import { ResourceList } from './Resources';
import { CommunityShell } from './Shell';
import { postDate } from './words';

export default function NotificationsRoute() {
  return <CommunityShell>{() => <Notifications />}</CommunityShell>;
}

function Notifications() {
  const queryClient = useQueryClient();
  const notes = useCommunityNotifications();
  // What was new when the page opened stays marked "New" while it is open.
  const [fresh, setFresh] = useState<ReadonlySet<string> | null>(null);
  const marking = useRef(false);

  useEffect(() => {
    if (!notes.data || fresh !== null || marking.current) return;
    const unseen = notes.data.filter((note) => !note.seen).map((note) => note.id);
    setFresh(new Set(unseen));
    if (unseen.length === 0) return;
    marking.current = true;
    void markNotificationsSeen(unseen)
      .then(() => queryClient.invalidateQueries({ queryKey: communityKeys.notifications }))
      .catch(() => {
        // They stay new; nothing else depends on it.
      });
  }, [notes.data, fresh, queryClient]);

  return (
    <Page title="Community notifications" heading="Notifications">
      <p className="lead">Answers to what you asked, asks in your box, and notes for you.</p>
      {notes.isPending ? (
        <p className="quiet">Loading…</p>
      ) : notes.isError ? (
        <LoadFailed what="your notifications" error={notes.error} onRetry={notes.refetch} />
      ) : notes.data.length === 0 ? (
        <p className="empty">
          Nothing here yet. When someone answers you or asks you something, you'll find it here.
        </p>
      ) : (
        <ul className="cm-list" aria-label="Notifications">
          {notes.data.map((note) => (
            <li key={note.id} className={`card cm-note cm-note-${note.type}`}>
              <Note note={note} fresh={fresh?.has(note.id) ?? !note.seen} />
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}

function When({ note, fresh }: { note: CommunityNotification; fresh: boolean }) {
  return (
    <p className="quiet small cm-meta">
      {fresh ? <span className="cm-new">New</span> : null}
      {postDate(note.at)}
    </p>
  );
}

const MODERATION_WORDS: Record<string, string> = {
  approved: 'A moderator read your post, and it is on the board now.',
  removed: 'A moderator took down your post.',
  suspended: 'A moderator has paused your posting for now.',
  reinstated: 'You can post again. A moderator lifted the pause.',
};

function Note({ note, fresh }: { note: CommunityNotification; fresh: boolean }) {
  const link = note.questionId ? `/community/questions/${note.questionId}` : null;
  switch (note.type) {
    case 'ask':
      return (
        <>
          <When note={note} fresh={fresh} />
          <p>Someone asked you something.</p>
          <p>
            <Link to={link ?? '/community/inbox'}>Read the ask</Link>
          </p>
        </>
      );
    case 'answer':
      return (
        <>
          <When note={note} fresh={fresh} />
          <p>There's an answer to your question.</p>
          {link ? (
            <p>
              <Link to={link}>Read the answer</Link>
            </p>
          ) : null}
        </>
      );
    case 'care':
      return (
        <section aria-label="A note of care">
          <When note={note} fresh={fresh} />
          <h2 className="cm-note-title">Someone here is thinking of you</h2>
          {note.message ? <p>{note.message}</p> : null}
          <p>
            Someone read what you wrote and wanted you to know you're not alone. Whatever is going
            on, you don't have to hold it by yourself. Only you can see this note, and it doesn't
            say who sent it.
          </p>
          <ResourceList resources={note.resources} label="People you can talk to" />
        </section>
      );
    case 'moderation':
      return (
        <>
          <When note={note} fresh={fresh} />
          <p>{MODERATION_WORDS[note.action ?? ''] ?? 'A moderator looked at your post.'}</p>
          {note.reason ? (
            <p className="cm-reason">
              <span className="quiet">Their reason: </span>
              {note.reason}
            </p>
          ) : null}
          {note.action === 'removed' ? (
            <p className="quiet small">
              You can still see it yourself. If something isn't right, you can write again in a way
              that fits the <Link to="/community/guidelines">guidelines</Link>.
            </p>
          ) : null}
          {link ? (
            <p>
              <Link to={link}>See the post</Link>
            </p>
          ) : null}
        </>
      );
    default:
      return (
        <>
          <When note={note} fresh={fresh} />
          <p>Something changed in the community.</p>
        </>
      );
  }
}
