import { randomUUID } from 'node:crypto';
import { and, count, eq, inArray, ne, type SQL, sql } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { SessionUser } from '../../auth/sessions.ts';
import type { Db } from '../../db/client.ts';
import { parts, relationships, ruptureParts, ruptures } from '../../db/schema.ts';
import { conflict, invalidInput, notFound } from '../../errors.ts';
import { requireUser, signedIn } from '../../plugins/auth.ts';
import { isId } from '../../policies/relationship.ts';
import { compareNames, presentPart } from '../../presenters/part.ts';
import type { Services } from '../../services.ts';
import { EmptyBody, IdParams } from '../relationships/schema.ts';
import { CreatePartBody, Deleted, PartList, PartResponse, UpdatePartBody } from './schema.ts';

/**
 * A client's parts. They belong to the client's account, not to a relationship, and nobody else
 * sees them: for a therapist (or anyone but their client) these routes do not exist (404).
 */

type PartRow = typeof parts.$inferSelect;

/** The advisory lock class of a client's part names (with the client's id hashed). */
const PARTS_LOCK = 74_283_422;

export const partRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const { db } = services;
  const tags = ['parts'];

  app.post(
    '/api/parts',
    {
      onRequest: signedIn,
      schema: { tags, body: CreatePartBody, response: { 201: PartResponse } },
    },
    async (request, reply) => {
      const client = asClient(requireUser(request));
      const { name, description } = request.body;
      const [part] = await db.transaction(async (tx) => {
        await refuseTakenName(tx, client.id, name);
        return tx
          .insert(parts)
          .values({
            id: randomUUID(),
            clientId: client.id,
            name,
            description: description?.trim() ? description : null,
          })
          .returning();
      });
      return reply.status(201).send({ part: presentPart(part!, 0) });
    },
  );

  app.get(
    '/api/parts',
    { onRequest: signedIn, schema: { tags, response: { 200: PartList } } },
    async (request) => {
      const client = asClient(requireUser(request));
      const rows = await partsWithCounts(db, client.id);
      return { items: rows.map(({ part, ruptureCount }) => presentPart(part, ruptureCount)) };
    },
  );

  app.patch(
    '/api/parts/:id',
    {
      onRequest: signedIn,
      schema: { tags, params: IdParams, body: UpdatePartBody, response: { 200: PartResponse } },
    },
    async (request) => {
      const part = await partFor(db, requireUser(request), request.params.id);
      const { name, description } = request.body;
      if (name === undefined && description === undefined) {
        return { part: presentPart(part, await ruptureCountOf(db, part)) };
      }
      const [updated] = await db.transaction(async (tx) => {
        if (name !== undefined) await refuseTakenName(tx, part.clientId, name, part.id);
        return tx
          .update(parts)
          .set({
            ...(name !== undefined ? { name } : {}),
            ...(description !== undefined
              ? { description: description?.trim() ? description : null }
              : {}),
            updatedAt: new Date(),
          })
          .where(and(eq(parts.id, part.id), eq(parts.clientId, part.clientId)))
          .returning();
      });
      if (!updated) throw notFound();
      // Rupture records show the parts they name: their relationships' cached pages are stale.
      await changedAll(services, await relationshipsTagging(db, part));
      return { part: presentPart(updated, await ruptureCountOf(db, updated)) };
    },
  );

  app.delete(
    '/api/parts/:id',
    {
      onRequest: signedIn,
      schema: { tags, params: IdParams, body: EmptyBody, response: { 204: Deleted } },
    },
    async (request, reply) => {
      const part = await partFor(db, requireUser(request), request.params.id);
      // The ruptures stay; only this part's tags on them go, with the part.
      const touched = await db.transaction(async (tx) => {
        const ids = await relationshipsTagging(tx, part);
        await tx.delete(ruptureParts).where(eq(ruptureParts.partId, part.id));
        await tx.delete(parts).where(and(eq(parts.id, part.id), eq(parts.clientId, part.clientId)));
        return ids;
      });
      await changedAll(services, touched);
      return reply.status(204).send(null);
    },
  );
};

/**
 * Throws 400 (field `partIds`) unless every id is a part of this client. Ruptures name parts
 * with it; the ids are checked together, in one query.
 */
export async function checkOwnParts(
  db: Db,
  clientId: string,
  partIds: readonly string[],
): Promise<void> {
  const unique = [...new Set(partIds)];
  if (unique.length === 0) return;
  const refusal = () =>
    invalidInput({ partIds: 'Some of these parts are not yours or no longer exist.' });
  if (!unique.every(isId)) throw refusal();
  const [row] = await db
    .select({ n: count() })
    .from(parts)
    .where(and(eq(parts.clientId, clientId), inArray(parts.id, unique)));
  if ((row?.n ?? 0) !== unique.length) throw refusal();
}

/** Parts exist only for clients; to anyone else these routes are not found. */
function asClient(actor: SessionUser): SessionUser {
  if (actor.role !== 'client') throw notFound();
  return actor;
}

/** One of the actor's own parts, or 404. */
async function partFor(db: Db, actor: SessionUser, id: string): Promise<PartRow> {
  const client = asClient(actor);
  if (!isId(id)) throw notFound();
  const [part] = await db
    .select()
    .from(parts)
    .where(and(eq(parts.id, id), eq(parts.clientId, client.id)))
    .limit(1);
  if (!part) throw notFound();
  return part;
}

/**
 * Names are the client's own words, so "Protector" and "protector" are the same part. Names are
 * sealed in the database, so they are compared here, with the client's parts locked against a
 * concurrent create or rename until the transaction `tx` ends.
 */
async function refuseTakenName(tx: Db, clientId: string, name: string, exceptId?: string) {
  await tx.execute(sql`select pg_advisory_xact_lock(${PARTS_LOCK}, hashtext(${clientId}))`);
  const conditions: SQL[] = [eq(parts.clientId, clientId)];
  if (exceptId) conditions.push(ne(parts.id, exceptId));
  const names = await tx
    .select({ name: parts.name })
    .from(parts)
    .where(and(...conditions));
  const wanted = name.toLowerCase();
  if (names.some((row) => row.name.toLowerCase() === wanted)) {
    throw conflict('part_exists', `You already have a part called "${name}".`);
  }
}

/** The client's ruptures that name a part, per part: only ruptures of the client's relationships count. */
function tagCounts(db: Db, clientId: string) {
  return db
    .select({ partId: ruptureParts.partId, n: count().as('n') })
    .from(ruptureParts)
    .innerJoin(ruptures, eq(ruptures.id, ruptureParts.ruptureId))
    .innerJoin(
      relationships,
      and(eq(relationships.id, ruptures.relationshipId), eq(relationships.clientId, clientId)),
    )
    .groupBy(ruptureParts.partId)
    .as('tag_counts');
}

/** The client's parts, those that come up most first. */
async function partsWithCounts(db: Db, clientId: string, partId?: string) {
  const counts = tagCounts(db, clientId);
  const ruptureCount = sql<number>`coalesce(${counts.n}, 0)`.mapWith(Number);
  const rows = await db
    .select({ part: parts, ruptureCount })
    .from(parts)
    .leftJoin(counts, eq(counts.partId, parts.id))
    .where(and(eq(parts.clientId, clientId), partId ? eq(parts.id, partId) : undefined));
  // Names are sealed in the database (schema.ts), so they are ordered here, once opened.
  return rows.sort(
    (a, b) =>
      b.ruptureCount - a.ruptureCount ||
      compareNames(a.part.name, b.part.name) ||
      (a.part.id < b.part.id ? -1 : a.part.id > b.part.id ? 1 : 0),
  );
}

async function ruptureCountOf(db: Db, part: PartRow): Promise<number> {
  const [row] = await partsWithCounts(db, part.clientId, part.id);
  return row?.ruptureCount ?? 0;
}

/** The relationships whose ruptures name this part. */
async function relationshipsTagging(db: Db, part: PartRow): Promise<string[]> {
  const rows = await db
    .selectDistinct({ id: ruptures.relationshipId })
    .from(ruptureParts)
    .innerJoin(ruptures, eq(ruptures.id, ruptureParts.ruptureId))
    .where(eq(ruptureParts.partId, part.id));
  return rows.map((r) => r.id);
}

async function changedAll(services: Services, relationshipIds: readonly string[]) {
  for (const id of relationshipIds) await services.relationships.changed(id);
}
