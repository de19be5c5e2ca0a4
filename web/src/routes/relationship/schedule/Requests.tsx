import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Appointment } from '../../../api/relationships';
import {
  type AppointmentRequest,
  createRequest,
  type OpenTime,
  refreshSchedule,
  useRelationshipOpenTimes,
  useRequests,
  withdrawRequest,
} from '../../../api/schedule';
import { useAnnounce } from '../../../components/Announcer';
import { whenWithZone } from '../../../time';
import { minutes } from '../../../words';
import { RequestForm } from './RequestForm';
import { type People, requestState } from './words';

const SHOWN_REQUESTS = 5;

/** Extra appointments (connected, the client's side): open times, my requests, a new request. */
export function Requests({
  relationshipId,
  people,
  appointments,
}: {
  relationshipId: string;
  people: People;
  appointments: Appointment[];
}) {
  const requests = useRequests(relationshipId);
  const openTimes = useRelationshipOpenTimes(relationshipId);
  const open = (openTimes.data ?? []).filter((t) => !t.taken);
  const mine = (requests.data ?? []).slice(0, SHOWN_REQUESTS);
  return (
    <section aria-labelledby="extra-heading" className="schedule-section">
      <h3 id="extra-heading">An extra appointment</h3>
      {open.length > 0 ? (
        <div className="open-times">
          <h4>Times {people.other} has free</h4>
          <ul className="plain-list">
            {open.map((time) => (
              <OpenTimeItem
                key={time.id}
                time={time}
                relationshipId={relationshipId}
                people={people}
              />
            ))}
          </ul>
        </div>
      ) : null}
      {mine.length > 0 ? (
        <div className="my-requests">
          <h4>Your requests</h4>
          <ul className="plain-list">
            {mine.map((request) => (
              <RequestItem
                key={request.id}
                request={request}
                people={people}
                appointments={appointments}
              />
            ))}
          </ul>
        </div>
      ) : null}
      <RequestForm relationshipId={relationshipId} therapistName={people.other} />
    </section>
  );
}

function OpenTimeItem({
  time,
  relationshipId,
  people,
}: {
  time: OpenTime;
  relationshipId: string;
  people: People;
}) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const when = whenWithZone(time.startsAt);

  async function ask() {
    if (pending) return;
    setPending(true);
    setProblem(null);
    try {
      await createRequest(relationshipId, { openTimeId: time.id });
      await refreshSchedule(queryClient, relationshipId);
      announce(`You asked for ${when}. ${people.other} will answer here.`);
    } catch (error) {
      setProblem(
        error instanceof Error
          ? error.message
          : "We couldn't send that just now. Please try again.",
      );
    } finally {
      setPending(false);
    }
  }

  return (
    <li className="open-time">
      <span>
        {when} <span className="quiet">· {minutes(time.durationMinutes)}</span>
      </span>
      <button
        type="button"
        className="button button-quiet button-small"
        onClick={() => void ask()}
        aria-disabled={pending || undefined}
      >
        {pending ? 'Asking…' : 'Ask for this time'}
        <span className="visually-hidden">: {when}</span>
      </button>
      {problem ? (
        <p role="alert" className="field-error">
          {problem}
        </p>
      ) : null}
    </li>
  );
}

function RequestItem({
  request,
  people,
  appointments,
}: {
  request: AppointmentRequest;
  people: People;
  appointments: Appointment[];
}) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const asked = request.options.map((o) => whenWithZone(o.startsAt)).join('; ');

  async function withdraw() {
    if (pending) return;
    setPending(true);
    setProblem(null);
    try {
      await withdrawRequest(request.id);
      await refreshSchedule(queryClient, request.relationshipId);
      announce('Your request is withdrawn.');
    } catch (error) {
      setProblem(
        error instanceof Error ? error.message : "We couldn't do that just now. Please try again.",
      );
    } finally {
      setPending(false);
    }
  }

  return (
    <li className="request">
      <p>
        <strong>{requestState(request, people, appointments)}</strong>
      </p>
      <p className="quiet small">
        You asked for {asked || 'a time'}
        {request.note ? ` · “${request.note}”` : ''}
      </p>
      {request.status === 'open' ? (
        <button
          type="button"
          className="button button-quiet button-small"
          onClick={() => void withdraw()}
          aria-disabled={pending || undefined}
        >
          {pending ? 'Withdrawing…' : 'Withdraw'}
          <span className="visually-hidden"> the request for {asked}</span>
        </button>
      ) : null}
      {problem ? (
        <p role="alert" className="field-error">
          {problem}
        </p>
      ) : null}
    </li>
  );
}
