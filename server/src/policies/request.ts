import { eq } from 'drizzle-orm';
import type { SessionUser } from '../auth/sessions.ts';
import type { Db } from '../db/client.ts';
import { appointmentRequests } from '../db/schema.ts';
import { notFound } from '../errors.ts';
import { isId, type Membership, membership } from './relationship.ts';

/**
 * Who may do what with an appointment request. Both members see it; the client asks and may
 * withdraw; the therapist answers. Anyone else, or a member without the ability: 404.
 */

export type RequestRow = typeof appointmentRequests.$inferSelect;

export const mayRequest = {
  /** Only a client with a therapist to answer can ask. */
  ask: (m: Membership) => m.role === 'client' && m.relationship.mode === 'connected',
  answer: (m: Membership) => m.role === 'therapist',
  withdraw: (m: Membership) => m.role === 'client',
  /** Open times are the therapist's; their connected clients may look at them. */
  seeOpenTimes: (m: Membership) => m.role === 'client' && m.relationship.mode === 'connected',
} satisfies Record<string, (m: Membership) => boolean>;

/** Throws 404 unless the membership allows the ability. */
export function authorizeRequest(m: Membership, ability: keyof typeof mayRequest): Membership {
  if (!mayRequest[ability](m)) throw notFound();
  return m;
}

/** A request of a relationship the actor belongs to, with that membership; else 404. */
export async function requestFor(
  db: Db,
  actor: SessionUser,
  id: string,
): Promise<{ m: Membership; request: RequestRow }> {
  if (!isId(id)) throw notFound();
  const [request] = await db
    .select()
    .from(appointmentRequests)
    .where(eq(appointmentRequests.id, id))
    .limit(1);
  if (!request) throw notFound();
  const m = await membership(db, actor, request.relationshipId);
  return { m, request };
}
