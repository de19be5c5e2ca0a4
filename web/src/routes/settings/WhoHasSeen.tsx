import { useEffect, useId, useRef, useState } from 'react';
import { Link } from 'react-router';
import {
  type AuditEvent,
  allEvents,
  eventWords,
  RUPTURE_SUBJECTS,
  useAudit,
} from '../../api/audit';
import type { User } from '../../api/auth';
import { type Relationship, useRelationships } from '../../api/relationships';
import { useAnnounce } from '../../components/Announcer';
import { Page } from '../../components/Page';
import { SignedIn } from '../../components/SignedIn';
import { daysAgo, longDate, timeOfDay } from '../../words';

export default function WhoHasSeenRoute() {
  return <SignedIn>{(user) => <WhoHasSeen user={user} />}</SignedIn>;
}

const TITLE = 'Who has seen your records';

/** One line of the list: an event, or the same event repeated within one minute. */
type Line = { first: number; event: AuditEvent; times: number };
type Day = { key: string; label: string; lines: Line[] };

const LIST_STYLE = { listStyle: 'none', margin: 0, padding: 0 } as const;
const LINE_STYLE = { padding: '0.625rem 0', borderTop: '1px solid var(--line)' } as const;
const FIRST_LINE_STYLE = { padding: '0 0 0.625rem' } as const;

function localDay(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

function dayLabel(iso: string): string {
  const days = daysAgo(iso);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  return longDate(iso);
}

const sameMinute = (a: string, b: string) =>
  Math.floor(Date.parse(a) / 60_000) === Math.floor(Date.parse(b) / 60_000);

/** Events by local day, newest first; a read repeated in the same minute is one line. */
function byDay(events: AuditEvent[]): Day[] {
  const days: Day[] = [];
  events.forEach((event, index) => {
    const key = localDay(event.at);
    let day = days.at(-1);
    if (!day || day.key !== key) {
      day = { key, label: dayLabel(event.at), lines: [] };
      days.push(day);
    }
    const last = day.lines.at(-1);
    if (
      last &&
      last.event.actor?.id === event.actor?.id &&
      last.event.action === event.action &&
      last.event.subjectType === event.subjectType &&
      last.event.subjectId === event.subjectId &&
      last.event.relationshipId === event.relationshipId &&
      sameMinute(last.event.at, event.at)
    ) {
      last.times += 1;
    } else {
      day.lines.push({ first: index, event, times: 1 });
    }
  });
  return days;
}

/** The reader as the person knows them: their own therapist by the name they gave. */
function readerName(event: AuditEvent, relationships: Relationship[]): string {
  const { actor } = event;
  if (!actor) return 'Someone whose account has since been closed';
  const relationship = relationships.find((r) => r.id === event.relationshipId);
  if (relationship && relationship.therapistId === actor.id) return relationship.therapistName;
  return actor.displayName;
}

function WhoHasSeen({ user }: { user: User }) {
  const audit = useAudit('records');
  const relationships = useRelationships();
  const announce = useAnnounce();
  const listRef = useRef<HTMLDivElement>(null);
  const [focusFrom, setFocusFrom] = useState<number | null>(null);
  const events = allEvents(audit.data);
  const days = byDay(events);

  // After "Show earlier", focus moves to the first line that was added, so it is read next.
  useEffect(() => {
    if (focusFrom === null || events.length <= focusFrom) return;
    const lines = listRef.current?.querySelectorAll<HTMLElement>('[data-first]') ?? [];
    // Earlier entries that only repeat the last line add to its count: focus goes there.
    const target =
      [...lines].find((line) => Number(line.dataset.first) >= focusFrom) ?? [...lines].at(-1);
    target?.focus();
    setFocusFrom(null);
  }, [focusFrom, events.length]);

  async function showEarlier() {
    if (audit.isFetchingNextPage) return;
    const before = events.length;
    const result = await audit.fetchNextPage();
    const after = allEvents(result.data).length;
    if (result.isError) {
      announce("We couldn't load the earlier ones just now. Please try again.");
      return;
    }
    announce(
      after > before
        ? `${after - before} earlier ${after - before === 1 ? 'entry' : 'entries'} shown.`
        : 'There is nothing earlier.',
    );
    if (after > before) setFocusFrom(before);
  }

  const exportLink = (
    <p>
      You can also <Link to="/settings/privacy/export">export your data</Link>: a copy of everything
      you wrote in Attune, to keep.
    </p>
  );
  const about =
    user.role === 'client' ? (
      <p className="lead">
        Each time your therapist opens something of yours — your check-ins, the records you shared,
        your messages — Attune writes it down here. Only you see this list.
      </p>
    ) : (
      <>
        <p className="lead">
          Each time someone else opens something of yours, Attune writes it down here. Only you see
          this list.
        </p>
        <p className="note">
          When a client's data is read, it is recorded for them; this page shows reads of your own
          data.
        </p>
      </>
    );
  const intro = (
    <>
      {about}
      {exportLink}
    </>
  );

  // Names wait for the relationships, so a therapist's name never changes while being read.
  if (audit.isPending || relationships.isPending) {
    return (
      <Page title={TITLE}>
        {intro}
        <p className="quiet">Loading…</p>
      </Page>
    );
  }
  if (audit.isError && events.length === 0) {
    return (
      <Page title={TITLE}>
        {intro}
        <div className="form-message" role="alert">
          <p>We couldn't load this list just now. {audit.error.message}</p>
          <button
            type="button"
            className="button button-primary"
            onClick={() => void audit.refetch()}
          >
            Try again
          </button>
        </div>
      </Page>
    );
  }

  const mentionsRuptures = events.some((e) => RUPTURE_SUBJECTS.includes(e.subjectType));
  const known = relationships.data ?? [];

  return (
    <Page title={TITLE}>
      {intro}
      {events.length === 0 ? (
        <p className="empty">Nobody has seen anything of yours yet.</p>
      ) : (
        <div ref={listRef}>
          {mentionsRuptures ? (
            <p className="quiet">
              A rupture record is what you write about a strain or break in the connection with your
              therapist.
            </p>
          ) : null}
          {days.map((day) => (
            <DaySection key={day.key} day={day} relationships={known} />
          ))}
        </div>
      )}
      {audit.hasNextPage ? (
        <p style={{ marginTop: '1.25rem' }}>
          <button
            type="button"
            className="button button-quiet"
            aria-disabled={audit.isFetchingNextPage || undefined}
            onClick={() => void showEarlier()}
          >
            {audit.isFetchingNextPage ? 'Loading earlier ones…' : 'Show earlier'}
          </button>
        </p>
      ) : null}
    </Page>
  );
}

function DaySection({ day, relationships }: { day: Day; relationships: Relationship[] }) {
  const headingId = useId();
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{day.label}</h2>
      <ul style={LIST_STYLE}>
        {day.lines.map((line, i) => (
          <EventLine
            key={`${line.first}`}
            line={line}
            name={readerName(line.event, relationships)}
            isFirst={i === 0}
          />
        ))}
      </ul>
    </section>
  );
}

function EventLine({ line, name, isFirst }: { line: Line; name: string; isFirst: boolean }) {
  const words = eventWords(line.event);
  return (
    <li data-first={line.first} tabIndex={-1} style={isFirst ? FIRST_LINE_STYLE : LINE_STYLE}>
      {name} {words.text}
      {words.link ? (
        <>
          {' '}
          <Link to={words.link.to}>{words.link.text}</Link>
        </>
      ) : null}
      {line.times > 1 ? ` (${line.times} times)` : null}
      <span className="quiet">
        {' · '}
        <time dateTime={line.event.at}>{timeOfDay(line.event.at)}</time>
      </span>
    </li>
  );
}
