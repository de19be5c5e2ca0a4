import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import { Button, Dialog, DialogTrigger, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { Link } from 'react-router';
import { ApiError } from '../../api/client';
import {
  communityKeys,
  LIMITS,
  type ModerationAction,
  moderate,
  type QueueItem,
  refreshCommunity,
  useQueue,
} from '../../api/community';
import { useAnnounce } from '../../components/Announcer';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Page } from '../../components/Page';
import { DialogActions } from './DialogActions';
import { TextAreaField } from './Fields';
import { Body } from './Post';
import { type CommunityContext, CommunityShell } from './Shell';
import { postDate, REASON_WORDS, tagWords } from './words';

export default function ModerationRoute() {
  return <CommunityShell>{(context) => <ModerationScreen context={context} />}</CommunityShell>;
}

function NotHere() {
  return (
    <Page title="Page not found" heading="We couldn't find that page">
      <p>The address may have changed, or there may be a small typo in it.</p>
      <p>
        <Link to="/community">Back to the board</Link>
      </p>
    </Page>
  );
}

function ModerationScreen({ context }: { context: CommunityContext }) {
  const queue = useQueue(context.moderator);
  if (!context.moderator) return <NotHere />;
  if (queue.isPending) return <p className="quiet">Loading…</p>;
  if (queue.isError) {
    if (queue.error instanceof ApiError && queue.error.status === 404) return <NotHere />;
    return (
      <Page title="Moderation" heading="The queue didn't load">
        <p>{queue.error.message}</p>
        <button
          type="button"
          className="button button-primary"
          onClick={() => void queue.refetch()}
        >
          Try again
        </button>
      </Page>
    );
  }
  return (
    <Page title="Moderation">
      <p className="lead">
        First posts waiting to be read, posts with crisis language, and reports, oldest first. Each
        decision is told to the writer, with your reason when you give one. Nobody is told who
        reported them, and anonymous askers stay anonymous, to you too.
      </p>
      {queue.data.length === 0 ? (
        <p className="empty">Nothing waiting. Thank you for looking after the community.</p>
      ) : (
        <ul className="cm-list" aria-label="Waiting for a moderator">
          {queue.data.map((item) => (
            <li key={`${item.targetType}:${item.targetId}`}>
              <QueueCard item={item} />
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}

const REASON_LABEL: Record<string, string> = {
  held: 'First post, waiting to be read',
  crisis: 'Crisis language',
  report: 'Reported',
};

function kindWords(item: QueueItem): string {
  if (item.targetType === 'profile') return `Profile: ${item.profile?.pseudonym ?? 'unknown'}`;
  const what =
    item.targetType === 'answer' ? 'An answer' : item.content?.to ? 'An ask' : 'A question';
  return item.content?.title ? `${what}: ${item.content.title}` : what;
}

function authorWords(item: QueueItem): string {
  const content = item.content;
  if (!content) return '';
  const who = content.author
    ? `by ${content.author.pseudonym}`
    : content.anonymous
      ? 'asked anonymously'
      : 'by someone no longer here';
  return `${who}${content.to ? ` · to ${content.to.pseudonym}'s ask box` : ''}`;
}

function QueueCard({ item }: { item: QueueItem }) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const headingId = `mod-${item.targetType}-${item.targetId}`;
  const name = kindWords(item);

  async function act(action: ModerationAction, reason?: string) {
    await moderate({
      targetType: item.targetType,
      targetId: item.targetId,
      action,
      ...(reason ? { reason } : {}),
    });
    announce(
      action === 'approve'
        ? 'Approved.'
        : action === 'remove'
          ? 'Taken down. The writer is told your reason.'
          : 'Suspended. They are told your reason.',
    );
    await queryClient.invalidateQueries({ queryKey: communityKeys.queue });
    void refreshCommunity(queryClient);
  }

  return (
    <article className="card cm-post" aria-labelledby={headingId}>
      <h2 id={headingId} className="cm-post-title">
        {name}
      </h2>
      <p className="quiet small cm-meta">
        {[authorWords(item), postDate(item.createdAt)].filter(Boolean).join(' · ')}
      </p>
      <ul className="cm-reasons" aria-label="Why it is here">
        {item.reasons.map((reason) => (
          <li key={reason}>{REASON_LABEL[reason] ?? reason}</li>
        ))}
      </ul>
      {item.content ? (
        <>
          {item.content.contentWarning ? (
            <p className="small">
              <span className="quiet">Content note: </span>
              {item.content.contentWarning}
            </p>
          ) : null}
          <Body text={item.content.body} />
          {item.content.tags.length > 0 ? (
            <p className="quiet small">Topics: {item.content.tags.map(tagWords).join(', ')}</p>
          ) : null}
        </>
      ) : null}
      {item.profile ? (
        <p>
          <span className="quiet">About them: </span>
          {item.profile.bio ?? 'nothing written'}
        </p>
      ) : null}
      {item.reports.length > 0 ? (
        <section aria-label="Reports" className="cm-reports">
          <h3>Reports</h3>
          <ul className="plain-list">
            {item.reports.map((r) => (
              <li key={`${r.createdAt}|${r.reason}|${r.note ?? ''}`}>
                {REASON_WORDS[r.reason] ?? r.reason}
                <span className="quiet small"> · {postDate(r.createdAt)}</span>
                {r.note ? <span className="cm-report-note">{r.note}</span> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <div className="cm-actions">
        <ConfirmDialog
          trigger="Approve"
          what={name}
          title="Approve this?"
          confirm="Approve"
          triggerClassName="button button-primary button-small"
          onConfirm={() => act('approve')}
        >
          <p>
            {item.reasons.includes('held')
              ? 'It goes on the board, its writer can post without waiting from now on, and they are told.'
              : 'It stays as it is, and it leaves the queue.'}
            {item.reports.length > 0 ? ' Its reports close.' : ''}
          </p>
        </ConfirmDialog>
        {item.targetType !== 'profile' ? (
          <ReasonDialog
            trigger="Remove"
            what={name}
            title="Take this down?"
            confirm="Take it down"
            onConfirm={(reason) => act('remove', reason)}
          >
            <p>
              It leaves the board. Its writer still sees it, marked as taken down, and gets a
              notification with your reason.
            </p>
          </ReasonDialog>
        ) : null}
        <ReasonDialog
          trigger="Suspend"
          what={item.targetType === 'profile' ? name : `the writer of ${name}`}
          title="Pause their posting?"
          confirm="Suspend"
          onConfirm={(reason) => act('suspend', reason)}
        >
          <p>
            They can't post or answer until a moderator lifts it. They are told, with your reason.
            {item.content?.anonymous ? ' They stay anonymous; nobody learns who they are.' : ''}
          </p>
        </ReasonDialog>
      </div>
    </article>
  );
}

/** A decision that needs words for its writer: the reason is asked for, and shown to them. */
function ReasonDialog({
  trigger,
  what,
  title,
  confirm,
  children,
  onConfirm,
}: {
  trigger: string;
  what: string;
  title: string;
  confirm: string;
  children: ReactNode;
  onConfirm: (reason: string) => Promise<void>;
}) {
  return (
    <DialogTrigger>
      <Button className="button button-quiet button-small">
        {trigger}
        <span className="visually-hidden"> {what}</span>
      </Button>
      <ModalOverlay className="modal-overlay" isDismissable>
        <Modal className="modal">
          <Dialog className="dialog">
            {({ close }) => (
              <ReasonForm title={title} confirm={confirm} onConfirm={onConfirm} close={close}>
                {children}
              </ReasonForm>
            )}
          </Dialog>
        </Modal>
      </ModalOverlay>
    </DialogTrigger>
  );
}

function ReasonForm({
  title,
  confirm,
  children,
  onConfirm,
  close,
}: {
  title: string;
  confirm: string;
  children: ReactNode;
  onConfirm: (reason: string) => Promise<void>;
  close: () => void;
}) {
  const [reason, setReason] = useState('');
  const [attempted, setAttempted] = useState(false);
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const missing = attempted && reason.trim() === '';

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setAttempted(true);
    if (pending || reason.trim() === '') return;
    setPending(true);
    setProblem(null);
    try {
      await onConfirm(reason.trim());
      close();
    } catch (error) {
      setProblem(
        error instanceof Error && error.message
          ? error.message
          : "We couldn't do that just now. Please try again in a moment.",
      );
    } finally {
      setPending(false);
    }
  }

  return (
    <form className="form form-tight" onSubmit={(event) => void onSubmit(event)} noValidate>
      <Heading slot="title">{title}</Heading>
      {children}
      <TextAreaField
        label="Your reason"
        description="The writer sees this. Say what in the guidelines it goes against, kindly."
        value={reason}
        onChange={setReason}
        error={missing ? 'Please give a reason; the writer will see it.' : null}
        required
        maxLength={LIMITS.reason}
        rows={3}
      />
      <DialogActions
        problem={problem}
        close={close}
        cancel="Keep it"
        pending={pending}
        pendingLabel="One moment…"
        submit={confirm}
      />
    </form>
  );
}
