/** A field path (e.g. "password") mapped to what is wrong with it, as the server says it. */
export type FieldErrors = Record<string, string>;

type ErrorBody = {
  error: { code: string; message: string; fields?: FieldErrors };
};

const NETWORK_MESSAGE =
  "We couldn't reach Attune just now. Check your connection and try again in a moment.";
const SERVER_MESSAGE = 'Something went wrong on our side. Please try again in a moment.';

/** An answer from the API that was not a success, in a shape the screens can show. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: FieldErrors;
  /** Seconds to wait, from a 429's Retry-After header, when the server gave one. */
  readonly retryAfterSeconds: number | null;

  constructor(
    status: number,
    code: string,
    message: string,
    fields: FieldErrors = {},
    retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = (value as { error: unknown }).error;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

function parseRetryAfter(header: string | null): number | null {
  if (header === null) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, Math.round((date - Date.now()) / 1000));
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

let signedOutHandler: (() => void) | null = null;

/**
 * What to do when the server says nobody is signed in (the session ended or was revoked):
 * main.tsx sends the person to sign in. Sign-in itself and `/api/me` answer 401 as part of
 * their normal work, so they do not trigger it.
 */
export function onSignedOut(handler: () => void): void {
  signedOutHandler = handler;
}

function endsTheSession(path: string): boolean {
  return path !== '/api/me' && !path.startsWith('/api/auth/');
}

/**
 * Calls the Attune API. State-changing requests always carry a JSON body (`{}` when there is
 * nothing to send), because the server refuses them otherwise.
 */
export async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = {
    method,
    credentials: 'same-origin',
    headers: { Accept: 'application/json' },
  };
  if (method !== 'GET') {
    init.headers = { Accept: 'application/json', 'Content-Type': 'application/json' };
    init.body = JSON.stringify(body ?? {});
  }

  let response: Response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'network', NETWORK_MESSAGE);
  }

  const data = await readJson(response);
  if (response.ok) return data as T;
  if (response.status === 401 && endsTheSession(path)) signedOutHandler?.();

  const retryAfter = parseRetryAfter(response.headers.get('Retry-After'));
  if (isErrorBody(data)) {
    const { code, message, fields } = data.error;
    throw new ApiError(response.status, code, message, fields ?? {}, retryAfter);
  }
  const message = response.status >= 500 ? SERVER_MESSAGE : NETWORK_MESSAGE;
  throw new ApiError(response.status, 'unknown', message, {}, retryAfter);
}
