import { useRef } from 'react';
import { ago } from '../../api/messages';
import { type TherapistWeek, useTherapistWeek } from '../../api/schedule';
import { RequestItem } from './RequestItem';

export type OpenRequest = TherapistWeek['requests'][number];

/** Open requests for another appointment, each with its proposed times and the ways to answer. */
export function RequestsList() {
  // The default range: the server lists every open request with any week.
  const week = useTherapistWeek();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const requests = week.data?.requests ?? [];

  return (
    <section aria-labelledby="requests-heading" className="schedule-section">
      <h2 id="requests-heading" ref={headingRef} tabIndex={-1}>
        Requests
      </h2>
      {week.isPending ? <p className="quiet">Loading…</p> : null}
      {week.isError ? (
        <div className="form-message" role="alert">
          <p>We couldn't load requests just now.</p>
          <button type="button" className="button button-quiet" onClick={() => void week.refetch()}>
            Try again
          </button>
        </div>
      ) : null}
      {week.isSuccess && requests.length === 0 ? (
        <p className="quiet">
          No requests waiting. When a client asks for another appointment, it appears here.
        </p>
      ) : null}
      {requests.length > 0 ? (
        <ul className="request-list">
          {requests.map((request) => (
            <RequestItem
              key={request.id}
              request={request}
              sent={ago(request.createdAt)}
              onAnswered={() => headingRef.current?.focus()}
            />
          ))}
        </ul>
      ) : null}
    </section>
  );
}
