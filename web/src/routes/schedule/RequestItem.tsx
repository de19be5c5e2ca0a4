import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '../../api/client';
import { acceptRequest, declineRequest, refreshSchedule } from '../../api/schedule';
import { useAnnounce } from '../../components/Announcer';
import { DeclineForm } from './DeclineForm';
import { OfferForm } from './OfferForm';
import type { OpenRequest } from './RequestsList';
import { spanInWords } from './scheduleWords';

export function closedMessage(error: unknown): string {
  if (error instanceof ApiError && error.code === 'request_closed') {
    return 'This request was already answered or withdrawn, so it has left the list.';
  }
  if (error instanceof ApiError && error.status > 0 && error.status < 500) return error.message;
  return "We couldn't send your answer just now. Please try again in a moment.";
}

type Props = { request: OpenRequest; sent: string; onAnswered: () => void };

export function RequestItem({ request, sent, onAnswered }: Props) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const [open, setOpen] = useState<'offer' | 'decline' | null>(null);
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const name = request.clientName;
  const headingId = `request-${request.id}`;

  /** Sends an answer; afterwards the request leaves the list and focus goes to its heading. */
  async function answer(send: () => Promise<unknown>, done: string): Promise<boolean> {
    if (pending) return false;
    setPending(true);
    setProblem(null);
    try {
      await send();
      announce(done);
      onAnswered();
      await refreshSchedule(queryClient, request.relationshipId);
      return true;
    } catch (error) {
      setProblem(closedMessage(error));
      if (error instanceof ApiError && error.code === 'request_closed') {
        await refreshSchedule(queryClient, request.relationshipId);
      }
      return false;
    } finally {
      setPending(false);
    }
  }

  const accept = (startsAt: string, durationMinutes: number, note?: string) =>
    answer(
      () => acceptRequest(request.id, { startsAt, durationMinutes, note: note || null }),
      `Booked ${name} for ${spanInWords(startsAt, durationMinutes)}. ${name} was told.`,
    );

  const decline = (note: string) =>
    answer(
      () => declineRequest(request.id, { note: note || null }),
      `You declined ${name}'s request. ${name} was told.`,
    );

  return (
    <li className="card request">
      <h3 id={headingId}>{name} asked for another appointment</h3>
      <p className="quiet small">Sent {sent}</p>
      {request.note ? (
        <blockquote className="request-note">
          <p>{request.note}</p>
        </blockquote>
      ) : null}
      <h4 className="request-subheading">Times {name} suggested</h4>
      <ul className="request-options">
        {request.options.map((option) => (
          <li key={option.startsAt} className="request-option">
            <span>{spanInWords(option.startsAt, option.durationMinutes)}</span>
            <button
              type="button"
              className="button button-primary button-small"
              aria-disabled={pending || undefined}
              onClick={() => void accept(option.startsAt, option.durationMinutes)}
            >
              Accept this time
              <span className="visually-hidden">
                : {spanInWords(option.startsAt, option.durationMinutes)}
              </span>
            </button>
          </li>
        ))}
      </ul>
      {problem ? (
        <p role="alert" className="form-message">
          {problem}
        </p>
      ) : null}
      <div className="actions">
        <button
          type="button"
          className="button button-quiet button-small"
          aria-expanded={open === 'offer'}
          aria-controls={`${headingId}-offer`}
          onClick={() => setOpen(open === 'offer' ? null : 'offer')}
        >
          Offer another time
        </button>
        <button
          type="button"
          className="button button-quiet button-small"
          aria-expanded={open === 'decline'}
          aria-controls={`${headingId}-decline`}
          onClick={() => setOpen(open === 'decline' ? null : 'decline')}
        >
          Decline
        </button>
      </div>
      <div id={`${headingId}-offer`} hidden={open !== 'offer'}>
        {open === 'offer' ? (
          <OfferForm
            name={name}
            length={request.options[0]?.durationMinutes ?? 50}
            pending={pending}
            onOffer={accept}
          />
        ) : null}
      </div>
      <div id={`${headingId}-decline`} hidden={open !== 'decline'}>
        {open === 'decline' ? (
          <DeclineForm name={name} pending={pending} onDecline={decline} />
        ) : null}
      </div>
    </li>
  );
}
