import { Link } from 'react-router';
import type { Appointment, Relationship } from '../../../api/relationships';
import { useUpcomingGaps } from '../../../api/schedule';
import { gapWords } from './words';

const MINUTE = 60_000;

/** Whether the gap runs from now rather than from the end of an appointment. */
function startsNow(from: string, appointments: Appointment[]): boolean {
  const at = Date.parse(from);
  return !appointments.some(
    (a) =>
      a.status !== 'cancelled' &&
      Math.abs(Date.parse(a.startsAt) + a.durationMinutes * MINUTE - at) < MINUTE,
  );
}

/**
 * The coming gap between appointments, said calmly, with ways to stay in touch meanwhile. Shown
 * on the Schedule tab and on Today.
 */
export function GapNote({
  relationship,
  appointments,
  headingLevel = 3,
}: {
  relationship: Relationship;
  appointments: Appointment[];
  headingLevel?: 3 | 4;
}) {
  const gaps = useUpcomingGaps(relationship.id);
  const gap = gaps.data?.items[0];
  if (!gap) return null;
  const name = relationship.therapistName;
  const link = `/relationships/${relationship.id}`;
  const Heading = headingLevel === 3 ? 'h3' : 'h4';
  return (
    <div className="gap-note">
      <Heading className="visually-hidden">A gap between appointments</Heading>
      <p>
        {gapWords(gap, name, startsNow(gap.from, appointments))} You could agree how to stay in
        touch meanwhile.
      </p>
      <p className="gap-links">
        <Link to={`${link}?tab=agreement`}>
          Open your agreement<span className="visually-hidden"> with {name}</span>
        </Link>
        {relationship.mode === 'connected' ? (
          <Link to={`${link}?tab=messages`}>Write to {name}</Link>
        ) : null}
      </p>
    </div>
  );
}
