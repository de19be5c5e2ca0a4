import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, inArray, notExists } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { SessionUser } from '../../auth/sessions.ts';
import type { Db } from '../../db/client.ts';
import { agendaItems, ruptures } from '../../db/schema.ts';
import { invalidInput, notFound } from '../../errors.ts';
import { requireUser, signedIn } from '../../plugins/auth.ts';
import { isId, type Membership, membership } from '../../policies/relationship.ts';
import { presentAgendaItem, presentRuptureSuggestion } from '../../presenters/agenda.ts';
import type { Services } from '../../services.ts';
import { EmptyBody, IdParams } from '../relationships/schema.ts';
import {
  Agenda,
  AgendaItemResponse,
  CreateAgendaItemBody,
  Deleted,
  UpdateAgendaItemBody,
} from './schema.ts';

/**
 * The agenda: what the client wants to bring to the next appointment, and suggestions gathered
 * from what is still open. The client's own; to anyone else, the connected therapist included,
 * it does not exist (404).
 */

type AgendaItemRow = typeof agendaItems.$inferSelect;

/** Ruptures still worth bringing up: not yet repaired, and not given up on. */
const SUGGESTED_STATUSES = ['open', 'repairing'] as const;

export const agendaRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const { db } = services;
  const tags = ['agenda'];

  app.get(
    '/api/relationships/:id/agenda',
    { onRequest: signedIn, schema: { tags, params: IdParams, response: { 200: Agenda } } },
    async (request) => {
      const m = await clientMembership(db, requireUser(request), request.params.id);
      const relationshipId = m.relationship.id;
      const [items, open] = await Promise.all([
        db
          .select()
          .from(agendaItems)
          .where(eq(agendaItems.relationshipId, relationshipId))
          .orderBy(asc(agendaItems.done), asc(agendaItems.createdAt), asc(agendaItems.id)),
        db
          .select({ id: ruptures.id, title: ruptures.title })
          .from(ruptures)
          .where(
            and(
              eq(ruptures.relationshipId, relationshipId),
              inArray(ruptures.status, SUGGESTED_STATUSES),
              notExists(
                db
                  .select({ id: agendaItems.id })
                  .from(agendaItems)
                  .where(
                    and(
                      eq(agendaItems.relationshipId, relationshipId),
                      eq(agendaItems.ruptureId, ruptures.id),
                    ),
                  ),
              ),
            ),
          )
          .orderBy(desc(ruptures.occurredAt), desc(ruptures.createdAt), asc(ruptures.id)),
      ]);
      // Suggestions from unanswered messages join these once the messages feature exists.
      const suggestions = open.map(presentRuptureSuggestion);
      return { items: items.map(presentAgendaItem), suggestions };
    },
  );

  app.post(
    '/api/relationships/:id/agenda',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        body: CreateAgendaItemBody,
        response: { 201: AgendaItemResponse },
      },
    },
    async (request, reply) => {
      const m = await clientMembership(db, requireUser(request), request.params.id);
      const { text, ruptureId, done } = request.body;
      if (typeof ruptureId === 'string') await checkRupture(db, m, ruptureId);
      const [item] = await db
        .insert(agendaItems)
        .values({
          id: randomUUID(),
          relationshipId: m.relationship.id,
          text,
          ruptureId: ruptureId ?? null,
          done: done ?? false,
          doneAt: done ? new Date() : null,
        })
        .returning();
      await services.relationships.changed(m.relationship.id);
      return reply.status(201).send({ item: presentAgendaItem(item!) });
    },
  );

  app.patch(
    '/api/agenda-items/:id',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        body: UpdateAgendaItemBody,
        response: { 200: AgendaItemResponse },
      },
    },
    async (request) => {
      const { m, item } = await agendaItemFor(db, requireUser(request), request.params.id);
      const { text, ruptureId, done } = request.body;
      if (text === undefined && ruptureId === undefined && done === undefined) {
        return { item: presentAgendaItem(item) };
      }
      if (typeof ruptureId === 'string') await checkRupture(db, m, ruptureId);
      const [updated] = await db
        .update(agendaItems)
        .set({
          ...(text !== undefined ? { text } : {}),
          ...(ruptureId !== undefined ? { ruptureId } : {}),
          // Marking an item done again keeps when it was first done.
          ...(done !== undefined
            ? { done, doneAt: done ? (item.done ? item.doneAt : new Date()) : null }
            : {}),
          updatedAt: new Date(),
        })
        .where(and(eq(agendaItems.id, item.id), eq(agendaItems.relationshipId, m.relationship.id)))
        .returning();
      if (!updated) throw notFound();
      await services.relationships.changed(m.relationship.id);
      return { item: presentAgendaItem(updated) };
    },
  );

  app.delete(
    '/api/agenda-items/:id',
    {
      onRequest: signedIn,
      schema: { tags, params: IdParams, body: EmptyBody, response: { 204: Deleted } },
    },
    async (request, reply) => {
      const { m, item } = await agendaItemFor(db, requireUser(request), request.params.id);
      await db
        .delete(agendaItems)
        .where(and(eq(agendaItems.id, item.id), eq(agendaItems.relationshipId, m.relationship.id)));
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

/** An agenda item of the actor's own, with their membership; anything else is 404. */
async function agendaItemFor(
  db: Db,
  actor: SessionUser,
  id: string,
): Promise<{ m: Membership; item: AgendaItemRow }> {
  if (actor.role !== 'client' || !isId(id)) throw notFound();
  const [item] = await db.select().from(agendaItems).where(eq(agendaItems.id, id)).limit(1);
  if (!item) throw notFound();
  const m = await clientMembership(db, actor, item.relationshipId);
  return { m, item };
}

/** An agenda item may only point at a rupture of its own relationship. */
async function checkRupture(db: Db, m: Membership, ruptureId: string) {
  const refusal = () =>
    invalidInput({ ruptureId: 'Please choose one of the rupture records of this relationship.' });
  if (!isId(ruptureId)) throw refusal();
  const [rupture] = await db
    .select({ id: ruptures.id })
    .from(ruptures)
    .where(and(eq(ruptures.id, ruptureId), eq(ruptures.relationshipId, m.relationship.id)))
    .limit(1);
  if (!rupture) throw refusal();
}
