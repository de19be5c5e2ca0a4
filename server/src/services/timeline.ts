import {
  computeMarkers,
  type Marker,
  type MarkerCheckin,
  type MarkerMessage,
} from '@attune/core/markers';
import { and, asc, desc, eq, gt, isNotNull, isNull, or } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { agreements, appointments, checkins, messages, users } from '../db/schema.ts';
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

export type Timeline = Awaited<ReturnType<typeof loadTimeline>>;

/**
 * What the message and agreement markers need: the client's messages that may be overdue (those
 * acknowledged or replied to by their due time never are, at any asOf, so they stay in the
 * database), and the session frequency of the latest agreement. Both members see all messages.
 */
export async function loadMarkerContext(
  db: Db,
  relationshipId: string,
): Promise<{ messages: MarkerMessage[]; sessionFrequencyDays: number | null }> {
  const [messageRows, [agreement]] = await Promise.all([
    db
      .select({
        id: messages.id,
        sentAt: messages.sentAt,
        replyDueAt: messages.replyDueAt,
        acknowledgedAt: messages.acknowledgedAt,
        repliedAt: messages.repliedAt,
      })
      .from(messages)
      .where(
        and(
          eq(messages.relationshipId, relationshipId),
          eq(messages.senderRole, 'client'),
          isNotNull(messages.replyDueAt),
          or(isNull(messages.acknowledgedAt), gt(messages.acknowledgedAt, messages.replyDueAt)),
          or(isNull(messages.repliedAt), gt(messages.repliedAt, messages.replyDueAt)),
        ),
      )
      .orderBy(asc(messages.sentAt)),
    db
      .select({ sessionFrequencyDays: agreements.sessionFrequencyDays })
      .from(agreements)
      .where(eq(agreements.relationshipId, relationshipId))
      .orderBy(desc(agreements.version))
      .limit(1),
  ]);
  const ms = (d: Date | null) => (d ? d.getTime() : null);
  return {
    messages: messageRows.map((x) => ({
      id: x.id,
      senderRole: 'client' as const,
      sentAt: x.sentAt.getTime(),
      replyDueAt: ms(x.replyDueAt),
      acknowledgedAt: ms(x.acknowledgedAt),
      repliedAt: ms(x.repliedAt),
    })),
    sessionFrequencyDays: agreement?.sessionFrequencyDays ?? null,
  };
}

/** Everything the markers are computed from, as the member may see it. */
export async function loadMarkerTimeline(db: Db, m: Membership) {
  const [timeline, context] = await Promise.all([
    loadTimeline(db, m),
    loadMarkerContext(db, m.relationship.id),
  ]);
  return { ...timeline, ...context };
}

export type MarkerTimeline = Awaited<ReturnType<typeof loadMarkerTimeline>>;

/**
 * The client's messages still waiting for the therapist: neither acknowledged, replied to nor
 * called back, oldest first (at most `limit`).
 */
export async function waitingMessages(db: Db, relationshipId: string, limit = 50) {
  return db
    .select({
      id: messages.id,
      sentAt: messages.sentAt,
      urgent: messages.urgent,
      kind: messages.kind,
    })
    .from(messages)
    .where(
      and(
        eq(messages.relationshipId, relationshipId),
        eq(messages.senderRole, 'client'),
        isNull(messages.acknowledgedAt),
        isNull(messages.repliedAt),
        isNull(messages.calledBackAt),
      ),
    )
    .orderBy(asc(messages.sentAt))
    .limit(limit);
}

/** The markers as the member may see them, computed from what they may see. */
export function markersFor(
  m: Membership,
  timeline: MarkerTimeline,
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
    messages: timeline.messages,
    appointments: timeline.appointments.map((a) => ({
      id: a.id,
      startsAt: a.startsAt.getTime(),
      status: a.status,
    })),
    sessionFrequencyDays: timeline.sessionFrequencyDays,
  });
}
