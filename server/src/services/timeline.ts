import { computeMarkers, type Marker, type MarkerCheckin } from '@attune/core/markers';
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { appointments, checkins, users } from '../db/schema.ts';
import { type CheckinRow, visibleCheckins } from '../policies/checkin.ts';
import type { Membership } from '../policies/relationship.ts';

/**
 * A relationship's appointments and the check-ins the member may see, ordered by appointment
 * start — two indexed queries, whatever the size of the history.
 */
export async function loadTimeline(db: Db, m: Membership) {
  const [appointmentRows, checkinRows] = await Promise.all([
    db
      .select()
      .from(appointments)
      .where(eq(appointments.relationshipId, m.relationship.id))
      .orderBy(asc(appointments.startsAt)),
    db
      .select()
      .from(checkins)
      .where(and(eq(checkins.relationshipId, m.relationship.id), visibleCheckins(m))),
  ]);
  const startOf = new Map(appointmentRows.map((a) => [a.id, a.startsAt.getTime()]));
  const ordered = checkinRows
    .map((c) => ({ c, startsAt: startOf.get(c.appointmentId) ?? 0 }))
    .sort((a, b) => a.startsAt - b.startsAt || a.c.createdAt.getTime() - b.c.createdAt.getTime());
  return {
    appointments: appointmentRows,
    checkins: ordered.map((x) => x.c),
    startsAt: (c: CheckinRow) => startOf.get(c.appointmentId) ?? 0,
  };
}

export async function clientName(db: Db, m: Membership): Promise<string> {
  if (m.role === 'client') return m.actor.displayName;
  const [client] = await db
    .select({ displayName: users.displayName })
    .from(users)
    .where(eq(users.id, m.relationship.clientId))
    .limit(1);
  return client?.displayName ?? 'Your client';
}

/** The markers as the member may see them, computed from what they may see. */
export function markersFor(
  m: Membership,
  timeline: Awaited<ReturnType<typeof loadTimeline>>,
  asOf: number,
  name: string,
): Marker[] {
  const input: MarkerCheckin[] = timeline.checkins.map((c) => ({
    appointmentId: c.appointmentId,
    startsAt: timeline.startsAt(c),
    createdAt: c.createdAt.getTime(),
    respondent: c.respondent,
    score: c.bond + c.goals + c.method + c.overall,
    tension: c.tension,
    resolved: c.resolved,
  }));
  return computeMarkers({
    asOf,
    sensitivity: m.relationship.sensitivity,
    viewer: { role: m.role, clientName: name },
    checkins: input,
    appointments: timeline.appointments.map((a) => ({
      id: a.id,
      startsAt: a.startsAt.getTime(),
      status: a.status,
    })),
    sessionFrequencyDays: null,
  });
}
