import { and, asc, eq, gt, gte, inArray, lt, ne } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { appointments, relationships, timeOff } from '../db/schema.ts';
import type { AppointmentRow } from './fill.ts';

/**
 * What a therapist's time off does to appointments: those starting inside it are cancelled
 * (reason `time-off`, remembering which time off), and removing the time off brings back the
 * ones still to come — unless another time off of the same therapist covers them too.
 */

export type TimeOffRow = typeof timeOff.$inferSelect;

/** The therapist's connected relationships: time off concerns only clients they see. */
const connectedTo = (db: Db, therapistId: string) =>
  db
    .select({ id: relationships.id })
    .from(relationships)
    .where(and(eq(relationships.therapistId, therapistId), eq(relationships.mode, 'connected')));

/** Cancels the scheduled appointments starting in `[startsAt, endsAt)`; returns them. */
export async function cancelForTimeOff(db: Db, period: TimeOffRow): Promise<AppointmentRow[]> {
  const cancelled = await db
    .update(appointments)
    .set({
      status: 'cancelled',
      cancelReason: 'time-off',
      timeOffId: period.id,
    })
    .where(
      and(
        inArray(appointments.relationshipId, connectedTo(db, period.therapistId)),
        eq(appointments.status, 'scheduled'),
        gte(appointments.startsAt, period.startsAt),
        lt(appointments.startsAt, period.endsAt),
      ),
    )
    .returning();
  return cancelled.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
}

/**
 * Before a time off is deleted: its cancelled appointments still to come are scheduled again,
 * or handed to another time off of the therapist that covers them. Returns those scheduled again.
 */
export async function restoreFromTimeOff(
  db: Db,
  period: TimeOffRow,
  now: Date,
): Promise<AppointmentRow[]> {
  const held = await db
    .select()
    .from(appointments)
    .where(
      and(
        eq(appointments.timeOffId, period.id),
        eq(appointments.status, 'cancelled'),
        eq(appointments.cancelReason, 'time-off'),
        gt(appointments.startsAt, now),
      ),
    )
    .orderBy(asc(appointments.startsAt));
  if (held.length === 0) return [];
  const others = await db
    .select()
    .from(timeOff)
    .where(
      and(
        eq(timeOff.therapistId, period.therapistId),
        ne(timeOff.id, period.id),
        gt(timeOff.endsAt, now),
      ),
    );
  const restored: AppointmentRow[] = [];
  for (const appointment of held) {
    const t = appointment.startsAt.getTime();
    const still = others.find((o) => o.startsAt.getTime() <= t && t < o.endsAt.getTime());
    const [row] = await db
      .update(appointments)
      .set(
        still
          ? { timeOffId: still.id }
          : { status: 'scheduled', cancelReason: null, timeOffId: null },
      )
      .where(eq(appointments.id, appointment.id))
      .returning();
    if (row && !still) restored.push(row);
  }
  return restored;
}

/**
 * The first scheduled appointment of a relationship starting at or after `after` (what an email
 * about time off names as the next time they meet), or undefined.
 */
export async function nextAppointmentAfter(
  db: Db,
  relationshipId: string,
  after: Date,
): Promise<AppointmentRow | undefined> {
  const [row] = await db
    .select()
    .from(appointments)
    .where(
      and(
        eq(appointments.relationshipId, relationshipId),
        eq(appointments.status, 'scheduled'),
        gte(appointments.startsAt, after),
      ),
    )
    .orderBy(asc(appointments.startsAt))
    .limit(1);
  return row;
}
