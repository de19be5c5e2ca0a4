import { randomUUID } from 'node:crypto';
import { normalizeResolved } from '@attune/core/checkin';
import { and, eq } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { checkins } from '../../db/schema.ts';
import { conflict, notFound } from '../../errors.ts';
import { requireUser, signedIn } from '../../plugins/auth.ts';
import { canEditCheckin, canSeeCheckin } from '../../policies/checkin.ts';
import { authorize, isId, membership } from '../../policies/relationship.ts';
import { presentCheckin } from '../../presenters/relationship.ts';
import { loadTimeline } from '../../services/timeline.ts';
import type { Services } from '../../services.ts';
import { appointmentFor } from '../appointments/routes.ts';
import { IdParams } from '../relationships/schema.ts';
import { CheckinList, CheckinResponse, CreateCheckinBody, UpdateCheckinBody } from './schema.ts';

const UNIQUE_VIOLATION = '23505';

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; cause?: { code?: unknown } };
  return e?.code === UNIQUE_VIOLATION || e?.cause?.code === UNIQUE_VIOLATION;
}

export const checkinRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const { db } = services;
  const tags = ['check-ins'];

  app.post(
    '/api/appointments/:id/checkins',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        body: CreateCheckinBody,
        response: { 201: CheckinResponse },
      },
    },
    async (request, reply) => {
      const appointment = await appointmentFor(services, requireUser(request), request.params.id);
      const m = authorize(appointment.membership, 'checkIn');
      const body = request.body;
      // A client's check-in is shared by default once connected, private while solo; the
      // therapist's check-in is always visible to the client.
      const shared =
        m.role === 'therapist' ? true : (body.shared ?? m.relationship.mode === 'connected');
      try {
        const [checkin] = await db
          .insert(checkins)
          .values({
            id: randomUUID(),
            relationshipId: m.relationship.id,
            appointmentId: appointment.id,
            respondent: m.role,
            bond: body.bond,
            goals: body.goals,
            method: body.method,
            overall: body.overall,
            tension: body.tension,
            resolved: normalizeResolved(body.tension, body.resolved),
            note: body.note?.trim() ? body.note : null,
            shared,
          })
          .returning();
        await services.relationships.changed(m.relationship.id);
        return reply.status(201).send({ checkin: presentCheckin(checkin!) });
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw conflict(
            'checkin_exists',
            'You already filled in the check-in for this session. You can change it instead.',
          );
        }
        throw error;
      }
    },
  );

  app.get(
    '/api/relationships/:id/checkins',
    { onRequest: signedIn, schema: { tags, params: IdParams, response: { 200: CheckinList } } },
    async (request) => {
      const m = await membership(db, requireUser(request), request.params.id);
      const { checkins: rows } = await loadTimeline(db, m);
      await services.audit.record(m, 'read', 'checkins');
      return { items: rows.map(presentCheckin) };
    },
  );

  app.get(
    '/api/checkins/:id',
    { onRequest: signedIn, schema: { tags, params: IdParams, response: { 200: CheckinResponse } } },
    async (request) => {
      const { m, checkin } = await checkinFor(services, requireUser(request), request.params.id);
      await services.audit.record(m, 'read', 'checkin', checkin.id);
      return { checkin: presentCheckin(checkin) };
    },
  );

  app.patch(
    '/api/checkins/:id',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        body: UpdateCheckinBody,
        response: { 200: CheckinResponse },
      },
    },
    async (request) => {
      const { m, checkin } = await checkinFor(services, requireUser(request), request.params.id);
      if (!canEditCheckin(m, checkin)) throw notFound();
      const body = request.body;
      const tension = body.tension ?? checkin.tension;
      const resolved = body.resolved === undefined ? checkin.resolved : body.resolved;
      const [updated] = await db
        .update(checkins)
        .set({
          ...(body.bond !== undefined ? { bond: body.bond } : {}),
          ...(body.goals !== undefined ? { goals: body.goals } : {}),
          ...(body.method !== undefined ? { method: body.method } : {}),
          ...(body.overall !== undefined ? { overall: body.overall } : {}),
          tension,
          resolved: normalizeResolved(tension, resolved),
          ...(body.note !== undefined ? { note: body.note?.trim() ? body.note : null } : {}),
          ...(body.shared !== undefined && m.role === 'client' ? { shared: body.shared } : {}),
          updatedAt: new Date(),
        })
        .where(and(eq(checkins.id, checkin.id), eq(checkins.respondent, m.role)))
        .returning();
      await services.relationships.changed(m.relationship.id);
      return { checkin: presentCheckin(updated ?? checkin) };
    },
  );
};

/** A check-in the actor may see, with their membership; anything else is 404. */
async function checkinFor(services: Services, actor: Parameters<typeof membership>[1], id: string) {
  if (!isId(id)) throw notFound();
  const [checkin] = await services.db.select().from(checkins).where(eq(checkins.id, id)).limit(1);
  if (!checkin) throw notFound();
  const m = await membership(services.db, actor, checkin.relationshipId);
  if (!canSeeCheckin(m, checkin)) throw notFound();
  return { m, checkin };
}
