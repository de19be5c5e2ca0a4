import { Link } from 'react-router';
import type { User } from '../../api/auth';
import { type CaseloadItem, useCaseload } from '../../api/relationships';
import { Page } from '../../components/Page';
import { AcceptInviteForm } from '../invite/AcceptInviteForm';

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
  const items = caseload.data ?? [];

  return (
    <Page title="Today">
      <p className="lead">Hello, {user.displayName}.</p>
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
              Ordered by who may most need your attention, from what Attune noticed in the check-ins
              they shared and the time since the last session.
            </p>
            <ul className="plain-list caseload">
              {items.map((item) => (
                <li
                  key={item.relationship.id}
                  className={
                    item.attention > 0 ? 'card caseload-item attention' : 'card caseload-item'
                  }
                >
                  <h3>
                    <Link to={`/relationships/${item.relationship.id}`}>{item.clientName}</Link>
                  </h3>
                  {item.attention > 0 ? <p className="attention-label">Needs attention</p> : null}
                  <p className="caseload-reason">{item.reason}</p>
                  <p className="quiet small">
                    {scoresInWords(item)} · {daysInWords(item.daysSinceLastAppointment)}
                  </p>
                </li>
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
