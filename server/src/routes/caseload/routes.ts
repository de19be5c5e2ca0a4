import { and, eq } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { relationships, users } from '../../db/schema.ts';
import { notFound } from '../../errors.ts';
import { requireUser, signedIn } from '../../plugins/auth.ts';
import type { Membership } from '../../policies/relationship.ts';
import { presentMarker } from '../../presenters/marker.ts';
import { presentRelationship } from '../../presenters/relationship.ts';
import { loadMarkerTimeline, markersFor, waitingMessages } from '../../services/timeline.ts';
import type { Services } from '../../services.ts';
import { Marker } from '../markers/routes.ts';
import { Relationship } from '../relationships/schema.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Markers this recent count as open on the caseload. */
const OPEN_DAYS = 35;
const WEIGHT = { alert: 3, warn: 2, info: 1 } as const;
/** An urgent message or a request to call, not yet answered, comes before any marker. */
const URGENT_WEIGHT = 10;

/** How long something has waited, in words: "3 hours", "2 days". */
export function waitedFor(ms: number): string {
  if (ms < HOUR) return 'less than an hour';
  if (ms < DAY) {
    const hours = Math.floor(ms / HOUR);
    return `${hours} ${hours === 1 ? 'hour' : 'hours'}`;
  }
  const days = Math.floor(ms / DAY);
  return `${days} ${days === 1 ? 'day' : 'days'}`;
}

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

const WaitingMessage = z
  .object({
    id: z.string(),
    sentAt: z.string(),
    urgent: z.boolean(),
    kind: z.enum(['message', 'call-request']),
  })
  .meta({ id: 'WaitingMessage' });

const CaseloadItem = z
  .object({
    relationship: Relationship,
    clientName: z.string(),
    latestClientScore: z.number().nullable(),
    latestTherapistScore: z.number().nullable(),
    lastAppointmentAt: z.string().nullable(),
    daysSinceLastAppointment: z.number().nullable(),
    openMarkers: z.array(Marker),
    /** The client's message the reason line speaks of: an urgent one first, else the oldest waiting. */
    waitingMessage: WaitingMessage.nullable(),
    attention: z.number(),
    reason: z.string(),
  })
  .meta({ id: 'CaseloadItem' });

export const caseloadRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const { db } = services;

  /** The therapist's connected clients, who most needs attention first, each with the reason. */
  app.get(
    '/api/caseload',
    {
      onRequest: signedIn,
      schema: {
        tags: ['relationships'],
        response: { 200: z.object({ items: z.array(CaseloadItem) }) },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      if (actor.role !== 'therapist') throw notFound();
      const rows = await db
        .select({ relationship: relationships, clientName: users.displayName })
        .from(relationships)
        .innerJoin(users, eq(users.id, relationships.clientId))
        .where(
          and(
            eq(relationships.therapistId, actor.id),
            eq(relationships.mode, 'connected'),
            eq(relationships.status, 'active'),
          ),
        );
      const now = Date.now();
      const items = [];
      for (const row of rows) {
        const m: Membership = { relationship: row.relationship, role: 'therapist', actor };
        const [timeline, waiting] = await Promise.all([
          loadMarkerTimeline(db, m),
          waitingMessages(db, row.relationship.id),
        ]);
        const markers = markersFor(m, timeline, now, row.clientName).filter(
          (x) => now - x.at <= OPEN_DAYS * DAY,
        );
        const latest = (who: 'client' | 'therapist') => {
          const c = timeline.checkins.filter((x) => x.respondent === who).at(-1);
          return c ? c.bond + c.goals + c.method + c.overall : null;
        };
        const last = timeline.appointments
          .filter((a) => a.status === 'held' && a.startsAt.getTime() <= now)
          .at(-1);
        const days = last ? Math.floor((now - last.startsAt.getTime()) / DAY) : null;
        const asksForCall = (w: (typeof waiting)[number]) => w.urgent || w.kind === 'call-request';
        const urgent = waiting.find(asksForCall);
        const plain = waiting.find((w) => !asksForCall(w));
        const mentioned = urgent ?? plain;
        const waitingIds = new Set(waiting.map((w) => w.id));
        const attention =
          markers.reduce((sum, x) => sum + WEIGHT[x.severity], 0) +
          (urgent ? URGENT_WEIGHT : 0) +
          (days !== null && days > 14 ? 1 : 0);
        // A waiting message is said once, in its own words, not also as its overdue marker.
        const reasons = [
          ...new Set(
            markers
              .filter((x) => !(x.messageId && waitingIds.has(x.messageId)))
              .slice()
              .reverse()
              .map((x) => x.explanation),
          ),
        ].slice(0, 2);
        const waited = (w: { sentAt: Date }) => waitedFor(now - w.sentAt.getTime());
        if (urgent) {
          reasons.unshift(
            urgent.kind === 'call-request'
              ? `${row.clientName} asked you to call ${waited(urgent)} ago`
              : `urgent message waiting ${waited(urgent)}`,
          );
        }
        if (plain) reasons.push(`message waiting ${waited(plain)}`);
        if (days !== null && days > 14) reasons.push(`${days} days since the last session`);
        await services.audit.record(m, 'read', 'caseload');
        items.push({
          relationship: presentRelationship(row.relationship),
          clientName: row.clientName,
          latestClientScore: latest('client'),
          latestTherapistScore: latest('therapist'),
          lastAppointmentAt: last ? last.startsAt.toISOString() : null,
          daysSinceLastAppointment: days,
          openMarkers: markers.map(presentMarker),
          waitingMessage: mentioned
            ? {
                id: mentioned.id,
                sentAt: mentioned.sentAt.toISOString(),
                urgent: mentioned.urgent,
                kind: mentioned.kind,
              }
            : null,
          attention,
          reason: reasons.length ? capitalized(reasons.join(' · ')) : 'Nothing needs attention.',
        });
      }
      items.sort((a, b) => b.attention - a.attention || a.clientName.localeCompare(b.clientName));
      return { items };
    },
  );
};
