import { and, eq, type SQL } from 'drizzle-orm';
import type { SessionUser } from '../auth/sessions.ts';
import type { Db } from '../db/client.ts';
import { relationships } from '../db/schema.ts';
import { notFound } from '../errors.ts';

/**
 * Who may do what with a relationship. Deny by default: a relationship the actor does not
 * belong to does not exist for them (404). A therapist belongs once connected.
 */

export type RelationshipRow = typeof relationships.$inferSelect;
export type Membership = {
  relationship: RelationshipRow;
  role: 'client' | 'therapist';
  actor: SessionUser;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids that are not even well-formed are simply not found. */
export function isId(id: string): boolean {
  return UUID.test(id);
}

/** The predicate every relationship query carries: the actor is its client or connected therapist. */
export function memberOf(actor: SessionUser): SQL {
  return actor.role === 'client'
    ? eq(relationships.clientId, actor.id)
    : (and(eq(relationships.therapistId, actor.id), eq(relationships.mode, 'connected')) as SQL);
}

/** Whether the actor belongs to the relationship: its client, or its connected therapist. */
export function isMember(actor: SessionUser, r: RelationshipRow): boolean {
  return actor.role === 'client'
    ? r.clientId === actor.id
    : r.therapistId === actor.id && r.mode === 'connected';
}

/** The actor's membership of a relationship, or 404. */
export async function membership(
  db: Db,
  actor: SessionUser,
  relationshipId: string,
): Promise<Membership> {
  if (!isId(relationshipId)) throw notFound();
  const [relationship] = await db
    .select()
    .from(relationships)
    .where(and(eq(relationships.id, relationshipId), memberOf(actor)))
    .limit(1);
  if (!relationship) throw notFound();
  return { relationship, role: actor.role, actor };
}

/** The abilities, as data: each takes a membership and says yes or no. */
export const may = {
  read: (_m: Membership) => true,
  update: (m: Membership) => m.role === 'client',
  invite: (m: Membership) =>
    m.role === 'client' && m.relationship.mode === 'solo' && m.relationship.status === 'active',
  addAppointment: (_m: Membership) => true,
  checkIn: (_m: Membership) => true,
} satisfies Record<string, (m: Membership) => boolean>;

/** Throws 404 unless the membership allows the ability (not yours → not found, never 403). */
export function authorize(m: Membership, ability: keyof typeof may): Membership {
  if (!may[ability](m)) throw notFound();
  return m;
}
