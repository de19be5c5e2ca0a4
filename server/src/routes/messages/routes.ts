import { randomUUID } from 'node:crypto';
import { and, desc, eq, isNull, ne, sql } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { agreements, letters, messages, relationships } from '../../db/schema.ts';
import { conflict, invalidInput, notFound } from '../../errors.ts';
import type { NoticeKind } from '../../notifications/notifier.ts';
import { requireUser, signedIn } from '../../plugins/auth.ts';
import {
  asksForCall,
  checkCanSend,
  isOwnMessage,
  type MessageRow,
  mayLogCallBack,
  mayRequestCall,
  maySendLetter,
  messageFor,
  ownMessage,
  recipientOf,
} from '../../policies/message.ts';
import { isId, isMember, type Membership, membership } from '../../policies/relationship.ts';
import { presentMessage } from '../../presenters/message.ts';
import type { Services } from '../../services.ts';
import { EmptyBody, IdParams } from '../relationships/schema.ts';
import {
  AcknowledgeMessageBody,
  CallBackBody,
  ListMessagesQuery,
  MessageList,
  MessageResponse,
  SendMessageBody,
} from './schema.ts';

const HOUR = 3_600_000;
const DEFAULT_LIMIT = 50;
/** How far ahead a promised reply may be, and how much clock skew a logged call may have. */
const MAX_REPLY_BY_MS = 366 * 24 * HOUR;
const CLOCK_SKEW_MS = 5 * 60_000;

/** A page position: the sent time and id of the oldest message already shown. */
function encodeCursor(message: MessageRow): string {
  return Buffer.from(`${message.sentAt.toISOString()}|${message.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { sentAt: string; id: string } {
  const [sentAt, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!sentAt || !id || !isId(id) || Number.isNaN(Date.parse(sentAt))) {
    throw invalidInput({ cursor: 'This page link is not valid. Please start from the latest.' });
  }
  return { sentAt: new Date(sentAt).toISOString(), id };
}

function noticeKind(message: MessageRow): NoticeKind {
  if (message.kind === 'call-request') return 'call-request';
  return message.urgent ? 'urgent-message' : 'message';
}

export const messageRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const { db } = services;
  const tags = ['messages'];

  /** Tells the other member of a message's relationship, when there is one. */
  async function tell(
    m: Membership,
    message: MessageRow,
    to: 'sender' | 'recipient',
    kind: NoticeKind,
    live: 'notice' | 'event' = 'notice',
  ) {
    const senderRole = message.senderRole;
    const userId =
      to === 'recipient'
        ? recipientOf(m.relationship, senderRole)
        : recipientOf(m.relationship, senderRole === 'client' ? 'therapist' : 'client');
    if (!userId) return;
    const notice = { userId, relationshipId: m.relationship.id, kind, subjectId: message.id };
    if (live === 'notice') await services.notifier.notify(notice);
    else
      await services.notifier.publish({
        ...notice,
        id: randomUUID(),
        at: new Date().toISOString(),
      });
  }

  app.post(
    '/api/relationships/:id/messages',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        body: SendMessageBody,
        description:
          'Sends a message (201 `{message}`) in a connected, active relationship; solo: 409 `not_connected`, ended: 409 `relationship_ended`. `replyDueAt` is the sent time plus the reply time of the agreement in force (for messages from either member; the overdue-reply marker concerns the client’s). Every earlier message from the other member not yet replied to gets `repliedAt`. Extensions: `kind: "call-request"` (client only) asks to be called; `letterId` sends one of the client’s letters (its `sentAt` is set), with `body` as the text sent.',
        response: { 201: MessageResponse },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      const m = await membership(db, actor, request.params.id);
      checkCanSend(m.relationship);
      const body = request.body;
      const kind = body.kind ?? 'message';
      if (kind === 'call-request' && !mayRequestCall(m)) {
        throw invalidInput({ kind: 'Only the client can ask to be called.' });
      }
      if (body.letterId !== undefined && !maySendLetter(m)) {
        throw invalidInput({ letterId: 'Only the client sends letters.' });
      }
      const message = await db.transaction(async (tx) => {
        // Locked, so that a relationship ended meanwhile is seen and replies keep their order.
        const [locked] = await tx
          .select()
          .from(relationships)
          .where(eq(relationships.id, m.relationship.id))
          .for('update');
        if (!locked || !isMember(actor, locked)) throw notFound();
        checkCanSend(locked);
        if (body.letterId !== undefined) {
          const [letter] = isId(body.letterId)
            ? await tx
                .select({ id: letters.id })
                .from(letters)
                .where(and(eq(letters.id, body.letterId), eq(letters.relationshipId, locked.id)))
                .limit(1)
            : [];
          if (!letter) {
            throw invalidInput({
              letterId: 'We could not find that letter in this relationship.',
            });
          }
        }
        const [agreement] = await tx
          .select({ replyTimeHours: agreements.replyTimeHours })
          .from(agreements)
          .where(eq(agreements.relationshipId, locked.id))
          .orderBy(desc(agreements.version))
          .limit(1);
        const now = new Date();
        const id = randomUUID();
        const [row] = await tx
          .insert(messages)
          .values({
            id,
            relationshipId: locked.id,
            senderId: actor.id,
            senderRole: m.role,
            kind,
            body: body.body,
            urgent: body.urgent ?? false,
            letterId: body.letterId ?? null,
            sentAt: now,
            replyDueAt: agreement
              ? new Date(now.getTime() + agreement.replyTimeHours * HOUR)
              : null,
          })
          .returning();
        // Writing is replying to whatever the other member sent before.
        await tx
          .update(messages)
          .set({ repliedAt: now })
          .where(
            and(
              eq(messages.relationshipId, locked.id),
              ne(messages.senderRole, m.role),
              isNull(messages.repliedAt),
              ne(messages.id, id),
            ),
          );
        if (body.letterId !== undefined) {
          await tx
            .update(letters)
            .set({ sentAt: sql`coalesce(${letters.sentAt}, ${now.toISOString()}::timestamptz)` })
            .where(eq(letters.id, body.letterId));
        }
        return row!;
      });
      await services.relationships.changed(m.relationship.id);
      await tell(m, message, 'recipient', noticeKind(message));
      return reply.status(201).send({ message: presentMessage(message) });
    },
  );

  app.get(
    '/api/relationships/:id/messages',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        querystring: ListMessagesQuery,
        description:
          'The latest `limit` messages (default 50, at most 200), oldest first. `nextCursor` (null when there are none) fetches the page of messages before these: pages go back in time.',
        response: { 200: MessageList },
      },
    },
    async (request) => {
      const m = await membership(db, requireUser(request), request.params.id);
      const limit = request.query.limit ?? DEFAULT_LIMIT;
      const before = request.query.cursor ? decodeCursor(request.query.cursor) : undefined;
      const rows = await db
        .select()
        .from(messages)
        .where(
          and(
            eq(messages.relationshipId, m.relationship.id),
            before
              ? sql`(${messages.sentAt}, ${messages.id}) < (${before.sentAt}::timestamptz, ${before.id}::uuid)`
              : undefined,
          ),
        )
        .orderBy(desc(messages.sentAt), desc(messages.id))
        .limit(limit + 1);
      const more = rows.length > limit;
      const page = rows.slice(0, limit).reverse();
      await services.audit.record(m, 'read', 'messages');
      return {
        items: page.map(presentMessage),
        nextCursor: more && page[0] ? encodeCursor(page[0]) : null,
      };
    },
  );

  app.post(
    '/api/messages/:id/read',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        body: EmptyBody,
        description:
          'Marks a message read by its recipient (the first time only; again changes nothing). The sender: 400 `own_message`.',
        response: { 200: MessageResponse },
      },
    },
    async (request) => {
      const { m, message } = await messageFor(db, requireUser(request), request.params.id);
      if (isOwnMessage(m, message)) throw ownMessage();
      let current = message;
      if (!message.readAt) {
        const [updated] = await db
          .update(messages)
          .set({ readAt: new Date() })
          .where(and(eq(messages.id, message.id), isNull(messages.readAt)))
          .returning();
        if (updated) {
          current = updated;
          await services.relationships.changed(m.relationship.id);
          await tell(m, updated, 'sender', 'message-read', 'event');
        } else {
          current = await reread(message.id);
        }
      }
      await services.audit.record(m, 'read', 'message', message.id);
      return { message: presentMessage(current) };
    },
  );

  app.post(
    '/api/messages/:id/acknowledge',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        body: AcknowledgeMessageBody,
        description:
          'The recipient acknowledges a message ("read it — I’ll answer properly by Thursday"), with an optional time the reply is promised by and a short note; it is then read as well. Acknowledging again keeps the first time and updates the promise. The sender: 400 `own_message`.',
        response: { 200: MessageResponse },
      },
    },
    async (request) => {
      const { m, message } = await messageFor(db, requireUser(request), request.params.id);
      if (isOwnMessage(m, message)) throw ownMessage();
      const body = request.body;
      const now = new Date();
      const replyBy = body.replyBy === undefined ? undefined : new Date(body.replyBy);
      if (replyBy && replyBy.getTime() <= now.getTime()) {
        throw invalidInput({ replyBy: 'Please choose a time that is still to come.' });
      }
      if (replyBy && replyBy.getTime() - now.getTime() > MAX_REPLY_BY_MS) {
        throw invalidInput({ replyBy: 'Please choose a time within the coming year.' });
      }
      const note =
        body.note === undefined ? undefined : body.note?.trim() ? body.note.trim() : null;
      const changes =
        !message.acknowledgedAt ||
        (replyBy !== undefined && replyBy.getTime() !== message.replyBy?.getTime()) ||
        (note !== undefined && note !== message.acknowledgementNote);
      let current = message;
      if (changes) {
        const [updated] = await db
          .update(messages)
          .set({
            acknowledgedAt: sql`coalesce(${messages.acknowledgedAt}, ${now.toISOString()}::timestamptz)`,
            readAt: sql`coalesce(${messages.readAt}, ${now.toISOString()}::timestamptz)`,
            ...(replyBy !== undefined ? { replyBy } : {}),
            ...(note !== undefined ? { acknowledgementNote: note } : {}),
          })
          .where(eq(messages.id, message.id))
          .returning();
        current = updated ?? message;
        await services.relationships.changed(m.relationship.id);
        await tell(m, current, 'sender', 'message-acknowledged');
      }
      await services.audit.record(m, 'read', 'message', message.id);
      return { message: presentMessage(current) };
    },
  );

  app.post(
    '/api/messages/:id/call-back',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        body: CallBackBody,
        description:
          'Extension: the therapist logs the call back (when, and what came of it) on the client’s urgent message or request to call; it counts as read and, if nothing had answered it yet, as the reply. Logging again replaces the log. Another message: 409 `not_urgent`.',
        response: { 200: MessageResponse },
      },
    },
    async (request) => {
      const { m, message } = await messageFor(db, requireUser(request), request.params.id);
      if (m.role !== 'therapist') throw notFound();
      if (!mayLogCallBack(m, message)) throw ownMessage();
      if (!asksForCall(message)) {
        throw conflict(
          'not_urgent',
          'This message did not ask for a call, so there is no call back to log. You can reply to it instead.',
        );
      }
      const at = new Date(request.body.at);
      if (at.getTime() > Date.now() + CLOCK_SKEW_MS) {
        throw invalidInput({ at: 'Please log a call that has already happened.' });
      }
      if (at.getTime() < message.sentAt.getTime()) {
        throw invalidInput({ at: 'The call back cannot be before the message was sent.' });
      }
      const now = new Date();
      const [updated] = await db
        .update(messages)
        .set({
          calledBackAt: at,
          callOutcome: request.body.outcome,
          readAt: sql`coalesce(${messages.readAt}, ${now.toISOString()}::timestamptz)`,
          repliedAt: sql`coalesce(${messages.repliedAt}, ${at.toISOString()}::timestamptz)`,
        })
        .where(eq(messages.id, message.id))
        .returning();
      const current = updated ?? message;
      await services.relationships.changed(m.relationship.id);
      await tell(m, current, 'sender', 'call-logged');
      await services.audit.record(m, 'read', 'message', message.id);
      return { message: presentMessage(current) };
    },
  );

  async function reread(id: string): Promise<MessageRow> {
    const [row] = await db.select().from(messages).where(eq(messages.id, id)).limit(1);
    if (!row) throw notFound();
    return row;
  }
};
