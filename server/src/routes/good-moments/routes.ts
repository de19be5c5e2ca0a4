import { randomUUID } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { SessionUser } from '../../auth/sessions.ts';
import type { Db } from '../../db/client.ts';
import { goodMoments } from '../../db/schema.ts';
import { notFound } from '../../errors.ts';
import { requireUser, signedIn } from '../../plugins/auth.ts';
import { isId, type Membership, membership } from '../../policies/relationship.ts';
import { presentGoodMoment } from '../../presenters/good-moment.ts';
import type { Services } from '../../services.ts';
import { EmptyBody, IdParams } from '../relationships/schema.ts';
import {
  CreateGoodMomentBody,
  Deleted,
  GoodMomentList,
  GoodMomentResponse,
  UpdateGoodMomentBody,
} from './schema.ts';

/**
 * Good moments: what went well, kept by the client to hold onto during a rupture. They are the
 * client's own; nobody else, the connected therapist included, may know they exist (404).
 */

type GoodMomentRow = typeof goodMoments.$inferSelect;

export const goodMomentRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const { db } = services;
  const tags = ['good-moments'];

  app.post(
    '/api/relationships/:id/good-moments',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        body: CreateGoodMomentBody,
        response: { 201: GoodMomentResponse },
      },
    },
    async (request, reply) => {
      const m = await clientMembership(db, requireUser(request), request.params.id);
      const [goodMoment] = await db
        .insert(goodMoments)
        .values({
          id: randomUUID(),
          relationshipId: m.relationship.id,
          at: new Date(request.body.at),
          text: request.body.text,
        })
        .returning();
      await services.relationships.changed(m.relationship.id);
      return reply.status(201).send({ goodMoment: presentGoodMoment(goodMoment!) });
    },
  );

  app.get(
    '/api/relationships/:id/good-moments',
    { onRequest: signedIn, schema: { tags, params: IdParams, response: { 200: GoodMomentList } } },
    async (request) => {
      const m = await clientMembership(db, requireUser(request), request.params.id);
      const rows = await db
        .select()
        .from(goodMoments)
        .where(eq(goodMoments.relationshipId, m.relationship.id))
        .orderBy(desc(goodMoments.at), desc(goodMoments.createdAt), desc(goodMoments.id));
      return { items: rows.map(presentGoodMoment) };
    },
  );

  app.patch(
    '/api/good-moments/:id',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        body: UpdateGoodMomentBody,
        response: { 200: GoodMomentResponse },
      },
    },
    async (request) => {
      const { m, goodMoment } = await goodMomentFor(db, requireUser(request), request.params.id);
      const { at, text } = request.body;
      if (at === undefined && text === undefined) {
        return { goodMoment: presentGoodMoment(goodMoment) };
      }
      const [updated] = await db
        .update(goodMoments)
        .set({
          ...(at !== undefined ? { at: new Date(at) } : {}),
          ...(text !== undefined ? { text } : {}),
        })
        .where(
          and(eq(goodMoments.id, goodMoment.id), eq(goodMoments.relationshipId, m.relationship.id)),
        )
        .returning();
      if (!updated) throw notFound();
      await services.relationships.changed(m.relationship.id);
      return { goodMoment: presentGoodMoment(updated) };
    },
  );

  app.delete(
    '/api/good-moments/:id',
    {
      onRequest: signedIn,
      schema: { tags, params: IdParams, body: EmptyBody, response: { 204: Deleted } },
    },
    async (request, reply) => {
      const { m, goodMoment } = await goodMomentFor(db, requireUser(request), request.params.id);
      await db
        .delete(goodMoments)
        .where(
          and(eq(goodMoments.id, goodMoment.id), eq(goodMoments.relationshipId, m.relationship.id)),
        );
      await services.relationships.changed(m.relationship.id);
      return reply.status(204).send(null);
    },
  );
};

/** The actor's membership as the relationship's client; a therapist, even connected, gets 404. */
async function clientMembership(db: Db, actor: SessionUser, relationshipId: string) {
  const m = await membership(db, actor, relationshipId);
  if (m.role !== 'client') throw notFound();
  return m;
}

/** A good moment of the actor's own, with their membership; anything else is 404. */
async function goodMomentFor(
  db: Db,
  actor: SessionUser,
  id: string,
): Promise<{ m: Membership; goodMoment: GoodMomentRow }> {
  if (actor.role !== 'client' || !isId(id)) throw notFound();
  const [goodMoment] = await db.select().from(goodMoments).where(eq(goodMoments.id, id)).limit(1);
  if (!goodMoment) throw notFound();
  const m = await clientMembership(db, actor, goodMoment.relationshipId);
  return { m, goodMoment };
}
