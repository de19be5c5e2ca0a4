import { type QueryClient, useQuery } from '@tanstack/react-query';
import { ApiError, request } from './client';

/** Letters: long writing to the therapist, drafted privately (API.md: Ruptures and repair). */

export type Letter = {
  id: string;
  relationshipId: string;
  ruptureId: string | null;
  title: string;
  body: string;
  /** Rises by one with every saved change; sent back as `baseRevision`. */
  revision: number;
  sentAt: string | null;
  createdAt: string;
  updatedAt: string;
};

export type LetterInput = { title: string; body: string; ruptureId?: string | null };
export type LetterChanges = { title?: string; body?: string; ruptureId?: string | null };

/** The limits the server holds a letter to (server/src/routes/letters/schema.ts). */
export const TITLE_MAX = 200;
export const BODY_MAX = 100_000;

const enc = encodeURIComponent;

export const letterKeys = {
  list: (relationshipId: string) => ['letters', relationshipId] as const,
};

export function useLetters(relationshipId: string) {
  return useQuery({
    queryKey: letterKeys.list(relationshipId),
    queryFn: async () =>
      (
        await request<{ items: Letter[] }>(
          'GET',
          `/api/relationships/${enc(relationshipId)}/letters`,
        )
      ).items,
  });
}

/** After a letter is saved, the lists that show it are fetched again when next shown. */
export function refreshLetters(queryClient: QueryClient, relationshipId: string): Promise<void> {
  return queryClient.invalidateQueries({ queryKey: letterKeys.list(relationshipId) });
}

export async function fetchLetter(id: string): Promise<Letter> {
  return (await request<{ letter: Letter }>('GET', `/api/letters/${enc(id)}`)).letter;
}

export async function createLetter(relationshipId: string, input: LetterInput): Promise<Letter> {
  const { letter } = await request<{ letter: Letter }>(
    'POST',
    `/api/relationships/${enc(relationshipId)}/letters`,
    input,
  );
  return letter;
}

/**
 * The letter was saved from somewhere else (another tab or device) since `baseRevision`; it
 * carries the letter as it is now, so nothing has to be overwritten to show both.
 */
export class LetterChangedError extends ApiError {
  readonly current: Letter;

  constructor(message: string, current: Letter) {
    super(409, 'letter_changed', message);
    this.name = 'LetterChangedError';
    this.current = current;
  }
}

/**
 * Saves changes made on top of `baseRevision`. A save over a newer revision throws
 * LetterChangedError with the current letter (request() drops the 409's own copy of it, so it is
 * fetched again here).
 */
export async function updateLetter(
  id: string,
  changes: LetterChanges,
  baseRevision: number,
): Promise<Letter> {
  try {
    const { letter } = await request<{ letter: Letter }>('PATCH', `/api/letters/${enc(id)}`, {
      ...changes,
      baseRevision,
    });
    return letter;
  } catch (error) {
    if (error instanceof ApiError && error.status === 409 && error.code === 'letter_changed') {
      throw new LetterChangedError(error.message, await fetchLetter(id));
    }
    throw error;
  }
}

/** What a browser lets a request carry while the page closes (`keepalive`), with room to spare. */
const KEEPALIVE_LIMIT = 60_000;

/**
 * A last save as the page closes (pagehide): the browser finishes it even after the page is gone.
 * Nobody reads the answer, so nothing waits on it; returns false when the changes are too large
 * to send this way (the copy on the device covers them until the letter is next opened).
 */
export function saveLetterOnExit(
  id: string,
  changes: LetterChanges,
  baseRevision: number,
): boolean {
  const body = JSON.stringify({ ...changes, baseRevision });
  if (new TextEncoder().encode(body).length > KEEPALIVE_LIMIT) return false;
  try {
    void fetch(`/api/letters/${enc(id)}`, {
      method: 'PATCH',
      credentials: 'same-origin',
      keepalive: true,
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      body,
    }).catch(() => undefined);
    return true;
  } catch {
    return false;
  }
}

/** The address of a letter as a file, dated in the person's own time zone. */
export function letterExportUrl(id: string, format: 'md' | 'pdf'): string {
  const params = new URLSearchParams({ format });
  try {
    const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (timeZone) params.set('timeZone', timeZone);
  } catch {
    // The server writes the date in UTC then.
  }
  return `/api/letters/${enc(id)}/export?${params.toString()}`;
}
