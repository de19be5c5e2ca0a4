import { type QueryClient, useQuery } from '@tanstack/react-query';
import { request } from './client';

/**
 * Good moments and the agenda (API.md: Ruptures and repair). Both are the client's own: the
 * therapist never sees them, connected or not.
 */

export type GoodMoment = {
  id: string;
  relationshipId: string;
  /** When it happened. */
  at: string;
  text: string;
  createdAt: string;
};

export type AgendaItem = {
  id: string;
  relationshipId: string;
  text: string;
  ruptureId: string | null;
  done: boolean;
  doneAt: string | null;
  createdAt: string;
  updatedAt: string;
};

/** Something still open that could be brought to the next session, e.g. a rupture record. */
export type AgendaSuggestion = { ruptureId: string; title: string; text: string };

export type Agenda = { items: AgendaItem[]; suggestions: AgendaSuggestion[] };

const enc = encodeURIComponent;

export const momentKeys = {
  goodMoments: (relationshipId: string) => ['good-moments', relationshipId] as const,
  // The same key ruptures.ts refreshes when a rupture changes (its suggestions follow ruptures).
  agenda: (relationshipId: string) => ['agenda', relationshipId] as const,
};

/** Newest first. */
export function useGoodMoments(relationshipId: string) {
  return useQuery({
    queryKey: momentKeys.goodMoments(relationshipId),
    queryFn: async () =>
      (
        await request<{ items: GoodMoment[] }>(
          'GET',
          `/api/relationships/${enc(relationshipId)}/good-moments`,
        )
      ).items,
  });
}

export function useAgenda(relationshipId: string, enabled = true) {
  return useQuery({
    queryKey: momentKeys.agenda(relationshipId),
    queryFn: () => request<Agenda>('GET', `/api/relationships/${enc(relationshipId)}/agenda`),
    enabled,
  });
}

export function refreshGoodMoments(queryClient: QueryClient, relationshipId: string) {
  return queryClient.invalidateQueries({ queryKey: momentKeys.goodMoments(relationshipId) });
}

export function refreshAgenda(queryClient: QueryClient, relationshipId: string) {
  return queryClient.invalidateQueries({ queryKey: momentKeys.agenda(relationshipId) });
}

export async function createGoodMoment(
  relationshipId: string,
  input: { at: string; text: string },
): Promise<GoodMoment> {
  const { goodMoment } = await request<{ goodMoment: GoodMoment }>(
    'POST',
    `/api/relationships/${enc(relationshipId)}/good-moments`,
    input,
  );
  return goodMoment;
}

export async function updateGoodMoment(
  id: string,
  changes: { at?: string; text?: string },
): Promise<GoodMoment> {
  const { goodMoment } = await request<{ goodMoment: GoodMoment }>(
    'PATCH',
    `/api/good-moments/${enc(id)}`,
    changes,
  );
  return goodMoment;
}

export async function deleteGoodMoment(id: string): Promise<void> {
  await request<void>('DELETE', `/api/good-moments/${enc(id)}`, {});
}

export async function createAgendaItem(
  relationshipId: string,
  input: { text: string; ruptureId?: string | null; done?: boolean },
): Promise<AgendaItem> {
  const { item } = await request<{ item: AgendaItem }>(
    'POST',
    `/api/relationships/${enc(relationshipId)}/agenda`,
    input,
  );
  return item;
}

export async function updateAgendaItem(
  id: string,
  changes: { text?: string; done?: boolean; ruptureId?: string | null },
): Promise<AgendaItem> {
  const { item } = await request<{ item: AgendaItem }>(
    'PATCH',
    `/api/agenda-items/${enc(id)}`,
    changes,
  );
  return item;
}

export async function deleteAgendaItem(id: string): Promise<void> {
  await request<void>('DELETE', `/api/agenda-items/${enc(id)}`, {});
}
