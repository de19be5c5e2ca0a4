import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireUser, signedIn } from '../../plugins/auth.ts';
import { membership } from '../../policies/relationship.ts';
import { presentMarker } from '../../presenters/marker.ts';
import {
  presentAppointment,
  presentCheckin,
  presentRelationship,
} from '../../presenters/relationship.ts';
import { clientName, loadMarkerTimeline, markersFor } from '../../services/timeline.ts';
import type { Services } from '../../services.ts';
import { Appointment, DateTime } from '../appointments/schema.ts';
import { Checkin } from '../checkins/schema.ts';
import { IdParams, Relationship } from '../relationships/schema.ts';

export const Marker = z
  .object({
    kind: z.enum(['drop', 'tension', 'unnoticed', 'overdue-reply', 'gap']),
    at: z.string(),
    severity: z.enum(['info', 'warn', 'alert']),
    appointmentId: z.string().optional(),
    messageId: z.string().optional(),
    explanation: z.string(),
  })
  .meta({ id: 'Marker' });

const PageResponse = z
  .object({
    relationship: Relationship,
    clientName: z.string(),
    appointments: z.array(Appointment),
    checkins: z.array(Checkin),
    markers: z.array(Marker),
  })
  .meta({ id: 'RelationshipPage' });

const MarkerList = z.object({ items: z.array(Marker) });

const AsOfQuery = z.strictObject({ asOf: DateTime.optional() });

export const markerRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const { db } = services;

  app.get(
    '/api/relationships/:id/markers',
    {
      onRequest: signedIn,
      schema: {
        tags: ['markers'],
        params: IdParams,
        querystring: AsOfQuery,
        response: { 200: MarkerList },
      },
    },
    async (request, reply) => {
      const m = await membership(db, requireUser(request), request.params.id);
      const build = async (asOf: number) => {
        const [timeline, name] = await Promise.all([loadMarkerTimeline(db, m), clientName(db, m)]);
        return JSON.stringify(
          MarkerList.parse({ items: markersFor(m, timeline, asOf, name).map(presentMarker) }),
        );
      };
      // Markers as of now are cached like the page (per version, a minute at most); a question
      // about another moment is computed afresh.
      const { id, version } = m.relationship;
      const body = request.query.asOf
        ? await build(new Date(request.query.asOf).getTime())
        : await services.relationships.body(id, version, `markers:${m.role}`, () =>
            build(Date.now()),
          );
      await services.audit.record(m, 'read', 'markers');
      return reply
        .type('application/json; charset=utf-8')
        .send(body as unknown as z.infer<typeof MarkerList>);
    },
  );

  /** Everything the relationship page shows, in one request. */
  app.get(
    '/api/relationships/:id/page',
    {
      onRequest: signedIn,
      schema: {
        tags: ['relationships'],
        params: IdParams,
        response: { 200: PageResponse },
      },
    },
    async (request, reply) => {
      const m = await membership(db, requireUser(request), request.params.id);
      // Client and therapist see different data (shared check-ins only, words for each).
      const { id, version } = m.relationship;
      const body = await services.relationships.body(id, version, m.role, async () => {
        const [timeline, name] = await Promise.all([loadMarkerTimeline(db, m), clientName(db, m)]);
        return JSON.stringify(
          PageResponse.parse({
            relationship: presentRelationship(m.relationship),
            clientName: name,
            appointments: timeline.appointments.map(presentAppointment),
            checkins: timeline.checkins.map(presentCheckin),
            markers: markersFor(m, timeline, Date.now(), name).map(presentMarker),
          }),
        );
      });
      await services.audit.record(m, 'read', 'relationship-page');
      // Already validated and serialized when it was built; Fastify sends a string as it is.
      return reply
        .type('application/json; charset=utf-8')
        .send(body as unknown as z.infer<typeof PageResponse>);
    },
  );
};
