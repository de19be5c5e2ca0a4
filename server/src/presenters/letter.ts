import type { letters } from '../db/schema.ts';

export type LetterRow = typeof letters.$inferSelect;

/** A letter on the wire, field by field: a new column never leaks by accident. */
export function presentLetter(l: LetterRow) {
  return {
    id: l.id,
    relationshipId: l.relationshipId,
    ruptureId: l.ruptureId,
    title: l.title,
    body: l.body,
    revision: l.revision,
    sentAt: l.sentAt ? l.sentAt.toISOString() : null,
    createdAt: l.createdAt.toISOString(),
    updatedAt: l.updatedAt.toISOString(),
  };
}
