import { eq, or, type SQL } from 'drizzle-orm';
import { checkins } from '../db/schema.ts';
import type { Membership } from './relationship.ts';

/**
 * Which check-ins a member may see: the client sees all of the relationship's; the therapist
 * sees their own and the client's shared ones — never one the client kept private.
 */
export function visibleCheckins(m: Membership): SQL | undefined {
  return m.role === 'client'
    ? undefined
    : (or(eq(checkins.respondent, 'therapist'), eq(checkins.shared, true)) as SQL);
}

export type CheckinRow = typeof checkins.$inferSelect;

export function canSeeCheckin(m: Membership, checkin: CheckinRow): boolean {
  return m.role === 'client' || checkin.respondent === 'therapist' || checkin.shared;
}

/** Only the respondent may change their own check-in. */
export function canEditCheckin(m: Membership, checkin: CheckinRow): boolean {
  return checkin.respondent === m.role;
}
