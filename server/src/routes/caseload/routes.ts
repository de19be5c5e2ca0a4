import { and, eq } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { relationships, users } from '../../db/schema.ts';
import { notFound } from '../../errors.ts';
import { requireUser, signedIn } from '../../plugins/auth.ts';
import type { Membership } from '../../policies/relationship.ts';
import { presentMarker } from '../../presenters/marker.ts';
import { presentRelationship } from '../../presenters/relationship.ts';
import { loadTimeline, markersFor } from '../../services/timeline.ts';
import type { Services } from '../../services.ts';
import { Marker } from '../markers/routes.ts';
import { Relationship } from '../relationships/schema.ts';

const DAY = 86_400_000;
/** Markers this recent count as open on the caseload. */
const OPEN_DAYS = 35;
const WEIGHT = { alert: 3, warn: 2, info: 1 } as const;

const CaseloadItem = z
  .object({
    relationship: Relationship,
    clientName: z.string(),
    latestClientScore: z.number().nullable(),
    latestTherapistScore: z.number().nullable(),
    lastAppointmentAt: z.string().nullable(),
    daysSinceLastAppointment: z.number().nullable(),
    openMarkers: z.array(Marker),
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
        const timeline = await loadTimeline(db, m);
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
        const attention =
          markers.reduce((sum, x) => sum + WEIGHT[x.severity], 0) +
          (days !== null && days > 14 ? 1 : 0);
        const reasons = [
          ...new Set(
            markers
              .slice()
              .reverse()
              .map((x) => x.explanation),
          ),
        ].slice(0, 2);
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
          attention,
          reason: reasons.length ? reasons.join(' · ') : 'Nothing needs attention.',
        });
      }
      items.sort((a, b) => b.attention - a.attention || a.clientName.localeCompare(b.clientName));
      return { items };
    },
  );
};
