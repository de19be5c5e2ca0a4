import { ApiError } from './client';

/**
 * The person's own data, to take with them. The server streams the JSON as it reads it, so its
 * size is not known in advance: this reads it piece by piece and says how much has arrived.
 */

export const EXPORT_URL = '/api/me/export';
export const CHECKINS_CSV_URL = '/api/me/export/checkins.csv';

export type ExportFile = { blob: Blob; filename: string };

const NETWORK_MESSAGE =
  "We couldn't reach Attune just now. Check your connection and try again in a moment.";
const INCOMPLETE_MESSAGE =
  'The file stopped arriving before it was complete. Please try again in a moment.';

/** "840 bytes", "12 KB", "1.2 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  if (bytes < 1_000_000) return `${Math.round(bytes / 1000)} KB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

function filenameOf(response: Response): string {
  const header = response.headers.get('Content-Disposition') ?? '';
  const match = /filename="([^"]+)"/.exec(header);
  return match?.[1] ?? `attune-export-${new Date().toISOString().slice(0, 10)}.json`;
}

async function errorOf(response: Response): Promise<ApiError> {
  try {
    const data = (await response.json()) as { error?: { code?: string; message?: string } };
    if (data.error?.code && data.error.message) {
      return new ApiError(response.status, data.error.code, data.error.message);
    }
  } catch {
    // Not JSON: fall through to a plain message.
  }
  return new ApiError(
    response.status,
    'unknown',
    'Something went wrong on our side. Please try again in a moment.',
  );
}

/**
 * Fetches the whole export, calling `onProgress` with the bytes received so far. Rejects with
 * an ApiError (status 0 for the network, or an abort when `signal` fires).
 */
export async function fetchExport(
  onProgress: (bytes: number) => void,
  signal?: AbortSignal,
): Promise<ExportFile> {
  let response: Response;
  try {
    response = await fetch(EXPORT_URL, {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError(0, 'network', NETWORK_MESSAGE);
  }
  if (!response.ok) throw await errorOf(response);

  const parts: Uint8Array<ArrayBuffer>[] = [];
  let received = 0;
  onProgress(0);
  try {
    if (response.body) {
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value);
        received += value.byteLength;
        onProgress(received);
      }
    } else {
      const whole = new Uint8Array(await response.arrayBuffer());
      parts.push(whole);
      received = whole.byteLength;
      onProgress(received);
    }
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError(0, 'incomplete', INCOMPLETE_MESSAGE);
  }

  const blob = new Blob(parts, { type: 'application/json' });
  // A complete export is one JSON object: it ends with "}" (and a line break).
  const tail = (await blob.slice(Math.max(0, blob.size - 16)).text()).trimEnd();
  if (!tail.endsWith('}')) throw new ApiError(0, 'incomplete', INCOMPLETE_MESSAGE);
  return { blob, filename: filenameOf(response) };
}
