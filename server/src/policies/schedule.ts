import { and, eq, isNull } from 'drizzle-orm';
import type { SessionUser } from '../auth/sessions.ts';
import type { Db } from '../db/client.ts';
import { slots, timeOff } from '../db/schema.ts';
import { notFound } from '../errors.ts';
import { isId, type Membership, membership } from './relationship.ts';

/**
 * Who may do what with regular slots and time off. Deny by default: what the actor may not
 * change does not exist for them (404).
 *
 * The slots of a connected relationship are the therapist's to set (they hold the caseload and
 * its overlaps); in a solo relationship the client keeps their own schedule.
 */

export type SlotRow = typeof slots.$inferSelect;
export type TimeOffRow = typeof timeOff.$inferSelect;

export const mayManageSlots = (m: Membership) =>
  m.role === 'therapist' ? m.relationship.mode === 'connected' : m.relationship.mode === 'solo';

/** The actor's membership, when they may create and remove the relationship's slots; else 404. */
export async function slotManager(
  db: Db,
  actor: SessionUser,
  relationshipId: string,
): Promise<Membership> {
  const m = await membership(db, actor, relationshipId);
  if (!mayManageSlots(m)) throw notFound();
  return m;
}

/** A slot not yet removed that the actor may remove, with their membership; else 404. */
export async function slotFor(
  db: Db,
  actor: SessionUser,
  slotId: string,
): Promise<{ m: Membership; slot: SlotRow }> {
  if (!isId(slotId)) throw notFound();
  const [slot] = await db
    .select()
    .from(slots)
    .where(and(eq(slots.id, slotId), isNull(slots.removedAt)))
    .limit(1);
  if (!slot) throw notFound();
  return { m: await slotManager(db, actor, slot.relationshipId), slot };
}

/** Time off is a therapist's own; a client has none (404). */
export function requireTherapist(actor: SessionUser): SessionUser {
  if (actor.role !== 'therapist') throw notFound();
  return actor;
}

/** The actor's own time off; anyone else's does not exist for them. */
export async function timeOffFor(db: Db, actor: SessionUser, id: string): Promise<TimeOffRow> {
  requireTherapist(actor);
  if (!isId(id)) throw notFound();
  const [row] = await db
    .select()
    .from(timeOff)
    .where(and(eq(timeOff.id, id), eq(timeOff.therapistId, actor.id)))
    .limit(1);
  if (!row) throw notFound();
  return row;
}
