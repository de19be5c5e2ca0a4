import { type QueryClient, useQuery } from '@tanstack/react-query';
import { request } from './client';

/** A client's named parts: optional, for people who work with parts. */

export type Part = {
  id: string;
  name: string;
  description: string | null;
  createdAt: string;
  updatedAt: string;
  /** How many of the person's rupture records name this part. */
  ruptureCount: number;
};

export const partKeys = { all: ['parts'] as const };

export function useParts(enabled = true) {
  return useQuery({
    queryKey: partKeys.all,
    queryFn: async () => (await request<{ items: Part[] }>('GET', '/api/parts')).items,
    enabled,
  });
}

export function refreshParts(queryClient: QueryClient): Promise<void> {
  return queryClient.invalidateQueries({ queryKey: partKeys.all });
}

export async function createPart(input: { name: string; description?: string | null }) {
  return (await request<{ part: Part }>('POST', '/api/parts', input)).part;
}

export async function updatePart(
  id: string,
  changes: { name?: string; description?: string | null },
) {
  return (await request<{ part: Part }>('PATCH', `/api/parts/${encodeURIComponent(id)}`, changes))
    .part;
}

export async function deletePart(id: string): Promise<void> {
  await request<void>('DELETE', `/api/parts/${encodeURIComponent(id)}`, {});
}
