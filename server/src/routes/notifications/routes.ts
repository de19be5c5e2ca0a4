import { randomUUID } from 'node:crypto';
import type { OutgoingHttpHeaders } from 'node:http';
import { and, count, desc, eq, inArray, isNull, notInArray, type SQL } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { notifications } from '../../db/schema.ts';
import { hiddenInApp, loadSettings, saveSettings } from '../../notifications/settings.ts';
import type { NotificationSystem } from '../../notifications/system.ts';
import { requireUser, signedIn } from '../../plugins/auth.ts';
import type { Services } from '../../services.ts';
import {
  NoContent,
  NotificationList,
  NotificationQuery,
  SeenBody,
  SettingsBody,
  SettingsResponse,
} from './schema.ts';

/**
 * The person's own notices: the live stream of events, the list with its unseen count, marking
 * seen, and which notifications they want. Everything here is about the signed-in person only.
 */

const LIST_LIMIT = 50;

export const notificationRoutes: FastifyPluginAsyncZod<{
  services: Services;
  system: NotificationSystem;
}> = async (app, { services, system }) => {
  const { db, notifier } = services;
  const tags = ['notifications'];

  app.get(
    '/api/events',
    {
      onRequest: signedIn,
      schema: {
        tags,
        description:
          'Server-sent events (text/event-stream): `ready` on connect, `notice` with {id, kind, relationshipId, subjectId, at} (ids only, never text), `resync` when events may have been missed. Fetch afresh on `ready` and `resync`.',
      },
    },
    (request, reply) => {
      const auth = request.auth;
      if (!auth) return;
      reply.hijack();
      // Hijacked, the reply's own headers (the security plugin's lock-down headers) are not
      // sent by Fastify: they go with the stream's head.
      reply.raw.writeHead(200, {
        ...(reply.getHeaders() as OutgoingHttpHeaders),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        // Proxies (nginx) must pass events on as they come.
        'x-accel-buffering': 'no',
      });
      system.live.open(auth.user.id, auth.sessionId, reply.raw);
    },
  );

  app.get(
    '/api/notifications',
    {
      onRequest: signedIn,
      schema: { tags, querystring: NotificationQuery, response: { 200: NotificationList } },
    },
    async (request) => {
      const user = requireUser(request);
      const hidden = hiddenInApp(await loadSettings(db, user.id));
      const mine = and(
        eq(notifications.userId, user.id),
        hidden.length > 0 ? notInArray(notifications.kind, hidden) : undefined,
        request.query.relationshipId
          ? eq(notifications.relationshipId, request.query.relationshipId)
          : undefined,
      ) as SQL;
      const [rows, [unseen]] = await Promise.all([
        db
          .select()
          .from(notifications)
          .where(mine)
          .orderBy(desc(notifications.createdAt), desc(notifications.id))
          .limit(LIST_LIMIT),
        db
          .select({ n: count() })
          .from(notifications)
          .where(and(mine, isNull(notifications.seenAt))),
      ]);
      return {
        items: rows.map((row) => ({
          id: row.id,
          relationshipId: row.relationshipId,
          kind: row.kind,
          subjectId: row.subjectId,
          createdAt: row.createdAt.toISOString(),
          seenAt: row.seenAt?.toISOString() ?? null,
        })),
        unseen: unseen?.n ?? 0,
      };
    },
  );

  app.post(
    '/api/notifications/seen',
    { onRequest: signedIn, schema: { tags, body: SeenBody, response: { 204: NoContent } } },
    async (request, reply) => {
      const user = requireUser(request);
      const { ids, relationshipId } = request.body ?? {};
      const marked = await db
        .update(notifications)
        .set({ seenAt: new Date() })
        .where(
          and(
            eq(notifications.userId, user.id),
            isNull(notifications.seenAt),
            ids ? inArray(notifications.id, ids) : undefined,
            relationshipId ? eq(notifications.relationshipId, relationshipId) : undefined,
          ),
        )
        .returning({ id: notifications.id });
      if (marked.length > 0) {
        // The person's other pages update their badges.
        await notifier.publish({
          id: randomUUID(),
          userId: user.id,
          relationshipId: relationshipId ?? null,
          kind: 'notifications-seen',
          subjectId: null,
          at: new Date().toISOString(),
        });
      }
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/me/notification-settings',
    { onRequest: signedIn, schema: { tags, response: { 200: SettingsResponse } } },
    async (request) => ({ settings: await loadSettings(db, requireUser(request).id) }),
  );

  app.put(
    '/api/me/notification-settings',
    {
      onRequest: signedIn,
      schema: { tags, body: SettingsBody, response: { 200: SettingsResponse } },
    },
    async (request) => ({
      settings: await saveSettings(db, requireUser(request).id, request.body.settings),
    }),
  );
};
