import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

/**
 * The one catalogue of errors. Every error that leaves the server has the shape of API.md:
 * `{error: {code, message, fields?}}`; anything unknown becomes a plain 500 without internals.
 */

export type ErrorBody = {
  error: { code: string; message: string; fields?: Record<string, string> };
};

export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: Record<string, string> | undefined;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    code: string,
    message: string,
    options: { fields?: Record<string, string>; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = options.fields;
    this.headers = options.headers ?? {};
  }
}

export const invalidInput = (
  fields: Record<string, string>,
  message = 'Some fields need another look.',
) => new AppError(400, 'invalid_input', message, { fields });

export const notSignedIn = () => new AppError(401, 'not_signed_in', 'Please sign in to continue.');

export const notFound = () =>
  new AppError(
    404,
    'not_found',
    'We could not find that. It may have been removed, or the link is not quite right.',
  );

export const conflict = (code: string, message: string) => new AppError(409, code, message);

export const tooManyRequests = (retryAfterSeconds: number, message?: string) =>
  new AppError(
    429,
    'too_many_requests',
    message ?? `Too many tries. Please wait ${describeWait(retryAfterSeconds)} and try again.`,
    { headers: { 'retry-after': String(retryAfterSeconds) } },
  );

export const crossOrigin = () =>
  new AppError(403, 'cross_origin', 'This request came from another site, so it was refused.');

function describeWait(seconds: number): string {
  if (seconds <= 60) return 'a minute';
  return `${Math.ceil(seconds / 60)} minutes`;
}

/** Turns a zod issue list (via the type provider) into `{"path.to.field": "what is wrong"}`. */
function fieldsFromValidation(
  validation: {
    instancePath: string;
    message?: string;
    keyword: string;
    params: Record<string, unknown>;
  }[],
  context: string | undefined,
): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of validation) {
    const base = issue.instancePath.split('/').filter(Boolean).join('.');
    if (issue.keyword === 'unrecognized_keys' && Array.isArray(issue.params.keys)) {
      for (const key of issue.params.keys) {
        fields[base ? `${base}.${String(key)}` : String(key)] = 'This field is not accepted here.';
      }
      continue;
    }
    const key = base || context || 'body';
    fields[key] ??= humanize(issue);
  }
  return fields;
}

function humanize(issue: {
  message?: string;
  keyword: string;
  params: Record<string, unknown>;
}): string {
  if (issue.keyword === 'invalid_type' && issue.params.input === undefined)
    return 'This is required.';
  return issue.message ?? 'This value is not valid.';
}

type FastifyLikeError = FastifyError & { validationContext?: string };

export function errorHandler(
  error: FastifyLikeError,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  if (error instanceof AppError) {
    reply.headers(error.headers);
    return reply.status(error.status).send(body(error.code, error.message, error.fields));
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    return reply
      .status(400)
      .send(
        body(
          'invalid_input',
          'Some fields need another look.',
          fieldsFromValidation(error.validation, error.validationContext),
        ),
      );
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return reply
        .status(413)
        .send(body('too_large', 'That is more than we can take at once (1 MiB at most).'));
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return reply
        .status(415)
        .send(body('unsupported_media_type', 'Please send JSON (Content-Type: application/json).'));
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return reply.status(400).send(body('invalid_json', 'The request body is not valid JSON.'));
  }
  if (isUnstorableText(error)) {
    // A character PostgreSQL cannot keep (NUL, broken UTF-8) that a schema let through.
    return reply
      .status(400)
      .send(body('invalid_text', 'Some text has a character that cannot be saved.'));
  }
  if (error.statusCode === 429) {
    return reply
      .status(429)
      .send(body('too_many_requests', 'Too many requests. Please wait a little and try again.'));
  }
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    // Fastify's own client errors (bad JSON, bad URL…): say what happened, without internals.
    return reply
      .status(error.statusCode)
      .send(body('bad_request', 'The request could not be understood.'));
  }
  request.log.error({ err: loggableError(error) }, 'unhandled error');
  return reply
    .status(500)
    .send(body('internal', 'Something went wrong on our side. Please try again in a moment.'));
}

/** invalid_byte_sequence_for_encoding and untranslatable_character, wherever Drizzle put them. */
const UNSTORABLE = new Set(['22021', '22P05']);

function isUnstorableText(error: unknown): boolean {
  const e = error as { code?: unknown; cause?: { code?: unknown } };
  return UNSTORABLE.has(String(e?.code)) || UNSTORABLE.has(String(e?.cause?.code));
}

export function body(code: string, message: string, fields?: Record<string, string>): ErrorBody {
  return fields ? { error: { code, message, fields } } : { error: { code, message } };
}

/**
 * What of an unexpected error may be logged: its type, codes and stack frames — never its
 * message when it may carry values (database errors quote the query's parameters, and
 * PostgreSQL's detail quotes the row), so nothing a person wrote reaches the logs.
 */
export function loggableError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error };
  const cause = error.cause as
    | { code?: unknown; table?: unknown; constraint?: unknown; column?: unknown; routine?: unknown }
    | undefined;
  const query = (error as { query?: unknown }).query;
  const database = typeof query === 'string' || typeof cause?.code === 'string';
  const frames = (error.stack ?? '')
    .split('\n')
    .filter((line) => line.trimStart().startsWith('at '))
    .join('\n');
  return {
    type: error.name,
    code: (error as { code?: unknown }).code ?? cause?.code,
    ...(database
      ? {
          query: typeof query === 'string' ? query.slice(0, 2000) : undefined,
          table: cause?.table,
          constraint: cause?.constraint,
          column: cause?.column,
          routine: cause?.routine,
        }
      : { message: error.message.slice(0, 300) }),
    stack: frames,
  };
}
