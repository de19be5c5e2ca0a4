import type { goodMoments } from '../db/schema.ts';

/** What leaves the server about a good moment, field by field. */
export function presentGoodMoment(g: typeof goodMoments.$inferSelect) {
  return {
    id: g.id,
    relationshipId: g.relationshipId,
    at: g.at.toISOString(),
    text: g.text,
    createdAt: g.createdAt.toISOString(),
  };
}
