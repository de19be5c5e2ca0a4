import type { Patterns, RepairKind, RuptureKind, RuptureStatus } from '@attune/core/patterns';
import { type QueryClient, useQuery } from '@tanstack/react-query';
import { request } from './client';
import type { MarkerKind } from './relationships';

/** Ruptures, repair steps and patterns (API.md: Ruptures and repair). */

// The kinds, statuses and the patterns' shape are core's, the same lists the server checks.
export {
  type Observation,
  type Patterns,
  REPAIR_KINDS,
  type RepairKind,
  RUPTURE_KINDS,
  RUPTURE_STATUSES,
  type RuptureKind,
  type RuptureStatus,
} from '@attune/core/patterns';
export type Visibility = 'private' | 'shared';

export type Repair = {
  id: string;
  ruptureId: string;
  at: string;
  kind: RepairKind;
  by: 'client' | 'therapist';
  note: string | null;
  feltHeard: number | null;
  defensiveness: number | null;
  writtenBy: 'client' | 'therapist';
  createdAt: string;
};

export type Rupture = {
  id: string;
  relationshipId: string;
  title: string;
  occurredAt: string;
  whatHappened: string;
  myExperience: string | null;
  theirSide: string | null;
  echoes: string | null;
  needs: string | null;
  kind: RuptureKind | null;
  intensity: number;
  status: RuptureStatus;
  visibility: Visibility;
  reflection: string | null;
  /** Only in the client's own view. */
  parts?: { id: string; name: string }[];
  markerKind: MarkerKind | null;
  appointmentId: string | null;
  sharedAt: string | null;
  repairedAt: string | null;
  createdAt: string;
  updatedAt: string;
  repairs: Repair[];
};

export type RuptureInput = {
  title: string;
  occurredAt: string;
  whatHappened: string;
  myExperience?: string | null;
  theirSide?: string | null;
  echoes?: string | null;
  needs?: string | null;
  kind?: RuptureKind | null;
  intensity: number;
  partIds?: string[];
  visibility?: Visibility;
  markerKind?: MarkerKind;
  appointmentId?: string;
};

export type RuptureChanges = Partial<Omit<RuptureInput, 'markerKind' | 'appointmentId'>> & {
  status?: RuptureStatus;
  reflection?: string | null;
};

export type RepairInput = {
  at: string;
  kind: RepairKind;
  by: 'client' | 'therapist';
  note?: string | null;
  feltHeard?: number | null;
  defensiveness?: number | null;
};

const enc = encodeURIComponent;

export const ruptureKeys = {
  list: (relationshipId: string) => ['ruptures', relationshipId] as const,
  one: (id: string) => ['rupture', id] as const,
  patterns: (relationshipId: string) => ['patterns', relationshipId] as const,
  preview: (id: string) => ['rupture-preview', id] as const,
};

export function useRuptures(relationshipId: string) {
  return useQuery({
    queryKey: ruptureKeys.list(relationshipId),
    queryFn: async () =>
      (
        await request<{ items: Rupture[] }>(
          'GET',
          `/api/relationships/${enc(relationshipId)}/ruptures`,
        )
      ).items,
  });
}

export function useRupture(id: string) {
  return useQuery({
    enabled: id !== '',
    queryKey: ruptureKeys.one(id),
    queryFn: async () =>
      (await request<{ rupture: Rupture }>('GET', `/api/ruptures/${enc(id)}`)).rupture,
  });
}

/** The record exactly as the therapist would see it once shared. */
export function useRupturePreview(id: string, enabled = true) {
  return useQuery({
    queryKey: ruptureKeys.preview(id),
    queryFn: async () =>
      (await request<{ rupture: Rupture }>('GET', `/api/ruptures/${enc(id)}/preview`)).rupture,
    enabled,
    gcTime: 0,
  });
}

/** Every rule of the panel in its words, whether it applies or not. */
export type PatternRules = {
  strengths: { id: string; rule: string }[];
  redFlags: { id: string; rule: string }[];
};

export function usePatterns(relationshipId: string) {
  return useQuery({
    queryKey: ruptureKeys.patterns(relationshipId),
    queryFn: () =>
      request<{ patterns: Patterns; rules: PatternRules }>(
        'GET',
        `/api/relationships/${enc(relationshipId)}/patterns`,
      ),
  });
}

/** After a change to a rupture, everything that shows ruptures is fetched again. */
export function refreshRuptures(queryClient: QueryClient, relationshipId: string): Promise<void> {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: ruptureKeys.list(relationshipId) }),
    queryClient.invalidateQueries({ queryKey: ruptureKeys.patterns(relationshipId) }),
    queryClient.invalidateQueries({ queryKey: ['rupture'] }),
    queryClient.invalidateQueries({ queryKey: ['rupture-preview'] }),
    queryClient.invalidateQueries({ queryKey: ['agenda', relationshipId] }),
  ]).then(() => undefined);
}

export async function createRupture(relationshipId: string, input: RuptureInput): Promise<Rupture> {
  const { rupture } = await request<{ rupture: Rupture }>(
    'POST',
    `/api/relationships/${enc(relationshipId)}/ruptures`,
    input,
  );
  return rupture;
}

export async function updateRupture(id: string, changes: RuptureChanges): Promise<Rupture> {
  const { rupture } = await request<{ rupture: Rupture }>(
    'PATCH',
    `/api/ruptures/${enc(id)}`,
    changes,
  );
  return rupture;
}

export async function deleteRupture(id: string): Promise<void> {
  await request<void>('DELETE', `/api/ruptures/${enc(id)}`, {});
}

export async function addRepair(ruptureId: string, input: RepairInput): Promise<Repair> {
  const { repair } = await request<{ repair: Repair }>(
    'POST',
    `/api/ruptures/${enc(ruptureId)}/repairs`,
    input,
  );
  return repair;
}

export async function updateRepair(
  id: string,
  changes: { note?: string | null; feltHeard?: number | null; defensiveness?: number | null },
): Promise<Repair> {
  const { repair } = await request<{ repair: Repair }>('PATCH', `/api/repairs/${enc(id)}`, changes);
  return repair;
}

export async function deleteRepair(id: string): Promise<void> {
  await request<void>('DELETE', `/api/repairs/${enc(id)}`, {});
}
