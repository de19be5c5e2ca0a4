import { createHash, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import { desc } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { emailOutbox } from '../../db/schema.ts';
import { EnvError } from '../../env.ts';
import { AppError, notFound } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { OutboxList, OutboxQuery } from './schema.ts';

/**
 * The instance operator's view of the email outbox: `GET /api/operator/outbox?limit=50` with
 * `Authorization: Bearer <token>`, the token being the contents of ATTUNE_OPERATOR_TOKEN_FILE.
 * Without that file the route does not exist (404). Emails hold no clinical text by design
 * (notifications/emails.ts), which is what makes this view safe to offer.
 */

const MIN_TOKEN_LENGTH = 24;

/** The token in the file, or undefined when there is no file; a file too short is refused. */
export function loadOperatorToken(file: string | undefined): string | undefined {
  if (!file) return undefined;
  let token: string;
  try {
    token = fs.readFileSync(file, 'utf8').trim();
  } catch {
    throw new EnvError(`ATTUNE_OPERATOR_TOKEN_FILE: cannot read ${file}`);
  }
  if (token.length < MIN_TOKEN_LENGTH) {
    throw new EnvError(
      `ATTUNE_OPERATOR_TOKEN_FILE: the token must be at least ${MIN_TOKEN_LENGTH} characters (try: openssl rand -hex 32)`,
    );
  }
  return token;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

function presented(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

export const outboxRoutes: FastifyPluginAsyncZod<{
  services: Services;
  /** From loadOperatorToken; undefined: the route answers 404. */
  token: string | undefined;
}> = async (app, { services, token }) => {
  const expected = token === undefined ? undefined : digest(token);

  app.get(
    '/api/operator/outbox',
    {
      config: { rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: {
        tags: ['operator'],
        querystring: OutboxQuery,
        response: { 200: OutboxList },
      },
    },
    async (request) => {
      if (!expected) throw notFound();
      const given = presented(request);
      if (!given || !timingSafeEqual(digest(given), expected)) {
        throw new AppError(
          401,
          'operator_token_required',
          'This is for the instance operator: send the token from ATTUNE_OPERATOR_TOKEN_FILE as a Bearer token.',
          { headers: { 'www-authenticate': 'Bearer' } },
        );
      }
      const rows = await services.db
        .select()
        .from(emailOutbox)
        .orderBy(desc(emailOutbox.createdAt), desc(emailOutbox.id))
        .limit(request.query.limit);
      return {
        items: rows.map((row) => ({
          id: row.id,
          toAddress: row.toAddress,
          subject: row.subject,
          text: row.text,
          status: row.status,
          createdAt: row.createdAt.toISOString(),
          sentAt: row.sentAt?.toISOString() ?? null,
          error: row.error,
        })),
      };
    },
  );
};
