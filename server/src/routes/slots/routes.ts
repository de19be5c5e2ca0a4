import { randomUUID } from 'node:crypto';
import { firstOverlap, upcomingGaps } from '@attune/core/schedule';
import { and, asc, desc, eq, gt, inArray, isNull, lt } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../db/client.ts';
import { agreements, appointments, relationships, slots, timeOff } from '../../db/schema.ts';
import { conflict, invalidInput } from '../../errors.ts';
import { requireUser, signedIn } from '../../plugins/auth.ts';
import { membership, type RelationshipRow } from '../../policies/relationship.ts';
import {
  requireTherapist,
  type SlotRow,
  slotFor,
  slotManager,
  type TimeOffRow,
  timeOffFor,
} from '../../policies/schedule.ts';
import { presentAppointment } from '../../presenters/relationship.ts';
import { presentScheduleSlot, presentScheduleTimeOff } from '../../presenters/schedule.ts';
import {
  type AppointmentRow,
  fillHorizon,
  fillSlot,
  lockCaseload,
  ruleOf,
} from '../../scheduling/fill.ts';
import { cancelForTimeOff, restoreFromTimeOff } from '../../scheduling/time-off.ts';
import { localTimeInWords } from '../../scheduling/words.ts';
import type { Services } from '../../services.ts';
import { EmptyBody, IdParams } from '../relationships/schema.ts';
import {
  CreatedSlot,
  CreatedTimeOff,
  CreateSlotBody,
  CreateTimeOffBody,
  GapList,
  Removed,
  SlotList,
  TimeOffList,
} from './schema.ts';

const WEEK_MS = 7 * 86_400_000;
/** How far ahead a new slot is checked against the others for overlaps. */
const OVERLAP_WEEKS = 52;

/** The therapist whose caseload a relationship's slots belong to; null when solo. */
const therapistOf = (r: RelationshipRow) => (r.mode === 'connected' ? r.therapistId : null);

/**
 * The active slots a new one must not overlap: all of the therapist's across their caseload, or
 * (solo) those of the relationship itself. Slots of ended relationships no longer hold the time.
 */
function rivals(db: Db, r: RelationshipRow): Promise<SlotRow[]> {
  const therapistId = therapistOf(r);
  return db
    .select({ slot: slots })
    .from(slots)
    .innerJoin(relationships, eq(relationships.id, slots.relationshipId))
    .where(
      and(
        isNull(slots.removedAt),
        eq(relationships.status, 'active'),
        therapistId
          ? and(eq(slots.therapistId, therapistId), eq(relationships.mode, 'connected'))
          : eq(slots.relationshipId, r.id),
      ),
    )
    .then((rows) => rows.map((row) => row.slot));
}

/** Throws 409 `slot_overlap` naming the first clash, in the new slot's zone. */
function checkNoOverlap(candidate: SlotRow, others: SlotRow[], now: Date) {
  const until = new Date(now.getTime() + OVERLAP_WEEKS * WEEK_MS);
  let first: Date | null = null;
  for (const other of others) {
    const clash = firstOverlap(ruleOf(candidate), ruleOf(other), now, until);
    if (clash && (!first || clash < first)) first = clash;
  }
  if (first) {
    throw conflict(
      'slot_overlap',
      `This slot would overlap another regular slot, first on ${localTimeInWords(first, candidate.timezone)}. Please choose another time.`,
    );
  }
}

export const slotRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const { db } = services;
  const tags = ['scheduling'];

  /** Tells each relationship's client once about appointments of theirs that changed. */
  async function tellClients(
    changed: AppointmentRow[],
    kind: 'time-off' | 'appointment-changed',
    subjectOf: (first: AppointmentRow) => string,
  ) {
    const firstByRelationship = new Map<string, AppointmentRow>();
    for (const a of changed)
      if (!firstByRelationship.has(a.relationshipId)) firstByRelationship.set(a.relationshipId, a);
    if (firstByRelationship.size === 0) return;
    const rows = await db
      .select({ id: relationships.id, clientId: relationships.clientId })
      .from(relationships)
      .where(inArray(relationships.id, [...firstByRelationship.keys()]));
    for (const row of rows) {
      await services.relationships.changed(row.id);
      const first = firstByRelationship.get(row.id);
      if (!first) continue;
      await services.notifier.notify({
        userId: row.clientId,
        relationshipId: row.id,
        kind,
        subjectId: subjectOf(first),
      });
    }
  }

  app.post(
    '/api/relationships/:id/slots',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        body: CreateSlotBody,
        description:
          'Makes a regular slot (the therapist of a connected relationship, or the client of a solo one) and its appointments for the coming 12 weeks. Overlapping another active slot of the same therapist (solo: of the relationship) within a year: 409 `slot_overlap`.',
        response: { 201: CreatedSlot },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      const m = await slotManager(db, actor, request.params.id);
      const body = request.body;
      if (body.endsOn && body.endsOn < body.startsOn) {
        throw invalidInput({ endsOn: 'The last day cannot be before the first.' });
      }
      const now = new Date();
      const until = fillHorizon(now);
      const therapistId = therapistOf(m.relationship);
      const { slot, made } = await db.transaction(async (tx) => {
        await lockCaseload(tx, therapistId ?? m.relationship.id);
        const candidate: SlotRow = {
          id: randomUUID(),
          relationshipId: m.relationship.id,
          therapistId,
          createdById: actor.id,
          weekday: body.weekday,
          time: body.time,
          timezone: body.timezone,
          everyWeeks: body.everyWeeks,
          durationMinutes: body.durationMinutes,
          kind: body.kind ?? 'individual',
          startsOn: body.startsOn,
          endsOn: body.endsOn ?? null,
          filledUntil: until,
          createdAt: now,
          removedAt: null,
        };
        checkNoOverlap(candidate, await rivals(tx, m.relationship), now);
        const [slot] = await tx.insert(slots).values(candidate).returning();
        if (!slot) throw new Error('the slot was not stored');
        return { slot, made: await fillSlot(tx, slot, now, until) };
      });
      await services.relationships.changed(m.relationship.id);
      return reply
        .status(201)
        .send({ slot: presentScheduleSlot(slot), appointments: made.map(presentAppointment) });
    },
  );

  app.get(
    '/api/relationships/:id/slots',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        description: 'The relationship’s regular slots not removed, oldest first.',
        response: { 200: SlotList },
      },
    },
    async (request) => {
      const m = await membership(db, requireUser(request), request.params.id);
      const rows = await db
        .select()
        .from(slots)
        .where(and(eq(slots.relationshipId, m.relationship.id), isNull(slots.removedAt)))
        .orderBy(asc(slots.createdAt), asc(slots.id));
      return { items: rows.map(presentScheduleSlot) };
    },
  );

  app.delete(
    '/api/slots/:id',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        body: EmptyBody,
        description:
          'Removes a slot (whoever may make it). Its future scheduled appointments are cancelled (reason `slot-removed`); when the therapist removed it, the client is told.',
        response: { 204: Removed },
      },
    },
    async (request, reply) => {
      const { m, slot } = await slotFor(db, requireUser(request), request.params.id);
      const now = new Date();
      const cancelled = await db.transaction(async (tx) => {
        const [removed] = await tx
          .update(slots)
          .set({ removedAt: now })
          .where(and(eq(slots.id, slot.id), isNull(slots.removedAt)))
          .returning({ id: slots.id });
        if (!removed) return [];
        return tx
          .update(appointments)
          .set({ status: 'cancelled', cancelReason: 'slot-removed' })
          .where(
            and(
              eq(appointments.slotId, slot.id),
              eq(appointments.status, 'scheduled'),
              gt(appointments.startsAt, now),
            ),
          )
          .returning();
      });
      await services.relationships.changed(m.relationship.id);
      const first = cancelled.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime())[0];
      // One notice for the lot: the client's schedule shows every appointment that went.
      if (m.role === 'therapist' && first) {
        await services.notifier.notify({
          userId: m.relationship.clientId,
          relationshipId: m.relationship.id,
          kind: 'appointment-cancelled',
          subjectId: first.id,
        });
      }
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/time-off',
    {
      onRequest: signedIn,
      schema: {
        tags,
        body: CreateTimeOffBody,
        description:
          'The therapist’s time away, `[from, to)`. Scheduled appointments starting in it, across their connected relationships, are cancelled (reason `time-off`) and each affected client is told once.',
        response: { 201: CreatedTimeOff },
      },
    },
    async (request, reply) => {
      const actor = requireTherapist(requireUser(request));
      const from = new Date(request.body.from);
      const to = new Date(request.body.to);
      if (to.getTime() <= from.getTime()) {
        throw invalidInput({ to: 'The end of the time off must be after its start.' });
      }
      const now = new Date();
      const { period, affected } = await db.transaction(async (tx) => {
        await lockCaseload(tx, actor.id);
        const [period] = await tx
          .insert(timeOff)
          .values({
            id: randomUUID(),
            therapistId: actor.id,
            startsAt: from,
            endsAt: to,
            note: request.body.note?.trim() || null,
            createdAt: now,
          })
          .returning();
        if (!period) throw new Error('the time off was not stored');
        return { period, affected: await cancelForTimeOff(tx, period) };
      });
      await tellClients(affected, 'time-off', () => period.id);
      return reply.status(201).send({
        timeOff: presentScheduleTimeOff(period),
        affected: affected.map(presentAppointment),
      });
    },
  );

  app.get(
    '/api/time-off',
    {
      onRequest: signedIn,
      schema: {
        tags,
        description: 'The therapist’s time off not yet over, soonest first.',
        response: { 200: TimeOffList },
      },
    },
    async (request) => {
      const actor = requireTherapist(requireUser(request));
      return { items: (await timeOffNotOver(actor.id)).map(presentScheduleTimeOff) };
    },
  );

  app.delete(
    '/api/time-off/:id',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        body: EmptyBody,
        description:
          'Removes time off; its cancelled appointments still to come are scheduled again (unless other time off covers them) and their clients told.',
        response: { 204: Removed },
      },
    },
    async (request, reply) => {
      const period = await timeOffFor(db, requireUser(request), request.params.id);
      const restored = await db.transaction(async (tx) => {
        const restored = await restoreFromTimeOff(tx, period, new Date());
        await tx.delete(timeOff).where(eq(timeOff.id, period.id));
        return restored;
      });
      await tellClients(restored, 'appointment-changed', (first) => first.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/relationships/:id/time-off',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        description: 'The time off of the relationship’s therapist not yet over, soonest first.',
        response: { 200: TimeOffList },
      },
    },
    async (request) => {
      const m = await membership(db, requireUser(request), request.params.id);
      const therapistId = therapistOf(m.relationship);
      return {
        items: therapistId ? (await timeOffNotOver(therapistId)).map(presentScheduleTimeOff) : [],
      };
    },
  );

  app.get(
    '/api/relationships/:id/upcoming-gaps',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        description:
          'Coming stretches (12 weeks ahead) with appointments further apart than the agreed session frequency, else the shortest slot interval; no frequency: no items.',
        response: { 200: GapList },
      },
    },
    async (request) => {
      const m = await membership(db, requireUser(request), request.params.id);
      const frequencyDays = await frequencyOf(m.relationship.id);
      if (frequencyDays === null) return { items: [], frequencyDays };
      const now = new Date();
      const horizon = fillHorizon(now);
      const rows = await db
        .select({
          startsAt: appointments.startsAt,
          durationMinutes: appointments.durationMinutes,
          status: appointments.status,
          cancelReason: appointments.cancelReason,
        })
        .from(appointments)
        .where(
          and(
            eq(appointments.relationshipId, m.relationship.id),
            // Far enough back to find the last appointment before now for any agreed frequency.
            gt(appointments.startsAt, new Date(now.getTime() - 366 * 86_400_000)),
            lt(appointments.startsAt, horizon),
          ),
        );
      const gaps = upcomingGaps({ appointments: rows, now, horizon, frequencyDays });
      return {
        frequencyDays,
        items: gaps.map((gap) => ({
          from: gap.from.toISOString(),
          to: gap.to?.toISOString() ?? null,
          days: gap.days,
          reason: gap.reason,
        })),
      };
    },
  );

  function timeOffNotOver(therapistId: string): Promise<TimeOffRow[]> {
    return db
      .select()
      .from(timeOff)
      .where(and(eq(timeOff.therapistId, therapistId), gt(timeOff.endsAt, new Date())))
      .orderBy(asc(timeOff.startsAt), asc(timeOff.id));
  }

  /** The agreed session frequency (latest agreement), else the shortest slot interval, else null. */
  async function frequencyOf(relationshipId: string): Promise<number | null> {
    const [agreement] = await db
      .select({ days: agreements.sessionFrequencyDays })
      .from(agreements)
      .where(eq(agreements.relationshipId, relationshipId))
      .orderBy(desc(agreements.version))
      .limit(1);
    if (agreement?.days) return agreement.days;
    const [slot] = await db
      .select({ everyWeeks: slots.everyWeeks })
      .from(slots)
      .where(and(eq(slots.relationshipId, relationshipId), isNull(slots.removedAt)))
      .orderBy(asc(slots.everyWeeks))
      .limit(1);
    return slot ? slot.everyWeeks * 7 : null;
  }
};
