import { eq, inArray } from 'drizzle-orm';
import type { SessionUser } from '../auth/sessions.ts';
import type { Db } from '../db/client.ts';
import { couples, relationships } from '../db/schema.ts';
import { notFound } from '../errors.ts';
import { isId, isMember, type RelationshipRow } from './relationship.ts';

/**
 * Who may do what with a couple. The therapist who joined the two relationships runs it; each
 * partner (the client of one of them) may consent or leave. Nobody else knows it exists (404).
 * A partner's side is their own relationship only: nothing of the other's reaches them.
 */

export type CoupleRow = typeof couples.$inferSelect;
export type CoupleSide = 'therapist' | 'first' | 'second';
export type CoupleAccess = {
  couple: CoupleRow;
  side: CoupleSide;
  first: RelationshipRow;
  second: RelationshipRow;
};

/** The side the actor is on, if any. */
export function sideOf(
  actor: SessionUser,
  couple: CoupleRow,
  first: RelationshipRow,
  second: RelationshipRow,
): CoupleSide | undefined {
  if (actor.role === 'therapist') {
    return couple.therapistId === actor.id ? 'therapist' : undefined;
  }
  if (first.clientId === actor.id) return 'first';
  if (second.clientId === actor.id) return 'second';
  return undefined;
}

export const mayCouple = {
  consent: (a: CoupleAccess) => a.side !== 'therapist',
  leave: (_a: CoupleAccess) => true,
  /** The therapist schedules, while still connected to both relationships. */
  schedule: (a: CoupleAccess) =>
    a.side === 'therapist' &&
    a.first.therapistId === a.couple.therapistId &&
    a.second.therapistId === a.couple.therapistId &&
    a.first.mode === 'connected' &&
    a.second.mode === 'connected',
} satisfies Record<string, (a: CoupleAccess) => boolean>;

/** The actor's access to a couple with the ability, else 404. */
export async function coupleFor(
  db: Db,
  actor: SessionUser,
  id: string,
  ability: keyof typeof mayCouple,
): Promise<CoupleAccess> {
  if (!isId(id)) throw notFound();
  const [couple] = await db.select().from(couples).where(eq(couples.id, id)).limit(1);
  if (!couple) throw notFound();
  const rows = await db
    .select()
    .from(relationships)
    .where(inArray(relationships.id, [couple.firstRelationshipId, couple.secondRelationshipId]));
  const first = rows.find((r) => r.id === couple.firstRelationshipId);
  const second = rows.find((r) => r.id === couple.secondRelationshipId);
  if (!first || !second) throw notFound();
  const side = sideOf(actor, couple, first, second);
  if (!side) throw notFound();
  const access = { couple, side, first, second };
  if (!mayCouple[ability](access)) throw notFound();
  return access;
}

/** Whether the therapist may join this relationship: theirs, connected and not ended. */
export function joinable(actor: SessionUser, r: RelationshipRow | undefined): r is RelationshipRow {
  return (
    r !== undefined && actor.role === 'therapist' && isMember(actor, r) && r.status === 'active'
  );
}
