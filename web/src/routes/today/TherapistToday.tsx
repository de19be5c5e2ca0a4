import { Link, useNavigate } from 'react-router';
import type { User } from '../../api/auth';
import { ago, dayAndTime, type WaitingMessage } from '../../api/messages';
import { type CaseloadItem, useCaseload } from '../../api/relationships';
import { useTherapistWeek } from '../../api/schedule';
import { Page } from '../../components/Page';
import { AcceptInviteForm } from '../invite/AcceptInviteForm';
import { AgreementBanner } from '../relationship/AgreementBanner';
import { NewForYou } from './ClientToday';
import '../relationship/messages.css';

/** A caseload item as the server now sends it: with the client's message the reason names. */
type Item = CaseloadItem & { waitingMessage?: WaitingMessage | null };

const asksForCall = (w: WaitingMessage | null | undefined): w is WaitingMessage =>
  !!w && (w.urgent || w.kind === 'call-request');

const messagesOf = (item: Item) => `/relationships/${item.relationship.id}?tab=messages`;

function daysInWords(days: number | null): string {
  if (days === null) return 'no session yet';
  if (days === 0) return 'last session today';
  if (days === 1) return 'last session yesterday';
  return `last session ${days} days ago`;
}

function scoresInWords(item: CaseloadItem): string {
  const theirs =
    item.latestClientScore === null
      ? `no shared check-in from ${item.clientName} yet`
      : `${item.clientName} ${item.latestClientScore}`;
  const yours =
    item.latestTherapistScore === null ? 'none from you yet' : `you ${item.latestTherapistScore}`;
  return `Latest check-ins: ${theirs} · ${yours}`;
}

/** The therapist's home: connected clients, who most needs attention first, with the reason. */
export function TherapistToday({ user }: { user: User }) {
  const caseload = useCaseload();
  const items: Item[] = caseload.data ?? [];
  const urgent = items.filter((item) => asksForCall(item.waitingMessage));

  return (
    <Page title="Today">
      <p className="lead">Hello, {user.displayName}.</p>
      <YourWeek />
      {urgent.length > 0 ? (
        <section aria-labelledby="calls-heading" className="calls">
          <h2 id="calls-heading">Waiting for your call</h2>
          <ul className="urgent-list">
            {urgent.map((item) => (
              <UrgentItem key={item.relationship.id} item={item} />
            ))}
          </ul>
        </section>
      ) : null}
      <NewForYou
        viewer="therapist"
        nameOf={(id) => items.find((item) => item.relationship.id === id)?.clientName ?? null}
      />
      <section aria-labelledby="caseload-heading">
        <h2 id="caseload-heading">Your clients</h2>
        {caseload.isPending ? <p className="quiet">Loading…</p> : null}
        {caseload.isError ? (
          <div className="form-message" role="alert">
            <p>We couldn't load your clients just now.</p>
            <button
              type="button"
              className="button button-quiet"
              onClick={() => void caseload.refetch()}
            >
              Try again
            </button>
          </div>
        ) : null}
        {caseload.isSuccess && items.length === 0 ? (
          <div className="card empty">
            <p>
              When a client invites you to connect, they'll appear here, along with what they choose
              to share with you.
            </p>
          </div>
        ) : null}
        {items.length > 0 ? (
          <>
            <p className="quiet small">
              Ordered by who may most need your attention: urgent messages and requests to call
              first, then what Attune noticed in the check-ins they shared, messages waiting for an
              answer and the time since the last session.
            </p>
            <ul className="plain-list caseload">
              {items.map((item) => (
                <CaseloadEntry key={item.relationship.id} item={item} />
              ))}
            </ul>
          </>
        ) : null}
      </section>
      <section aria-labelledby="accept-heading" className="card accept">
        <h2 id="accept-heading">Accept an invite</h2>
        <p>If a client gave you a code, enter it here to connect.</p>
        <AcceptInviteForm />
      </section>
    </Page>
  );
}

function requestsInWords(count: number): string {
  return count === 1
    ? '1 request for another appointment is waiting for your answer'
    : `${count} requests for another appointment are waiting for your answer`;
}

/** The way to the schedule, with the requests for another appointment still open. */
function YourWeek() {
  const week = useTherapistWeek();
  const open = week.data?.requests.length ?? 0;
  return (
    <p>
      <Link to="/schedule">Your week</Link>
      {open > 0 ? <span> · {requestsInWords(open)}</span> : null}
    </p>
  );
}

/** "Robin asked you to call · 3 hours ago", with the way to the thread, where the call is logged. */
function UrgentItem({ item }: { item: Item }) {
  const waiting = item.waitingMessage;
  if (!waiting) return null;
  return (
    <li className="urgent-item">
      <p className="urgent-title">
        {waiting.kind === 'call-request'
          ? `${item.clientName} asked you to call`
          : `${item.clientName} sent an urgent message`}{' '}
        · <time dateTime={waiting.sentAt}>{ago(waiting.sentAt)}</time>
      </p>
      <p className="quiet small">Sent {dayAndTime(waiting.sentAt)}</p>
      <p>
        <Link to={messagesOf(item)}>
          Open messages with {item.clientName}
          <span className="visually-hidden"> to read it and log the call back</span>
        </Link>
      </p>
    </li>
  );
}

function CaseloadEntry({ item }: { item: Item }) {
  const navigate = useNavigate();
  const link = `/relationships/${item.relationship.id}`;
  // The banner needs only the relationship and the names; the rest of the page is not fetched.
  const page = {
    relationship: item.relationship,
    clientName: item.clientName,
    appointments: [],
    checkins: [],
    markers: [],
  };
  return (
    <li className={item.attention > 0 ? 'card caseload-item attention' : 'card caseload-item'}>
      <h3>
        <Link to={link}>{item.clientName}</Link>
      </h3>
      {item.attention > 0 ? <p className="attention-label">Needs attention</p> : null}
      <p className="caseload-reason">{item.reason}</p>
      <p className="quiet small">
        {scoresInWords(item)} · {daysInWords(item.daysSinceLastAppointment)}
      </p>
      {item.waitingMessage ? (
        <p className="small">
          <Link to={messagesOf(item)}>
            Open messages<span className="visually-hidden"> with {item.clientName}</span>
          </Link>
        </p>
      ) : null}
      <AgreementBanner
        page={page}
        viewer="therapist"
        headingLevel={3}
        onOpen={() => void navigate(`${link}?tab=agreement`)}
      />
    </li>
  );
}
