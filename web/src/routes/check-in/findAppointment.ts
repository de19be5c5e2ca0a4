import type { QueryClient } from '@tanstack/react-query';
import { ApiError } from '../../api/client';
import {
  fetchPage,
  fetchRelationships,
  keys,
  type RelationshipPage,
} from '../../api/relationships';

/**
 * The relationship an appointment belongs to. The API has no route for one appointment, so the
 * link carries the relationship (`?relationship=`); without it (an old or hand-typed link) the
 * person's relationships are looked through, newest first. Null when none has it.
 */
export async function findRelationshipOf(
  queryClient: QueryClient,
  appointmentId: string,
  hint: string | null,
): Promise<string | null> {
  const has = (page: RelationshipPage) => page.appointments.some((a) => a.id === appointmentId);
  const pageOf = (id: string) =>
    queryClient.fetchQuery({ queryKey: keys.page(id), queryFn: () => fetchPage(id) });

  if (hint) {
    try {
      if (has(await pageOf(hint))) return hint;
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
    }
  }
  const relationships = await queryClient.fetchQuery({
    queryKey: keys.relationships,
    queryFn: fetchRelationships,
  });
  for (const relationship of relationships) {
    if (relationship.id === hint) continue;
    if (has(await pageOf(relationship.id))) return relationship.id;
  }
  return null;
}
