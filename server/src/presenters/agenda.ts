import type { agendaItems, ruptures } from '../db/schema.ts';

/** What leaves the server about an agenda item, field by field. */
export function presentAgendaItem(a: typeof agendaItems.$inferSelect) {
  return {
    id: a.id,
    relationshipId: a.relationshipId,
    text: a.text,
    ruptureId: a.ruptureId,
    done: a.done,
    doneAt: a.doneAt ? a.doneAt.toISOString() : null,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}

/** A suggestion to bring a rupture that is still open (or being repaired) to the next session. */
export function presentRuptureSuggestion(r: Pick<typeof ruptures.$inferSelect, 'id' | 'title'>) {
  return { ruptureId: r.id, title: r.title, text: `Talk about "${r.title}"` };
}
