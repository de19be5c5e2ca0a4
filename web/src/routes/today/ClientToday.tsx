import { useQueries, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import type { User } from '../../api/auth';
import {
  ago,
  dayAndTime,
  dayName,
  inOrder,
  isWaiting,
  type Message,
  onDayName,
  replyHours,
  useMessages,
} from '../../api/messages';
import { markSeen, type Notice, useNotifications } from '../../api/notifications';
import {
  fetchPage,
  keys,
  type Marker,
  type Relationship,
  type RelationshipPage,
  useRelationships,
} from '../../api/relationships';
import { type Rupture, useRuptures } from '../../api/ruptures';
import {
  SCHEDULE_NOTICE_KINDS,
  scheduleKeys,
  upcomingGaps,
  useScheduleLive,
} from '../../api/schedule';
import { useAnnounce } from '../../components/Announcer';
import { MarkerNote } from '../../components/MarkerNote';
import { Page } from '../../components/Page';
import { howDidItFeel, KIND_WORDS, longDate, onDay, timeOfDay } from '../../words';
import { Agenda } from '../relationship/Agenda';
import { AgreementBanner } from '../relationship/AgreementBanner';
import { GapNote } from '../relationship/schedule/GapNote';
import '../relationship/schedule/schedule.css';
import '../relationship/messages.css';
import { awaitsCheckIn, byKind, checkInLink } from '../relationship/TimelineTab';
import { writeAboutIt } from '../ruptures/links';
import { AddTherapistForm } from './AddTherapistForm';

const DAY = 86_400_000;
/** A check-in prompt and a marker are offered for this long after the session, then rest. */
const PROMPT_DAYS = 14;
const MARKER_DAYS = 35;
const NOT_NOW_KEY = 'attune:not-now';
/** Today names at most this many ruptures still being worked through; the rest are a tab away. */
const WORKING_THROUGH_SHOWN = 2;

function markerKey(relationshipId: string, marker: Marker): string {
  return `${relationshipId}|${marker.kind}|${marker.at}`;
}

/** "Not now" lasts for this visit (this tab, until it is closed). */
function useNotNow(): [Set<string>, (keys: string[]) => void] {
  const [hidden, setHidden] = useState<Set<string>>(() => {
    try {
      const raw = window.sessionStorage.getItem(NOT_NOW_KEY);
      const parsed: unknown = raw ? JSON.parse(raw) : [];
      return new Set(Array.isArray(parsed) ? parsed.filter((x) => typeof x === 'string') : []);
    } catch {
      return new Set();
    }
  });
  const hide = (keys: string[]) =>
    setHidden((current) => {
      const next = new Set([...current, ...keys]);
      try {
        window.sessionStorage.setItem(NOT_NOW_KEY, JSON.stringify([...next]));
      } catch {
        // Hidden on this page anyway.
      }
      return next;
    });
  return [hidden, hide];
}

export function ClientToday({ user }: { user: User }) {
  const relationships = useRelationships();
  const items = relationships.data ?? [];
  const active = items.filter((r) => r.status === 'active');
  const past = items.filter((r) => r.status === 'ended');
  const pages = useQueries({
    queries: active.map((r) => ({ queryKey: keys.page(r.id), queryFn: () => fetchPage(r.id) })),
  });
  const gaps = useQueries({
    queries: active.map((r) => ({
      queryKey: scheduleKeys.gaps(r.id),
      queryFn: () => upcomingGaps(r.id),
    })),
  });
  // Only the first relationship with a coming gap speaks of it here; the rest are on their tabs.
  const gapAt = active.find((_, index) => (gaps[index]?.data?.items.length ?? 0) > 0)?.id;
  useScheduleLive(useQueryClient());
  const [hidden, hide] = useNotNow();

  if (relationships.isPending) return <p className="quiet">Loading…</p>;

  return (
    <Page title="Today">
      <p className="lead">Hello, {user.displayName}.</p>
      <NewForYou
        viewer="client"
        nameOf={(id) => items.find((r) => r.id === id)?.therapistName ?? null}
      />
      {relationships.isError ? (
        <div className="form-message" role="alert">
          <p>We couldn't load your therapists just now.</p>
          <button
            type="button"
            className="button button-quiet"
            onClick={() => void relationships.refetch()}
          >
            Try again
          </button>
        </div>
      ) : null}
      {relationships.isSuccess && items.length === 0 ? (
        <section className="card empty" aria-labelledby="today-empty">
          <h2 id="today-empty">Nothing here yet</h2>
          <p>When you're ready, you can add your therapist and your sessions here.</p>
          <p className="quiet">
            Everything you write stays private to you unless you choose to share it.
          </p>
          <AddTherapistForm />
        </section>
      ) : null}
      {active.map((relationship, index) => {
        const page = pages[index];
        return (
          <RelationshipToday
            key={relationship.id}
            relationship={relationship}
            page={page?.data}
            failed={page?.isError ?? false}
            showGap={relationship.id === gapAt}
            hidden={hidden}
            onNotNow={hide}
          />
        );
      })}
      {past.length > 0 ? (
        <section aria-labelledby="past-heading" className="past">
          <h2 id="past-heading">Past</h2>
          <ul className="plain-list">
            {past.map((r) => (
              <li key={r.id}>
                <Link to={`/relationships/${r.id}`}>{r.therapistName}</Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {items.length > 0 ? (
        <details className="add-another">
          <summary>Add another therapist</summary>
          <AddTherapistForm />
        </details>
      ) : null}
    </Page>
  );
}

function nextAppointment(page: RelationshipPage) {
  const now = Date.now();
  return page.appointments
    .filter((a) => a.status === 'scheduled' && new Date(a.startsAt).getTime() > now)
    .sort((a, b) => new Date(a.startsAt).getTime() - new Date(b.startsAt).getTime())[0];
}

function promptFor(page: RelationshipPage) {
  const now = Date.now();
  return page.appointments
    .filter(
      (a) =>
        awaitsCheckIn(page, a, 'client') &&
        now - new Date(a.startsAt).getTime() <= PROMPT_DAYS * DAY,
    )
    .sort((a, b) => new Date(b.startsAt).getTime() - new Date(a.startsAt).getTime())[0];
}

function RelationshipToday({
  relationship,
  page,
  failed,
  showGap,
  hidden,
  onNotNow,
}: {
  relationship: Relationship;
  page: RelationshipPage | undefined;
  failed: boolean;
  showGap: boolean;
  hidden: Set<string>;
  onNotNow: (keys: string[]) => void;
}) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const announce = useAnnounce();
  const navigate = useNavigate();
  const ruptures = useRuptures(relationship.id);
  const headingId = `today-${relationship.id}`;
  const link = `/relationships/${relationship.id}`;

  if (!page) {
    return (
      <section className="card today-relationship" aria-labelledby={headingId}>
        <h2 id={headingId}>
          <Link to={link}>{relationship.therapistName}</Link>
        </h2>
        <p className="quiet">{failed ? "We couldn't load this just now." : 'Loading…'}</p>
      </section>
    );
  }

  const next = nextAppointment(page);
  const prompt = promptFor(page);
  const now = Date.now();
  // Only the latest session with something noticed is offered here, so Today stays quiet;
  // the rest is in the timeline.
  const groups = new Map<string, Marker[]>();
  for (const marker of page.markers) {
    if (now - new Date(marker.at).getTime() > MARKER_DAYS * DAY) continue;
    const group = marker.appointmentId ?? marker.at;
    groups.set(group, [...(groups.get(group) ?? []), marker]);
  }
  const latest = [...groups.values()].sort(
    (a, b) => new Date(b[0]?.at ?? 0).getTime() - new Date(a[0]?.at ?? 0).getTime(),
  )[0];
  // "Not now" puts it aside for this visit, without an older one taking its place.
  const noticed =
    latest && !latest.every((m) => hidden.has(markerKey(relationship.id, m))) ? byKind(latest) : [];

  return (
    <section className="card today-relationship" aria-labelledby={headingId}>
      <h2 id={headingId} ref={headingRef} tabIndex={-1}>
        <Link to={link}>{relationship.therapistName}</Link>
      </h2>
      <AgreementBanner
        page={page}
        viewer="client"
        headingLevel={3}
        onOpen={() => void navigate(`${link}?tab=agreement`)}
      />
      {relationship.mode === 'connected' ? (
        <WaitingOnTherapist relationship={relationship} />
      ) : null}
      <p>
        {next ? (
          <>
            Next session: {longDate(next.startsAt)}, {timeOfDay(next.startsAt)} ·{' '}
            {KIND_WORDS[next.kind]}
          </>
        ) : (
          <>
            No next session planned yet.{' '}
            <Link to={`${link}?tab=schedule`}>
              Add one<span className="visually-hidden"> with {relationship.therapistName}</span>
            </Link>
          </>
        )}
      </p>
      {next ? (
        <Agenda
          relationshipId={relationship.id}
          therapistName={relationship.therapistName}
          nextAppointmentAt={next.startsAt}
          headingLevel={3}
        />
      ) : null}
      {showGap ? <GapNote relationship={relationship} appointments={page.appointments} /> : null}
      <WorkingThrough ruptures={ruptures.data ?? []} />
      {prompt ? (
        <p className="checkin-prompt">
          <Link to={checkInLink(prompt)}>
            {howDidItFeel(prompt.startsAt)} <span className="quiet">Two minutes</span>
          </Link>
        </p>
      ) : null}
      {noticed.length > 0 && noticed[0] ? (
        <MarkerNote markers={noticed} lead={`After your session ${onDay(noticed[0].at)}:`}>
          <Link
            to={writeAboutIt(relationship.id, noticed[0])}
            className="button button-quiet button-small"
          >
            Write about it
          </Link>
          <Link to={link} className="button button-quiet button-small">
            Look at it<span className="visually-hidden"> in your timeline</span>
          </Link>
          <button
            type="button"
            className="button button-quiet button-small"
            onClick={() => {
              onNotNow(noticed.map((m) => markerKey(relationship.id, m)));
              announce('Put aside for now. It stays in your timeline.');
              headingRef.current?.focus();
            }}
          >
            Not now
          </button>
        </MarkerNote>
      ) : null}
    </section>
  );
}

/** Ruptures not yet repaired, newest first, named calmly with a way back to each. */
function WorkingThrough({ ruptures }: { ruptures: Rupture[] }) {
  const open = ruptures
    .filter((r) => r.status === 'open' || r.status === 'repairing')
    .sort((a, b) => Date.parse(b.occurredAt) - Date.parse(a.occurredAt))
    .slice(0, WORKING_THROUGH_SHOWN);
  if (open.length === 0) return null;
  return (
    <p className="working-through">
      {open.length === 1 ? "Something you're working through: " : "What you're working through: "}
      {open.map((rupture, index) => (
        <span key={rupture.id}>
          {index > 0 ? ' · ' : null}
          <Link to={`/ruptures/${rupture.id}`}>
            <em>{rupture.title}</em>
          </Link>
        </span>
      ))}
    </p>
  );
}

// --- Messages: what is waiting on the therapist, in words --------------------------------------

/** The message Today speaks of: the latest with a promise or a note, else the latest waiting. */
function focusOf(waiting: Message[]): Message | undefined {
  const promised = waiting.filter((m) => m.replyBy || m.acknowledgementNote);
  return promised.at(-1) ?? waiting.at(-1);
}

/** "Dr. Lee read your message on Tuesday · promised a reply by Thursday 14:00", and the like. */
export function waitingWords(message: Message, therapist: string): string {
  const what = message.kind === 'call-request' ? 'your request to call' : 'your message';
  if (!message.readAt) {
    const day = dayName(message.sentAt, 'long');
    const from = message.kind === 'call-request' ? 'Your request to call' : 'Your message';
    const hours = replyHours(message);
    return `${from} from ${day} hasn't been read yet${
      hours !== null ? `; replies are expected within ${hours} hours` : ''
    }.`;
  }
  const read = `${therapist} read ${what} ${onDayName(message.readAt)}`;
  if (message.replyBy)
    return `${read} · promised a reply by ${dayAndTime(message.replyBy, 'long')}`;
  if (message.replyDueAt) {
    const due = dayAndTime(message.replyDueAt, 'long');
    return Date.parse(message.replyDueAt) > Date.now()
      ? `${read} · a reply is expected by ${due} (from your agreement)`
      : `${read} · a reply was expected by ${due} (from your agreement)`;
  }
  return read;
}

function WaitingOnTherapist({ relationship }: { relationship: Relationship }) {
  const thread = useMessages(relationship.id);
  const messages = inOrder(thread.data);
  const therapist = relationship.therapistName;
  const mine = messages.filter((m) => m.senderRole === 'client' && isWaiting(m));
  const focus = focusOf(mine);
  const unreadFromThem = messages.filter((m) => m.senderRole === 'therapist' && !m.readAt);
  if (!focus && unreadFromThem.length === 0) return null;
  const latestFromThem = unreadFromThem.at(-1);
  return (
    <div className="waiting">
      {latestFromThem ? (
        <p>
          {unreadFromThem.length === 1
            ? `${therapist} sent you a message ${onDayName(latestFromThem.sentAt)}.`
            : `${therapist} sent you ${unreadFromThem.length} messages, the latest ${onDayName(latestFromThem.sentAt)}.`}
        </p>
      ) : null}
      {focus ? <p>{waitingWords(focus, therapist)}</p> : null}
      {focus?.acknowledgementNote ? (
        <p className="message-quote">
          {therapist}: “{focus.acknowledgementNote}”
        </p>
      ) : null}
      <p>
        <Link to={`/relationships/${relationship.id}?tab=messages`}>
          Open your messages<span className="visually-hidden"> with {therapist}</span>
        </Link>
      </p>
    </div>
  );
}

// --- New for you: the notices behind the header's count ---------------------------------------

const SHOWN_NOTICES = 5;

function noticeWords(notice: Notice, name: string, viewer: 'client' | 'therapist'): string {
  switch (notice.kind) {
    case 'message':
      return `${name} sent you a message`;
    case 'urgent-message':
      return `${name} sent you a message marked urgent`;
    case 'call-request':
      return `${name} asked you to call`;
    case 'message-acknowledged':
      return `${name} acknowledged your message`;
    case 'call-logged':
      return viewer === 'client'
        ? `${name} noted that they called you back`
        : `${name} noted a call`;
    case 'agreement-changed':
      return `${name} wrote a new version of your agreement`;
    case 'agreement-acknowledged':
      return `${name} acknowledged your agreement`;
    case 'reply-due':
      return `A reply to ${name} is coming due`;
    case 'unread-message':
      return `A message from ${name} is waiting for you`;
    case 'agreement-unacknowledged':
      return `A new version of your agreement with ${name} is waiting for you`;
    case 'appointment-changed':
      return `Your schedule with ${name} changed`;
    case 'appointment-cancelled':
      return `An appointment with ${name} was cancelled`;
    case 'time-off':
      return `${name} will be away; your schedule changed`;
    case 'appointment-request':
      return `${name} asked for an extra appointment`;
    case 'request-answered':
      return `${name} answered your request for an appointment`;
    case 'appointment-reminder':
      return `A reminder of your coming appointment with ${name}`;
    case 'couples-invite':
      return `${name} suggested couples appointments`;
    default:
      return `Something new with ${name}`;
  }
}

function tabOf(kind: string): string {
  if (kind.startsWith('agreement')) return 'agreement';
  if (SCHEDULE_NOTICE_KINDS.includes(kind)) return 'schedule';
  return 'messages';
}

/**
 * What the count in the header is about: each unseen notice in words, with the way to it. Opening
 * one marks it seen; so does "Mark all as seen". Nothing here quotes anyone's words.
 */
export function NewForYou({
  viewer,
  nameOf,
}: {
  viewer: 'client' | 'therapist';
  nameOf: (relationshipId: string) => string | null;
}) {
  const notices = useNotifications();
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const [problem, setProblem] = useState<string | null>(null);
  const unseen = (notices.data?.items ?? []).filter((n) => !n.seenAt && n.relationshipId);
  if (unseen.length === 0) return null;
  const shown = unseen.slice(0, SHOWN_NOTICES);
  const more = (notices.data?.unseen ?? unseen.length) - shown.length;

  const seeAll = async () => {
    setProblem(null);
    try {
      await markSeen(
        queryClient,
        unseen.map((n) => n.id),
      );
      announce('Marked as seen.');
    } catch {
      setProblem("We couldn't mark these as seen just now. Please try again.");
    }
  };

  return (
    <section aria-labelledby="new-for-you" className="card new-notices">
      <h2 id="new-for-you">New for you</h2>
      <ul className="plain-list">
        {shown.map((notice) => {
          const id = notice.relationshipId ?? '';
          const name = nameOf(id) ?? (viewer === 'client' ? 'your therapist' : 'a client');
          return (
            <li key={notice.id}>
              <Link
                to={`/relationships/${id}?tab=${tabOf(notice.kind)}`}
                onClick={() => void markSeen(queryClient, [notice.id]).catch(() => undefined)}
              >
                {noticeWords(notice, name, viewer)}
              </Link>{' '}
              <span className="quiet small">· {ago(notice.createdAt)}</span>
            </li>
          );
        })}
      </ul>
      {more > 0 ? <p className="quiet small">And {more} more.</p> : null}
      <button
        type="button"
        className="button button-quiet button-small"
        onClick={() => void seeAll()}
      >
        Mark all as seen
      </button>
      {problem ? (
        <p role="alert" className="field-error">
          {problem}
        </p>
      ) : null}
    </section>
  );
}
