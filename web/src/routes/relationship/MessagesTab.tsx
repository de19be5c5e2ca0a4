import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useCallback, useEffect, useId, useRef, useState } from 'react';
import { Button, FieldError, Form, Label, Text, TextArea, TextField } from 'react-aria-components';
import { Link } from 'react-router';
import { type LiveEvent, useLiveEvent } from '../../api/live';
import {
  acknowledgeMessage,
  ago,
  awaitsCall,
  BODY_MAX,
  dayAndTime,
  dayName,
  inOrder,
  logCallBack,
  type Message,
  markRead,
  NOTE_MAX,
  refreshMessages,
  sendMessage,
  useMessages,
} from '../../api/messages';
import { MESSAGE_NOTICE_KINDS, markSeen, useNotifications } from '../../api/notifications';
import type { RelationshipPage } from '../../api/relationships';
import { useSubmit } from '../../api/useSubmit';
import { useAnnounce } from '../../components/Announcer';
import { FormMessage } from '../../components/FormMessage';
import { useLocalDraft } from '../../components/useLocalDraft';
import './messages.css';

type Viewer = 'client' | 'therapist';

const isString = (value: unknown): value is string => typeof value === 'string';

/** Whether this page is in front of the person (a background tab has not "read" anything). */
function usePageVisible(): boolean {
  const [visible, setVisible] = useState(() => document.visibilityState === 'visible');
  useEffect(() => {
    const update = () => setVisible(document.visibilityState === 'visible');
    document.addEventListener('visibilitychange', update);
    return () => document.removeEventListener('visibilitychange', update);
  }, []);
  return visible;
}

/**
 * Opening the thread reads what the other member sent: each unread message shown here is marked
 * read through its own route, once, while the page is in front of the person. The notices about
 * this thread are seen too, so the badge in the header goes down.
 */
function useReading(relationshipId: string, messages: Message[], viewer: Viewer) {
  const queryClient = useQueryClient();
  const visible = usePageVisible();
  const asked = useRef(new Set<string>());
  const unread = messages
    .filter((m) => m.senderRole !== viewer && !m.readAt)
    .map((m) => m.id)
    .join(',');
  useEffect(() => {
    if (!visible || unread === '') return;
    const ids = unread.split(',').filter((id) => !asked.current.has(id));
    if (ids.length === 0) return;
    for (const id of ids) asked.current.add(id);
    void Promise.allSettled(ids.map((id) => markRead(id))).then(() =>
      refreshMessages(queryClient, relationshipId),
    );
  }, [unread, visible, queryClient, relationshipId]);

  const notices = useNotifications();
  const seenAsked = useRef(new Set<string>());
  const unseen = (notices.data?.items ?? [])
    .filter(
      (n) =>
        !n.seenAt &&
        n.relationshipId === relationshipId &&
        MESSAGE_NOTICE_KINDS.includes(n.kind) &&
        !seenAsked.current.has(n.id),
    )
    .map((n) => n.id)
    .join(',');
  useEffect(() => {
    if (!visible || unseen === '') return;
    const ids = unseen.split(',').filter((id) => !seenAsked.current.has(id));
    if (ids.length === 0) return;
    for (const id of ids) seenAsked.current.add(id);
    markSeen(queryClient, ids).catch(() => {
      // The badge stays as it was; nothing is lost.
    });
  }, [unseen, visible, queryClient]);
}

/** Says what arrives while the thread is open, politely (the app's one status region). */
function useArrivals(relationshipId: string, other: string, viewer: Viewer) {
  const announce = useAnnounce();
  const listener = useCallback(
    (event: LiveEvent) => {
      if (event.relationshipId !== relationshipId) return;
      switch (event.kind) {
        case 'message':
          announce(`New message from ${other}.`);
          break;
        case 'urgent-message':
          announce(`New message from ${other}, marked urgent.`);
          break;
        case 'call-request':
          announce(`${other} asked you to call.`);
          break;
        case 'message-read':
          announce(`${other} read your message.`);
          break;
        case 'message-acknowledged':
          announce(`${other} acknowledged your message.`);
          break;
        case 'call-logged':
          if (viewer === 'client') announce(`${other} noted that they called you back.`);
          break;
      }
    },
    [relationshipId, other, viewer, announce],
  );
  useLiveEvent(listener);
}

export function MessagesTab({ page, viewer }: { page: RelationshipPage; viewer: Viewer }) {
  const relationshipId = page.relationship.id;
  const other = viewer === 'client' ? page.relationship.therapistName : page.clientName;
  const thread = useMessages(relationshipId);
  const messages = inOrder(thread.data);
  const ended = page.relationship.status === 'ended';
  useReading(relationshipId, messages, viewer);
  useArrivals(relationshipId, other, viewer);

  return (
    <div className="tab-body messages-tab">
      <h2 className="visually-hidden">Messages</h2>
      {viewer === 'client' ? (
        <p className="quiet small">
          Only you and {other} see these messages. Under each one you sent, you can see whether{' '}
          {other} has read it, and when to expect an answer.
        </p>
      ) : (
        <p className="quiet small">
          Only you and {other} see these messages. {other} sees when you have read a message, and
          what you promise when you acknowledge it.
        </p>
      )}
      {viewer === 'therapist' ? (
        <WaitingForCall messages={messages} relationshipId={relationshipId} client={other} />
      ) : null}
      <section aria-labelledby="thread-heading" className="thread">
        <h3 id="thread-heading" tabIndex={-1}>
          Your messages with {other}
        </h3>
        {thread.isPending ? <p className="quiet">Loading…</p> : null}
        {thread.isError ? (
          <div className="form-message" role="alert">
            <p>We couldn't load the messages just now.</p>
            <button
              type="button"
              className="button button-quiet"
              onClick={() => void thread.refetch()}
            >
              Try again
            </button>
          </div>
        ) : null}
        {thread.hasNextPage ? (
          <p className="thread-more">
            <button
              type="button"
              className="button button-quiet button-small"
              aria-disabled={thread.isFetchingNextPage || undefined}
              onClick={() => {
                if (!thread.isFetchingNextPage) void thread.fetchNextPage();
              }}
            >
              {thread.isFetchingNextPage ? 'Loading earlier messages…' : 'Show earlier messages'}
            </button>
          </p>
        ) : null}
        {thread.isSuccess && messages.length === 0 ? (
          <p className="note">
            {viewer === 'client'
              ? `Nothing here yet. When you write to ${other}, your messages show here, with whether ${other} has read them and when an answer is due.`
              : `Nothing here yet. Messages between you and ${other} will show here.`}
          </p>
        ) : null}
        {messages.length > 0 ? (
          <ol className="message-list" aria-label={`Messages with ${other}, oldest first`}>
            {messages.map((message) => (
              <MessageItem key={message.id} message={message} viewer={viewer} other={other} />
            ))}
          </ol>
        ) : null}
      </section>
      {ended ? (
        <p className="note">This relationship has ended, so no new messages can be sent.</p>
      ) : page.relationship.mode !== 'connected' ? (
        <p className="note">
          These are kept from when you were connected. New messages can be sent once you and {other}{' '}
          are connected on Attune again.
        </p>
      ) : (
        <>
          <Compose relationshipId={relationshipId} viewer={viewer} other={other} />
          {viewer === 'client' ? (
            <>
              <CrisisLine />
              <CallMe relationshipId={relationshipId} therapist={other} />
            </>
          ) : null}
        </>
      )}
    </div>
  );
}

/** Said beside every way of asking for quick contact: calm, plain, always there. */
function CrisisLine() {
  return (
    <p className="crisis-line">
      Attune is not an emergency service. If you are in danger, call your local emergency number
      now. <Link to="/help">Crisis lines and other help</Link>
    </p>
  );
}

// --- One message -------------------------------------------------------------------------------

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The sender's view of what happened to their message, in words, so waiting has a shape. */
function sentState(message: Message, viewer: Viewer, other: string): string[] {
  const parts = [`Sent ${dayAndTime(message.sentAt)}`];
  const read = (iso: string) =>
    viewer === 'therapist' ? `Read by ${other} ${dayAndTime(iso)}` : `Read ${dayAndTime(iso)}`;
  if (message.calledBackAt) {
    parts.push(`${other} called you back ${dayAndTime(message.calledBackAt)}`);
    return parts;
  }
  if (message.repliedAt) {
    if (message.readAt) parts.push(read(message.readAt));
    parts.push(
      viewer === 'therapist'
        ? `${other} answered ${dayName(message.repliedAt)}`
        : `Answered ${dayName(message.repliedAt)}`,
    );
    return parts;
  }
  parts.push(message.readAt ? read(message.readAt) : 'not read yet');
  if (viewer === 'client') {
    if (message.replyBy) {
      parts.push(`${other} will answer by ${dayAndTime(message.replyBy)}`);
    } else {
      if (message.acknowledgedAt) parts.push(`${other} acknowledged it`);
      if (message.replyDueAt) {
        const due = dayAndTime(message.replyDueAt);
        parts.push(
          Date.parse(message.replyDueAt) > Date.now()
            ? `reply expected by ${due} (from your agreement)`
            : `a reply was expected by ${due} (from your agreement)`,
        );
      }
    }
  } else if (message.acknowledgedAt) {
    parts.push(`${other} acknowledged it`);
  }
  return parts;
}

/** The recipient's view: what they have done with it, and (for the therapist) what is due. */
function receivedState(message: Message, viewer: Viewer): string[] {
  if (message.calledBackAt) return [`You called back ${dayAndTime(message.calledBackAt)}`];
  if (message.repliedAt) return [`You answered ${dayName(message.repliedAt)}`];
  const parts: string[] = [];
  if (message.replyBy) parts.push(`You said you'd answer by ${dayAndTime(message.replyBy)}`);
  else if (message.acknowledgedAt) parts.push('You acknowledged it');
  if (viewer === 'therapist' && message.replyDueAt && !message.replyBy) {
    parts.push(`reply expected by ${dayAndTime(message.replyDueAt)} (from your agreement)`);
  }
  return parts;
}

function MessageItem({
  message,
  viewer,
  other,
}: {
  message: Message;
  viewer: Viewer;
  other: string;
}) {
  const mine = message.senderRole === viewer;
  const state = mine ? sentState(message, viewer, other) : receivedState(message, viewer);
  const noteBy = mine ? `${other}: ` : 'Your note: ';
  const outcomeBy = mine ? `${other}'s note about the call: ` : 'What came of the call: ';
  const mayAcknowledge = !mine && !message.repliedAt && !message.calledBackAt;
  return (
    <li className={mine ? 'message message-mine' : 'message message-theirs'}>
      <p className="message-meta">
        <strong>{mine ? 'You' : other}</strong>
        {/* One's own message says when it was sent in its state line, below. */}
        {mine ? null : <time dateTime={message.sentAt}>{dayAndTime(message.sentAt)}</time>}
        {message.kind === 'call-request' ? (
          <span className="message-tag">
            {mine ? 'You asked to be called' : `${other} asked to be called`}
          </span>
        ) : null}
        {message.urgent ? <span className="message-tag">Urgent</span> : null}
        {message.letterId ? <span className="message-tag">A letter</span> : null}
      </p>
      <p className="message-body">{message.body}</p>
      {state.length > 0 ? <p className="message-state">{capitalized(state.join(' · '))}</p> : null}
      {message.acknowledgementNote ? (
        <p className="message-quote">
          {noteBy}“{message.acknowledgementNote}”
        </p>
      ) : null}
      {message.callOutcome ? (
        <p className="message-quote">
          {outcomeBy}“{message.callOutcome}”
        </p>
      ) : null}
      {mayAcknowledge ? <Acknowledge message={message} other={other} /> : null}
    </li>
  );
}

/** "2025-11-16T14:02" for a datetime-local field, in this device's time zone. */
function localInputValue(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(
    date.getHours(),
  )}:${pad(date.getMinutes())}`;
}

function fromLocalInput(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function Acknowledge({ message, other }: { message: Message; other: string }) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const ids = useId();
  const [open, setOpen] = useState(false);
  const [replyBy, setReplyBy] = useState(
    message.replyBy ? localInputValue(new Date(message.replyBy)) : '',
  );
  const [note, setNote] = useState(message.acknowledgementNote ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const submit = useSubmit<Message>();
  const toggleRef = useRef<HTMLButtonElement>(null);
  const firstRef = useRef<HTMLInputElement>(null);
  const acknowledged = message.acknowledgedAt !== null;
  const about = ` ${other}'s message from ${dayAndTime(message.sentAt)}`;

  useEffect(() => {
    if (open) firstRef.current?.focus();
  }, [open]);

  const close = () => {
    setOpen(false);
    requestAnimationFrame(() => toggleRef.current?.focus());
  };

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submit.pending) return;
    const when = replyBy.trim() === '' ? undefined : fromLocalInput(replyBy);
    if (when === null) {
      setProblem('Please choose a day and a time, or leave it empty.');
      return;
    }
    if (when && Date.parse(when) <= Date.now()) {
      setProblem('Please choose a time that is still to come.');
      return;
    }
    setProblem(null);
    const result = await submit.run(() =>
      acknowledgeMessage(message.id, {
        ...(when ? { replyBy: when } : {}),
        note: note.trim() === '' ? null : note.trim(),
      }),
    );
    if (!result.ok) return;
    await refreshMessages(queryClient, message.relationshipId);
    announce(
      when
        ? `Acknowledged. ${other} sees that you read it and will answer by ${dayAndTime(when)}.`
        : `Acknowledged. ${other} sees that you read it.`,
    );
    close();
  }

  const replyByError = problem ?? submit.fieldErrors.replyBy ?? null;

  return (
    <div className="message-acknowledge">
      {open ? null : (
        <p className="actions message-actions">
          <button
            ref={toggleRef}
            type="button"
            className="button button-quiet button-small"
            onClick={() => setOpen(true)}
          >
            {acknowledged ? 'Change what you said' : 'Acknowledge'}
            <span className="visually-hidden">{about}</span>
          </button>
        </p>
      )}
      {open ? (
        <form
          className="message-form form form-tight"
          onSubmit={(event) => void onSubmit(event)}
          aria-label={`Acknowledge${about}`}
          noValidate
        >
          <p className="quiet small">
            {other} will see that you read it, with the time you give and your note.
          </p>
          <FormMessage message={submit.message && !replyByError ? submit.message : null} />
          <div className="field">
            <label className="field-label" htmlFor={`${ids}-by`}>
              I'll answer by (optional)
            </label>
            <input
              ref={firstRef}
              id={`${ids}-by`}
              type="datetime-local"
              className="field-input"
              value={replyBy}
              min={localInputValue(new Date())}
              onChange={(event) => {
                setReplyBy(event.target.value);
                setProblem(null);
                submit.clearFieldError('replyBy');
              }}
              aria-invalid={replyByError ? true : undefined}
              aria-describedby={replyByError ? `${ids}-by-error` : undefined}
            />
            {replyByError ? (
              <p id={`${ids}-by-error`} className="field-error">
                {replyByError}
              </p>
            ) : null}
          </div>
          <div className="field">
            <label className="field-label" htmlFor={`${ids}-note`}>
              A short note (optional)
            </label>
            <input
              id={`${ids}-note`}
              type="text"
              className="field-input"
              value={note}
              maxLength={NOTE_MAX}
              placeholder="Read it — I'll answer properly on Thursday"
              onChange={(event) => {
                setNote(event.target.value);
                submit.clearFieldError('note');
              }}
              aria-invalid={submit.fieldErrors.note ? true : undefined}
              aria-describedby={submit.fieldErrors.note ? `${ids}-note-error` : undefined}
            />
            {submit.fieldErrors.note ? (
              <p id={`${ids}-note-error`} className="field-error">
                {submit.fieldErrors.note}
              </p>
            ) : null}
          </div>
          <p className="actions">
            <button type="submit" className="button button-primary button-small">
              {submit.pending ? 'Acknowledging…' : 'Acknowledge'}
            </button>
            <button type="button" className="button button-quiet button-small" onClick={close}>
              Cancel
            </button>
          </p>
        </form>
      ) : null}
    </div>
  );
}

// --- Therapist: urgent messages and requests to call, first -------------------------------------

function WaitingForCall({
  messages,
  relationshipId,
  client,
}: {
  messages: Message[];
  relationshipId: string;
  client: string;
}) {
  const waiting = messages.filter(awaitsCall);
  if (waiting.length === 0) return null;
  return (
    <section aria-labelledby="calls-heading" className="calls">
      <h3 id="calls-heading" tabIndex={-1}>
        Waiting for your call
      </h3>
      <p className="quiet small">
        Urgent messages and requests to call come first. Logging the call back tells {client} that
        you called, and what you write about it.
      </p>
      <ul className="urgent-list">
        {waiting.map((message) => (
          <li key={message.id} className="urgent-item">
            <p className="urgent-title">
              {message.kind === 'call-request'
                ? `${client} asked you to call`
                : `${client} sent an urgent message`}{' '}
              · <time dateTime={message.sentAt}>{ago(message.sentAt)}</time>
            </p>
            <p className="quiet small">Sent {dayAndTime(message.sentAt)}</p>
            <p className="message-quote">{message.body}</p>
            <CallBack message={message} relationshipId={relationshipId} client={client} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function CallBack({
  message,
  relationshipId,
  client,
}: {
  message: Message;
  relationshipId: string;
  client: string;
}) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const ids = useId();
  const [open, setOpen] = useState(false);
  const [at, setAt] = useState('');
  const [outcome, setOutcome] = useState('');
  const [problems, setProblems] = useState<{ at?: string; outcome?: string }>({});
  const submit = useSubmit<Message>();
  const toggleRef = useRef<HTMLButtonElement>(null);
  const firstRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (open) firstRef.current?.focus();
  }, [open]);

  const close = () => {
    setOpen(false);
    requestAnimationFrame(() => toggleRef.current?.focus());
  };

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submit.pending) return;
    const when = fromLocalInput(at);
    const next: { at?: string; outcome?: string } = {};
    if (!when) next.at = 'Please give the day and time you called.';
    else if (Date.parse(when) > Date.now() + 60_000) next.at = 'Please log a call that happened.';
    if (outcome.trim() === '') next.outcome = 'Please write a few words about the call.';
    setProblems(next);
    if (next.at || next.outcome || !when) {
      document.getElementById(next.at ? `${ids}-at` : `${ids}-outcome`)?.focus();
      return;
    }
    // The field holds whole minutes: a call in the minute the request came is not before it.
    const sent = Date.parse(message.sentAt);
    const calledAt =
      Date.parse(when) < sent && sent - Date.parse(when) < 60_000 ? message.sentAt : when;
    const result = await submit.run(() =>
      logCallBack(message.id, { at: calledAt, outcome: outcome.trim() }),
    );
    if (!result.ok) return;
    await refreshMessages(queryClient, relationshipId);
    announce(`Call back logged. ${client} sees that you called.`);
    // The request leaves this list; the thread's heading is where the person goes on from.
    requestAnimationFrame(() => document.getElementById('thread-heading')?.focus());
  }

  const atError = problems.at ?? submit.fieldErrors.at ?? null;
  const outcomeError = problems.outcome ?? submit.fieldErrors.outcome ?? null;

  if (!open) {
    return (
      <p className="actions message-actions">
        <button
          ref={toggleRef}
          type="button"
          className="button button-primary button-small"
          onClick={() => {
            setAt(localInputValue(new Date()));
            setOpen(true);
          }}
        >
          Log the call back
          <span className="visually-hidden"> to {client}</span>
        </button>
      </p>
    );
  }
  return (
    <form
      className="message-form form form-tight"
      onSubmit={(event) => void onSubmit(event)}
      aria-label={`Log the call back to ${client}`}
      noValidate
    >
      <FormMessage message={submit.message && !atError && !outcomeError ? submit.message : null} />
      <div className="field">
        <label className="field-label" htmlFor={`${ids}-at`}>
          When you called
        </label>
        <input
          ref={firstRef}
          id={`${ids}-at`}
          type="datetime-local"
          className="field-input"
          value={at}
          max={localInputValue(new Date())}
          onChange={(event) => {
            setAt(event.target.value);
            setProblems((p) => ({ ...p, at: undefined }));
            submit.clearFieldError('at');
          }}
          aria-invalid={atError ? true : undefined}
          aria-describedby={atError ? `${ids}-at-error` : undefined}
        />
        {atError ? (
          <p id={`${ids}-at-error`} className="field-error">
            {atError}
          </p>
        ) : null}
      </div>
      <div className="field">
        <label className="field-label" htmlFor={`${ids}-outcome`}>
          What came of it
        </label>
        <span id={`${ids}-outcome-hint`} className="field-description">
          {client} will see this.
        </span>
        <textarea
          id={`${ids}-outcome`}
          className="field-input field-textarea"
          value={outcome}
          maxLength={NOTE_MAX}
          onChange={(event) => {
            setOutcome(event.target.value);
            setProblems((p) => ({ ...p, outcome: undefined }));
            submit.clearFieldError('outcome');
          }}
          aria-invalid={outcomeError ? true : undefined}
          aria-describedby={`${ids}-outcome-hint${outcomeError ? ` ${ids}-outcome-error` : ''}`}
        />
        {outcomeError ? (
          <p id={`${ids}-outcome-error`} className="field-error">
            {outcomeError}
          </p>
        ) : null}
      </div>
      <p className="actions">
        <button type="submit" className="button button-primary button-small">
          {submit.pending ? 'Logging…' : 'Log the call back'}
        </button>
        <button type="button" className="button button-quiet button-small" onClick={close}>
          Cancel
        </button>
      </p>
    </form>
  );
}

// --- Writing ---------------------------------------------------------------------------------------

const bodyRule = (value: string) =>
  value.trim() === ''
    ? 'Please write something before sending.'
    : value.length > BODY_MAX
      ? 'Please keep a message under 100,000 characters.'
      : null;

function Compose({
  relationshipId,
  viewer,
  other,
}: {
  relationshipId: string;
  viewer: Viewer;
  other: string;
}) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const ids = useId();
  const [text, setText, clearText, restored] = useLocalDraft(
    `message:${relationshipId}`,
    '',
    isString,
  );
  const [urgent, setUrgent] = useState(false);
  const [attempted, setAttempted] = useState(false);
  const submit = useSubmit<Message>();
  const fieldRef = useRef<HTMLTextAreaElement>(null);
  const problem = attempted ? bodyRule(text) : null;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submit.pending) return;
    setAttempted(true);
    if (bodyRule(text)) {
      fieldRef.current?.focus();
      return;
    }
    const result = await submit.run(() =>
      sendMessage(relationshipId, { body: text, ...(urgent ? { urgent: true } : {}) }),
    );
    if (!result.ok) {
      fieldRef.current?.focus();
      return;
    }
    setText('');
    clearText();
    setUrgent(false);
    setAttempted(false);
    // Said at once: what happens next (read, live) has its own announcement, which must not
    // come first and be talked over.
    announce(`Sent. ${other} will see it here, in your messages.`);
    fieldRef.current?.focus();
    await refreshMessages(queryClient, relationshipId);
  }

  return (
    <section aria-labelledby={`${ids}-heading`} className="card compose">
      {/* The field's own label says it again, so the heading is for finding the form. */}
      <h3 id={`${ids}-heading`} className="visually-hidden">
        Write to {other}
      </h3>
      <Form
        className="form form-tight"
        onSubmit={(event) => void onSubmit(event)}
        validationBehavior="aria"
        validationErrors={submit.fieldErrors}
        aria-labelledby={`${ids}-heading`}
      >
        <FormMessage message={submit.fieldErrors.body ? null : submit.message} />
        <TextField
          className="field"
          name="body"
          value={text}
          onChange={(value) => {
            setText(value);
            submit.clearFieldError('body');
          }}
          isInvalid={problem !== null || submit.fieldErrors.body !== undefined}
        >
          <Label className="field-label">Your message to {other}</Label>
          <Text slot="description" className="field-description">
            {other} will see this. What you write is kept on this device until it's sent
            {restored ? ', and what you wrote before is here' : ''}.
          </Text>
          <TextArea ref={fieldRef} className="field-input field-textarea" spellCheck />
          <FieldError className="field-error">
            {problem ?? submit.fieldErrors.body ?? ''}
          </FieldError>
        </TextField>
        {viewer === 'client' ? (
          <div className="check-field">
            <label className="check-label" htmlFor={`${ids}-urgent`}>
              <input
                id={`${ids}-urgent`}
                type="checkbox"
                checked={urgent}
                onChange={(event) => setUrgent(event.target.checked)}
                aria-describedby={`${ids}-urgent-hint`}
              />
              Mark as urgent
            </label>
            <span id={`${ids}-urgent-hint`} className="field-description">
              {other} sees urgent messages first.
            </span>
          </div>
        ) : null}
        <Button type="submit" className="button button-primary">
          {submit.pending ? 'Sending…' : 'Send'}
        </Button>
      </Form>
    </section>
  );
}

/** The client asks to be called: a message of its own kind, shown to the therapist first. */
function CallMe({ relationshipId, therapist }: { relationshipId: string; therapist: string }) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const ids = useId();
  const [note, setNote, clearNote] = useLocalDraft(`call:${relationshipId}`, '', isString);
  const submit = useSubmit<Message>();
  const [sent, setSent] = useState<string | null>(null);

  async function ask() {
    if (submit.pending) return;
    const result = await submit.run(() =>
      sendMessage(relationshipId, {
        kind: 'call-request',
        body: note.trim() === '' ? 'Please call me.' : note.trim(),
      }),
    );
    if (!result.ok) return;
    setNote('');
    clearNote();
    setSent(result.value.sentAt);
    await refreshMessages(queryClient, relationshipId);
    announce(`Asked. ${therapist} sees your request first.`);
  }

  return (
    <section aria-labelledby={`${ids}-heading`} className="card call-me">
      <h3 id={`${ids}-heading`}>Would you like {therapist} to call you?</h3>
      <p className="quiet small">
        {therapist} sees a request to call before anything else, and notes here when they called you
        back.
      </p>
      <form
        className="form form-tight"
        onSubmit={(event) => {
          event.preventDefault();
          void ask();
        }}
        aria-labelledby={`${ids}-heading`}
        noValidate
      >
        <FormMessage message={submit.fieldErrors.body ? null : submit.message} />
        <div className="field">
          <label className="field-label" htmlFor={`${ids}-note`}>
            Anything {therapist} should know before calling? (optional)
          </label>
          <span id={`${ids}-hint`} className="field-description">
            {therapist} will see this.
          </span>
          <input
            id={`${ids}-note`}
            type="text"
            className="field-input"
            value={note}
            maxLength={BODY_MAX}
            onChange={(event) => {
              setNote(event.target.value);
              submit.clearFieldError('body');
            }}
            aria-invalid={submit.fieldErrors.body ? true : undefined}
            aria-describedby={`${ids}-hint${submit.fieldErrors.body ? ` ${ids}-error` : ''}`}
          />
          {submit.fieldErrors.body ? (
            <p id={`${ids}-error`} className="field-error">
              {submit.fieldErrors.body}
            </p>
          ) : null}
        </div>
        <p className="actions">
          <button type="submit" className="button button-primary">
            {submit.pending ? 'Asking…' : 'Please call me'}
          </button>
        </p>
        {sent ? (
          <p className="quiet small">
            You asked {dayAndTime(sent)}. It's in your messages above, with what happens to it.
          </p>
        ) : null}
      </form>
    </section>
  );
}
