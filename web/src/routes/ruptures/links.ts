import type { Marker } from '../../api/relationships';

/** The rupture flow, started from a marker: the date and the marker come along. */
export function writeAboutIt(relationshipId: string, marker: Marker): string {
  const params = new URLSearchParams({ marker: marker.kind });
  if (marker.appointmentId) params.set('appointment', marker.appointmentId);
  return `/relationships/${relationshipId}/ruptures/write?${params}`;
}
