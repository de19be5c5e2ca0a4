import type { Checkin, Marker, RelationshipPage } from '../../api/relationships';

/** One appointment's check-ins and markers: a point on the chart and a row of the table. */
export type CheckinRow = {
  appointmentId: string;
  at: string;
  client: Checkin | undefined;
  therapist: Checkin | undefined;
  markers: Marker[];
};

/** The appointments that have a check-in the viewer may see, oldest first. */
export function checkinRows(page: RelationshipPage): CheckinRow[] {
  const byAppointment = new Map<string, { client?: Checkin; therapist?: Checkin }>();
  for (const checkin of page.checkins) {
    const entry = byAppointment.get(checkin.appointmentId) ?? {};
    entry[checkin.respondent] = checkin;
    byAppointment.set(checkin.appointmentId, entry);
  }
  const rows: CheckinRow[] = [];
  const sorted = [...page.appointments].sort(
    (a, b) => new Date(a.startsAt).getTime() - new Date(b.startsAt).getTime(),
  );
  for (const appointment of sorted) {
    const entry = byAppointment.get(appointment.id);
    if (!entry) continue;
    rows.push({
      appointmentId: appointment.id,
      at: appointment.startsAt,
      client: entry.client,
      therapist: entry.therapist,
      markers: page.markers.filter((m) => m.appointmentId === appointment.id),
    });
  }
  return rows;
}

/** Markers of the same kind once each, in a stable order. */
export function distinctKinds(markers: Marker[]): Marker['kind'][] {
  const order: Marker['kind'][] = ['drop', 'tension', 'unnoticed', 'overdue-reply', 'gap'];
  const kinds = new Set(markers.map((m) => m.kind));
  return order.filter((k) => kinds.has(k));
}
