import { eq, type SQL } from 'drizzle-orm';
import { ruptures } from '../db/schema.ts';
import type { Membership } from './relationship.ts';

/**
 * Who may do what with rupture records. They are the client's: private until the client shares
 * one. The connected therapist sees shared records only, never changes the client's words, and
 * may add repair steps to a shared record. Anything else is 404.
 */

export type RuptureRow = typeof ruptures.$inferSelect;

/** The predicate a list of ruptures carries for this member. */
export function visibleRuptures(m: Membership): SQL | undefined {
  return m.role === 'client' ? undefined : eq(ruptures.visibility, 'shared');
}

export function canSeeRupture(m: Membership, rupture: RuptureRow): boolean {
  return m.role === 'client' || rupture.visibility === 'shared';
}

/** Only the client writes or changes the record itself. */
export function canEditRupture(m: Membership, _rupture: RuptureRow): boolean {
  return m.role === 'client';
}

/** The client always; the therapist on a shared record. */
export function canAddRepair(m: Membership, rupture: RuptureRow): boolean {
  return canSeeRupture(m, rupture);
}

/** The client's answers ("did I feel heard?", "was my therapist defensive?") are the client's. */
export function canRateRepair(m: Membership): boolean {
  return m.role === 'client';
}

/** A step's note can be changed, and the step removed, by whoever wrote it down. */
export function canChangeRepair(m: Membership, repair: { authorRole: 'client' | 'therapist' }) {
  return repair.authorRole === m.role;
}
