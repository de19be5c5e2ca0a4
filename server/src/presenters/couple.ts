import type { couples } from '../db/schema.ts';

/**
 * What leaves the server of a couple. The therapist sees both relationships; a partner sees
 * only their own relationship and the other's name (they agreed to meet together), never the
 * other's relationship or anything in it.
 */

type CoupleRow = typeof couples.$inferSelect;

export function presentCoupleForTherapist(c: CoupleRow) {
  return {
    id: c.id,
    relationshipIds: [c.firstRelationshipId, c.secondRelationshipId],
    consented: {
      [c.firstRelationshipId]: c.firstConsentedAt !== null,
      [c.secondRelationshipId]: c.secondConsentedAt !== null,
    },
    active: c.endedAt === null,
  };
}

export function presentCoupleForPartner(
  c: CoupleRow,
  side: 'first' | 'second',
  partnerName: string,
) {
  return {
    id: c.id,
    relationshipId: side === 'first' ? c.firstRelationshipId : c.secondRelationshipId,
    partnerName,
    consentedByMe: (side === 'first' ? c.firstConsentedAt : c.secondConsentedAt) !== null,
    active: c.endedAt === null,
  };
}
