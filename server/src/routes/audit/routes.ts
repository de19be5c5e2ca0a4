import { and, desc, eq, ne, sql } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { auditEvents, users } from '../../db/schema.ts';
import { invalidInput } from '../../errors.ts';
import { requireUser, signedIn } from '../../plugins/auth.ts';
import { isId } from '../../policies/relationship.ts';
import { presentAuditEvent } from '../../presenters/audit.ts';
import type { Services } from '../../services.ts';
import { AuditList, ListAuditQuery } from './schema.ts';

const DEFAULT_LIMIT = 50;
/** The subject type of sign-in events and account changes (services/audit.ts). */
const ACCOUNT = 'account';
/** A moment in UTC to the microsecond, as PostgreSQL keeps it, so a page never skips a row. */
const MOMENT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

type Position = { at: string; id: string };

/** A page position: the time (to the microsecond) and id of the oldest event already shown. */
function encodeCursor(position: Position): string {
  return Buffer.from(`${position.at}|${position.id}`).toString('base64url');
}

function decodeCursor(cursor: string): Position {
  const [at, id, extra] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!at || !id || extra !== undefined || !MOMENT.test(at) || !isId(id)) {
    throw invalidInput({ cursor: 'This page link is not valid. Please start from the latest.' });
  }
  return { at, id };
}

export const auditRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const { db } = services;

  app.get(
    '/api/me/audit',
    {
      onRequest: signedIn,
      schema: {
        tags: ['privacy'],
        querystring: ListAuditQuery,
        description:
          'Who read or changed the caller’s data, and the caller’s sign-in events (subjectType `account`), newest first: the latest `limit` events (default 50, at most 200). `kind=records` lists only reads and changes by others, `kind=account` only sign-in events. `nextCursor` (null at the end) fetches the events before these. Only events whose subject is the caller are ever listed.',
        response: { 200: AuditList },
      },
    },
    async (request) => {
      const me = requireUser(request);
      const limit = request.query.limit ?? DEFAULT_LIMIT;
      const before = request.query.cursor ? decodeCursor(request.query.cursor) : undefined;
      const rows = await db
        .select({
          event: auditEvents,
          position: sql<string>`to_char(${auditEvents.at} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
          actorId: users.id,
          actorName: users.displayName,
          actorRole: users.role,
        })
        .from(auditEvents)
        .leftJoin(users, eq(users.id, auditEvents.actorId))
        .where(
          and(
            eq(auditEvents.subjectUserId, me.id),
            request.query.kind === 'account'
              ? eq(auditEvents.subjectType, ACCOUNT)
              : request.query.kind === 'records'
                ? ne(auditEvents.subjectType, ACCOUNT)
                : undefined,
            before
              ? sql`(${auditEvents.at}, ${auditEvents.id}) < (${before.at}::timestamptz, ${before.id}::uuid)`
              : undefined,
          ),
        )
        .orderBy(desc(auditEvents.at), desc(auditEvents.id))
        .limit(limit + 1);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map((row) =>
          presentAuditEvent(
            row.event,
            row.actorId && row.actorName && row.actorRole
              ? { id: row.actorId, displayName: row.actorName, role: row.actorRole }
              : null,
          ),
        ),
        nextCursor:
          rows.length > limit && last
            ? encodeCursor({ at: last.position, id: last.event.id })
            : null,
      };
    },
  );
};
