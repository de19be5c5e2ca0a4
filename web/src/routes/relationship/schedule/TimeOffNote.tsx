import { useRelationshipTimeOff } from '../../../api/schedule';
import { dateRange } from '../../../time';

/** The therapist's coming time off: "Dr. Lee is away 14–28 Dec". */
export function TimeOffNote({
  relationshipId,
  therapistName,
}: {
  relationshipId: string;
  /** Null when the viewer is the therapist: "You are away …". */
  therapistName: string | null;
}) {
  const timeOff = useRelationshipTimeOff(relationshipId);
  const items = timeOff.data ?? [];
  if (items.length === 0) return null;
  return (
    <section aria-labelledby="away-heading" className="schedule-section">
      <h3 id="away-heading">Time off</h3>
      <ul className="plain-list">
        {items.map((item) => (
          <li key={item.id}>
            {therapistName === null ? 'You are' : `${therapistName} is`} away{' '}
            {dateRange(item.from, item.to)}.
            {item.note ? <span className="quiet"> {item.note}</span> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
