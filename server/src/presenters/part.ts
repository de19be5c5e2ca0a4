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

/** The order of part names in lists: by their lower case, then as written (what was SQL's). */
export function compareNames(a: string, b: string): number {
  const lowerA = a.toLowerCase();
  const lowerB = b.toLowerCase();
  if (lowerA !== lowerB) return lowerA < lowerB ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
