import { randomUUID } from 'node:crypto';
import { type SlotRule, slotOccurrences } from '@attune/core/schedule';
import { and, asc, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { appointments, relationships, slots, timeOff } from '../db/schema.ts';

/**
 * A slot's appointments exist as real rows up to `filledUntil`, so that every list, calendar and
 * check-in sees them like any other appointment. Filling is idempotent: an occurrence is made at
 * most once (the unique index on slot and occurrence), and an occurrence whose appointment was
 * moved keeps its original start as `slotOccurrence`, so it is never made again.
 */

export type SlotRow = typeof slots.$inferSelect;
export type AppointmentRow = typeof appointments.$inferSelect;
type TimeOffRow = typeof timeOff.$inferSelect;

export const FILL_WEEKS = 12;
const WEEK_MS = 7 * 86_400_000;

/** How far ahead a slot's appointments exist at `now`. */
export const fillHorizon = (now: Date) => new Date(now.getTime() + FILL_WEEKS * WEEK_MS);

/** The slot as the rule the time-zone functions of core understand. */
export function ruleOf(slot: SlotRow): SlotRule {
  return {
    weekday: slot.weekday,
    time: slot.time,
    timezone: slot.timezone,
    everyWeeks: slot.everyWeeks,
    durationMinutes: slot.durationMinutes,
    startsOn: slot.startsOn,
    endsOn: slot.endsOn,
  };
}

/** The time off (if any) that an appointment starting at `at` falls in: `[startsAt, endsAt)`. */
function timeOffAt(periods: TimeOffRow[], at: Date): TimeOffRow | undefined {
  const t = at.getTime();
  return periods.find((p) => p.startsAt.getTime() <= t && t < p.endsAt.getTime());
}

/**
 * Makes the slot's appointments starting in `[from, until)` (none before `from`: the past is not
 * filled in). Occurrences inside the therapist's time off are made cancelled, so the client sees
 * why there is no session that week. Returns the appointments made now, oldest first.
 */
export async function fillSlot(
  db: Db,
  slot: SlotRow,
  from: Date,
  until: Date,
): Promise<AppointmentRow[]> {
  const starts = slotOccurrences(ruleOf(slot), from, until);
  if (starts.length === 0) return [];
  const periods = slot.therapistId
    ? await db
        .select()
        .from(timeOff)
        .where(
          and(
            eq(timeOff.therapistId, slot.therapistId),
            lt(timeOff.startsAt, until),
            gt(timeOff.endsAt, from),
          ),
        )
    : [];
  const rows = starts.map((startsAt) => {
    const away = timeOffAt(periods, startsAt);
    return {
      id: randomUUID(),
      relationshipId: slot.relationshipId,
      startsAt,
      durationMinutes: slot.durationMinutes,
      kind: slot.kind,
      status: away ? ('cancelled' as const) : ('scheduled' as const),
      slotId: slot.id,
      slotOccurrence: startsAt,
      cancelReason: away ? ('time-off' as const) : null,
      timeOffId: away?.id ?? null,
    };
  });
  const made = await db
    .insert(appointments)
    .values(rows)
    .onConflictDoNothing({ target: [appointments.slotId, appointments.slotOccurrence] })
    .returning();
  return made.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
}

/** The key space of the advisory locks that serialize changes to one caseload's schedule. */
const CASELOAD_LOCK = 74_283_421;

/**
 * Serializes, until the transaction ends, the work on one therapist's schedule (solo: one
 * relationship's): making a slot (so two made at once cannot both miss their overlap), rolling
 * one (so it sees time off made meanwhile), and making time off (so it sees what a roll made).
 */
export async function lockCaseload(db: Db, key: string): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(${CASELOAD_LOCK}, hashtext(${key}))`);
}

/**
 * Fills one slot up to `now` + 12 weeks, under its caseload's lock and a lock on its row, so that
 * two instances rolling at once do the work once (the unique index would keep the rows single
 * anyway) and time off made meanwhile is seen. Returns the
 * appointments made, and nothing for a slot removed or already filled meanwhile.
 */
export async function rollSlot(db: Db, slotId: string, now: Date): Promise<AppointmentRow[]> {
  const until = fillHorizon(now);
  return db.transaction(async (tx) => {
    const [owner] = await tx
      .select({ therapistId: slots.therapistId, relationshipId: slots.relationshipId })
      .from(slots)
      .where(eq(slots.id, slotId));
    if (!owner) return [];
    await lockCaseload(tx, owner.therapistId ?? owner.relationshipId);
    const [slot] = await tx
      .select()
      .from(slots)
      .where(and(eq(slots.id, slotId), isNull(slots.removedAt), lt(slots.filledUntil, until)))
      .for('update');
    if (!slot) return [];
    // Never into the past: a slot not rolled for a while gets no appointments that already began.
    const from = new Date(Math.max(slot.filledUntil.getTime(), now.getTime()));
    const made = await fillSlot(tx, slot, from, until);
    await tx.update(slots).set({ filledUntil: until }).where(eq(slots.id, slot.id));
    // New appointments are a change to the relationship: cached pages of it must not be served.
    if (made.length > 0) {
      await tx
        .update(relationships)
        .set({ version: sql`${relationships.version} + 1` })
        .where(eq(relationships.id, slot.relationshipId));
    }
    return made;
  });
}

/**
 * The roll job: every active slot of an active relationship gets its appointments up to 12 weeks
 * ahead. Safe to run twice, or on two instances at once. Returns how many appointments it made.
 */
export async function rollSlots(db: Db, now: Date = new Date()): Promise<number> {
  const due = await db
    .select({ id: slots.id, relationshipId: slots.relationshipId })
    .from(slots)
    .innerJoin(relationships, eq(relationships.id, slots.relationshipId))
    .where(
      and(
        isNull(slots.removedAt),
        lt(slots.filledUntil, fillHorizon(now)),
        eq(relationships.status, 'active'),
        // A slot that has ended needs nothing more.
        or(isNull(slots.endsOn), sql`${slots.endsOn} >= ${now.toISOString().slice(0, 10)}::date`),
      ),
    )
    .orderBy(asc(slots.filledUntil));
  let made = 0;
  for (const slot of due) made += (await rollSlot(db, slot.id, now)).length;
  return made;
}
