import type { parts } from '../db/schema.ts';

/** What leaves the server about a part, field by field; a new column never leaks by accident. */
export function presentPart(p: typeof parts.$inferSelect, ruptureCount: number) {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
    ruptureCount,
  };
}
