import { randomUUID } from 'node:crypto';
import { computePatterns, RED_FLAG_RULES, STRENGTH_RULES } from '@attune/core/patterns';
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SessionUser } from '../../auth/sessions.ts';
import type { Db } from '../../db/client.ts';
import { appointments, parts, repairs, ruptureParts, ruptures } from '../../db/schema.ts';
import { invalidInput, notFound } from '../../errors.ts';
import { requireUser, signedIn } from '../../plugins/auth.ts';
import { isId, type Membership, membership } from '../../policies/relationship.ts';
import {
  canAddRepair,
  canChangeRepair,
  canEditRupture,
  canRateRepair,
  canSeeRupture,
  type RuptureRow,
  visibleRuptures,
} from '../../policies/rupture.ts';
import { compareNames } from '../../presenters/part.ts';
import {
  type PartName,
  presentRepair,
  presentRupture,
  type RepairRow,
} from '../../presenters/rupture.ts';
import type { Services } from '../../services.ts';
import { checkOwnParts } from '../parts/routes.ts';
import { IdParams } from '../relationships/schema.ts';
import { PatternRules, Patterns } from './patterns-schema.ts';
import {
  CreateRepairBody,
  CreateRuptureBody,
  RepairResponse,
  RuptureList,
  RuptureResponse,
  UpdateRepairBody,
  UpdateRuptureBody,
} from './schema.ts';

/** Optional free text: blank is stored as nothing. */
const orNull = (text: string | null | undefined) => (text?.trim() ? text : null);

export const ruptureRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const { db } = services;
  const tags = ['ruptures'];

  app.post(
    '/api/relationships/:id/ruptures',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        body: CreateRuptureBody,
        response: { 201: RuptureResponse },
      },
    },
    async (request, reply) => {
      const m = await membership(db, requireUser(request), request.params.id);
      if (m.role !== 'client') throw notFound();
      const body = request.body;
      const visibility = body.visibility ?? 'private';
      checkShareable(m, visibility);
      const partIds = [...new Set(body.partIds ?? [])];
      await checkOwnParts(db, m.actor.id, partIds);
      if (body.appointmentId !== undefined) await checkAppointment(db, m, body.appointmentId);
      const now = new Date();
      const id = randomUUID();
      const row = await db.transaction(async (tx) => {
        const [created] = await tx
          .insert(ruptures)
          .values({
            id,
            relationshipId: m.relationship.id,
            title: body.title,
            occurredAt: new Date(body.occurredAt),
            whatHappened: body.whatHappened,
            myExperience: orNull(body.myExperience),
            theirSide: orNull(body.theirSide),
            echoes: orNull(body.echoes),
            needs: orNull(body.needs),
            kind: body.kind ?? null,
            intensity: body.intensity,
            status: 'open',
            visibility,
            markerKind: body.markerKind ?? null,
            appointmentId: body.appointmentId ?? null,
            sharedAt: visibility === 'shared' ? now : null,
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        if (partIds.length > 0) {
          await tx
            .insert(ruptureParts)
            .values(partIds.map((partId) => ({ ruptureId: id, partId })));
        }
        return created!;
      });
      await services.relationships.changed(m.relationship.id);
      const [related] = await relatedTo(db, [row]);
      return reply.status(201).send({ rupture: presentRupture(row, related!, 'client') });
    },
  );

  app.get(
    '/api/relationships/:id/ruptures',
    { onRequest: signedIn, schema: { tags, params: IdParams, response: { 200: RuptureList } } },
    async (request) => {
      const m = await membership(db, requireUser(request), request.params.id);
      const rows = await db
        .select()
        .from(ruptures)
        .where(and(eq(ruptures.relationshipId, m.relationship.id), visibleRuptures(m)))
        .orderBy(desc(ruptures.occurredAt), desc(ruptures.createdAt));
      const related = await relatedTo(db, rows);
      await services.audit.record(m, 'read', 'ruptures');
      return { items: rows.map((row, i) => presentRupture(row, related[i]!, m.role)) };
    },
  );

  app.get(
    '/api/ruptures/:id',
    { onRequest: signedIn, schema: { tags, params: IdParams, response: { 200: RuptureResponse } } },
    async (request) => {
      const { m, rupture } = await ruptureFor(services, requireUser(request), request.params.id);
      const [related] = await relatedTo(db, [rupture]);
      await services.audit.record(m, 'read', 'rupture', rupture.id);
      return { rupture: presentRupture(rupture, related!, m.role) };
    },
  );

  app.get(
    '/api/ruptures/:id/preview',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        description:
          'Extension, for the client: the record exactly as the therapist would see it once shared.',
        response: { 200: RuptureResponse },
      },
    },
    async (request) => {
      const { m, rupture } = await ruptureFor(services, requireUser(request), request.params.id);
      if (!canEditRupture(m, rupture)) throw notFound();
      const [related] = await relatedTo(db, [rupture]);
      const asShared: RuptureRow = {
        ...rupture,
        visibility: 'shared',
        sharedAt: rupture.sharedAt ?? new Date(),
      };
      return { rupture: presentRupture(asShared, related!, 'therapist') };
    },
  );

  app.patch(
    '/api/ruptures/:id',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        body: UpdateRuptureBody,
        response: { 200: RuptureResponse },
      },
    },
    async (request) => {
      const { m, rupture } = await ruptureFor(services, requireUser(request), request.params.id);
      if (!canEditRupture(m, rupture)) throw notFound();
      const body = request.body;
      if (body.visibility !== undefined) checkShareable(m, body.visibility);
      const partIds = body.partIds === undefined ? undefined : [...new Set(body.partIds)];
      if (partIds) await checkOwnParts(db, m.actor.id, partIds);
      const now = new Date();
      const sharing = body.visibility !== undefined && body.visibility !== rupture.visibility;
      const statusChanged = body.status !== undefined && body.status !== rupture.status;
      const updated = await db.transaction(async (tx) => {
        const [row] = await tx
          .update(ruptures)
          .set({
            ...(body.title !== undefined ? { title: body.title } : {}),
            ...(body.occurredAt !== undefined ? { occurredAt: new Date(body.occurredAt) } : {}),
            ...(body.whatHappened !== undefined ? { whatHappened: body.whatHappened } : {}),
            ...(body.myExperience !== undefined ? { myExperience: orNull(body.myExperience) } : {}),
            ...(body.theirSide !== undefined ? { theirSide: orNull(body.theirSide) } : {}),
            ...(body.echoes !== undefined ? { echoes: orNull(body.echoes) } : {}),
            ...(body.needs !== undefined ? { needs: orNull(body.needs) } : {}),
            ...(body.kind !== undefined ? { kind: body.kind } : {}),
            ...(body.intensity !== undefined ? { intensity: body.intensity } : {}),
            ...(body.reflection !== undefined ? { reflection: orNull(body.reflection) } : {}),
            ...(sharing
              ? { visibility: body.visibility, sharedAt: body.visibility === 'shared' ? now : null }
              : {}),
            ...(statusChanged
              ? { status: body.status, repairedAt: body.status === 'repaired' ? now : null }
              : {}),
            updatedAt: now,
          })
          .where(eq(ruptures.id, rupture.id))
          .returning();
        if (partIds) {
          await tx.delete(ruptureParts).where(eq(ruptureParts.ruptureId, rupture.id));
          if (partIds.length > 0) {
            await tx
              .insert(ruptureParts)
              .values(partIds.map((partId) => ({ ruptureId: rupture.id, partId })));
          }
        }
        return row ?? rupture;
      });
      await services.relationships.changed(m.relationship.id);
      const [related] = await relatedTo(db, [updated]);
      return { rupture: presentRupture(updated, related!, 'client') };
    },
  );

  app.delete(
    '/api/ruptures/:id',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        description: 'Extension: the client removes a record of theirs, with its repair steps.',
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const { m, rupture } = await ruptureFor(services, requireUser(request), request.params.id);
      if (!canEditRupture(m, rupture)) throw notFound();
      await db.delete(ruptures).where(eq(ruptures.id, rupture.id));
      await services.relationships.changed(m.relationship.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/ruptures/:id/repairs',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        body: CreateRepairBody,
        response: { 201: RepairResponse },
      },
    },
    async (request, reply) => {
      const { m, rupture } = await ruptureFor(services, requireUser(request), request.params.id);
      if (!canAddRepair(m, rupture)) throw notFound();
      const body = request.body;
      checkRepair(m, body);
      const repair = await db.transaction(async (tx) => {
        const [row] = await tx
          .insert(repairs)
          .values({
            id: randomUUID(),
            ruptureId: rupture.id,
            authorId: m.actor.id,
            authorRole: m.role,
            at: new Date(body.at),
            kind: body.kind,
            by: body.by,
            note: orNull(body.note),
            feltHeard: body.feltHeard ?? null,
            defensiveness: body.defensiveness ?? null,
          })
          .returning();
        // The client's first step toward repair moves their open record to "repairing"; the
        // status is the client's to decide, so a therapist's step leaves it as it is.
        if (m.role === 'client')
          await tx
            .update(ruptures)
            .set({ status: 'repairing', updatedAt: new Date() })
            .where(and(eq(ruptures.id, rupture.id), eq(ruptures.status, 'open')));
        return row!;
      });
      await services.relationships.changed(m.relationship.id);
      await services.audit.record(m, 'create', 'repair', repair.id);
      return reply.status(201).send({ repair: presentRepair(repair) });
    },
  );

  app.patch(
    '/api/repairs/:id',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        body: UpdateRepairBody,
        description:
          'Extension: the client answers "did I feel heard?" and "was my therapist defensive?"; whoever wrote the step may change its note.',
        response: { 200: RepairResponse },
      },
    },
    async (request) => {
      const { m, repair } = await repairFor(services, requireUser(request), request.params.id);
      const body = request.body;
      const rating = body.feltHeard !== undefined || body.defensiveness !== undefined;
      if (rating && !canRateRepair(m)) {
        throw invalidInput(ratingFields(body), 'Only the client answers these questions.');
      }
      if (body.note !== undefined && !canChangeRepair(m, repair)) {
        throw invalidInput({ note: 'Only whoever wrote this step can change its note.' });
      }
      const [updated] = await db
        .update(repairs)
        .set({
          ...(body.note !== undefined ? { note: orNull(body.note) } : {}),
          ...(body.feltHeard !== undefined ? { feltHeard: body.feltHeard } : {}),
          ...(body.defensiveness !== undefined ? { defensiveness: body.defensiveness } : {}),
          updatedAt: new Date(),
        })
        .where(eq(repairs.id, repair.id))
        .returning();
      await services.relationships.changed(m.relationship.id);
      return { repair: presentRepair(updated ?? repair) };
    },
  );

  app.delete(
    '/api/repairs/:id',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        description: 'Extension: whoever wrote a step down may remove it.',
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const { m, repair } = await repairFor(services, requireUser(request), request.params.id);
      if (!canChangeRepair(m, repair)) throw notFound();
      await db.delete(repairs).where(eq(repairs.id, repair.id));
      await services.relationships.changed(m.relationship.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/relationships/:id/patterns',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        description:
          'Extension: the patterns panel, computed from the ruptures the viewer can see (a therapist: shared ones only), by the rules each observation names.',
        response: { 200: z.object({ patterns: Patterns, rules: PatternRules }) },
      },
    },
    async (request) => {
      const m = await membership(db, requireUser(request), request.params.id);
      const rows = await db
        .select()
        .from(ruptures)
        .where(and(eq(ruptures.relationshipId, m.relationship.id), visibleRuptures(m)));
      const steps = await repairsOf(
        db,
        rows.map((r) => r.id),
      );
      const patterns = computePatterns(
        rows.map((r) => ({
          id: r.id,
          kind: r.kind,
          status: r.status,
          occurredAt: r.occurredAt.getTime(),
          repairedAt: r.repairedAt?.getTime() ?? null,
          repairs: (steps.get(r.id) ?? []).map((s) => ({
            at: s.at.getTime(),
            kind: s.kind,
            by: s.by,
            feltHeard: s.feltHeard,
            defensiveness: s.defensiveness,
          })),
        })),
        Date.now(),
      );
      await services.audit.record(m, 'read', 'patterns');
      return { patterns, rules: PATTERN_RULES };
    },
  );
};

const PATTERN_RULES = {
  strengths: STRENGTH_RULES.map(({ id, rule }) => ({ id, rule })),
  redFlags: RED_FLAG_RULES.map(({ id, rule }) => ({ id, rule })),
};

/** Sharing needs someone to share with: while solo there is nobody, so it is refused. */
function checkShareable(m: Membership, visibility: 'private' | 'shared') {
  if (visibility === 'shared' && m.relationship.mode !== 'connected') {
    throw invalidInput({
      visibility: 'You can share this once your therapist has joined you on Attune.',
    });
  }
}

async function checkAppointment(db: Db, m: Membership, appointmentId: string) {
  const refused = invalidInput({
    appointmentId: 'That appointment is not part of this relationship.',
  });
  if (!isId(appointmentId)) throw refused;
  const [found] = await db
    .select({ id: appointments.id })
    .from(appointments)
    .where(
      and(eq(appointments.id, appointmentId), eq(appointments.relationshipId, m.relationship.id)),
    )
    .limit(1);
  if (!found) throw refused;
}

type RepairInput = {
  kind: string;
  by: 'client' | 'therapist';
  feltHeard?: number | null | undefined;
  defensiveness?: number | null | undefined;
};

function ratingFields(body: Pick<RepairInput, 'feltHeard' | 'defensiveness'>) {
  const fields: Record<string, string> = {};
  if (body.feltHeard !== undefined) fields.feltHeard = 'Only the client answers this.';
  if (body.defensiveness !== undefined) fields.defensiveness = 'Only the client answers this.';
  return fields;
}

/** A step says who did it; the therapist's kinds are done by the therapist, ratings by the client. */
function checkRepair(m: Membership, body: RepairInput) {
  if (body.kind.startsWith('therapist-') && body.by !== 'therapist') {
    throw invalidInput({ by: 'This kind of step is one the therapist takes.' });
  }
  const rated =
    (body.feltHeard !== undefined && body.feltHeard !== null) ||
    (body.defensiveness !== undefined && body.defensiveness !== null);
  if (rated && !canRateRepair(m)) {
    throw invalidInput(ratingFields(body), 'Only the client answers these questions.');
  }
}

/** A rupture the actor may see, with their membership; anything else is 404. */
async function ruptureFor(services: Services, actor: SessionUser, id: string) {
  if (!isId(id)) throw notFound();
  const [rupture] = await services.db.select().from(ruptures).where(eq(ruptures.id, id)).limit(1);
  if (!rupture) throw notFound();
  const m = await membership(services.db, actor, rupture.relationshipId);
  if (!canSeeRupture(m, rupture)) throw notFound();
  return { m, rupture };
}

/** A repair step on a rupture the actor may see; anything else is 404. */
async function repairFor(services: Services, actor: SessionUser, id: string) {
  if (!isId(id)) throw notFound();
  const [repair] = await services.db.select().from(repairs).where(eq(repairs.id, id)).limit(1);
  if (!repair) throw notFound();
  const { m, rupture } = await ruptureFor(services, actor, repair.ruptureId);
  return { m, rupture, repair };
}

async function repairsOf(db: Db, ruptureIds: string[]): Promise<Map<string, RepairRow[]>> {
  const byRupture = new Map<string, RepairRow[]>();
  if (ruptureIds.length === 0) return byRupture;
  const rows = await db
    .select()
    .from(repairs)
    .where(inArray(repairs.ruptureId, ruptureIds))
    .orderBy(asc(repairs.at), asc(repairs.createdAt));
  for (const row of rows) {
    const list = byRupture.get(row.ruptureId);
    if (list) list.push(row);
    else byRupture.set(row.ruptureId, [row]);
  }
  return byRupture;
}

/** Repair steps (in time order) and part names for each rupture, in two queries. */
async function relatedTo(
  db: Db,
  rows: readonly RuptureRow[],
): Promise<{ repairs: RepairRow[]; parts: PartName[] }[]> {
  const ids = rows.map((r) => r.id);
  const steps = await repairsOf(db, ids);
  const names = new Map<string, PartName[]>();
  if (ids.length > 0) {
    const tagged = await db
      .select({ ruptureId: ruptureParts.ruptureId, id: parts.id, name: parts.name })
      .from(ruptureParts)
      .innerJoin(parts, eq(parts.id, ruptureParts.partId))
      .where(inArray(ruptureParts.ruptureId, ids));
    // Names are sealed in the database (schema.ts), so they are ordered here, once opened.
    tagged.sort((a, b) => compareNames(a.name, b.name));
    for (const t of tagged) {
      const list = names.get(t.ruptureId);
      const part = { id: t.id, name: t.name };
      if (list) list.push(part);
      else names.set(t.ruptureId, [part]);
    }
  }
  return rows.map((r) => ({ repairs: steps.get(r.id) ?? [], parts: names.get(r.id) ?? [] }));
}
