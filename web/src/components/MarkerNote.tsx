import type { ReactNode } from 'react';
import type { Marker } from '../api/relationships';

/**
 * Something Attune noticed, in the server's words: to the client a question, to the therapist
 * information. Calm on purpose: no alarm colour, no exclamation, no severity shown as a verdict.
 */
export function MarkerNote({
  markers,
  lead,
  children,
}: {
  /** What Attune noticed about one session, most telling first. */
  markers: Marker[];
  /** Words before the explanation, e.g. "After Monday:". */
  lead?: string;
  /** Actions, e.g. a "Not now" button. */
  children?: ReactNode;
}) {
  return (
    <div className="marker-note">
      <p>
        {lead ? <strong>{lead} </strong> : null}
        {markers.map((marker) => marker.explanation).join(' ')}
      </p>
      {children ? <div className="marker-actions">{children}</div> : null}
    </div>
  );
}
