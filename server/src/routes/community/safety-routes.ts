import { randomUUID } from 'node:crypto';
import { and, count, desc, eq, inArray, isNull, type SQL } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { communityConfig } from '../../community/config.ts';
import { normalizeMuteWord } from '../../community/mute-words.ts';
import { hit } from '../../community/rate-limit.ts';
import { allRefs, makeRef } from '../../community/refs.ts';
import type { Db } from '../../db/client.ts';
import {
  communityBlocks,
  communityMutes,
  communityNotifications,
  communityProfiles,
  communityQuestions,
  communityReports,
} from '../../db/schema.ts';
import { notFound } from '../../errors.ts';
import { requireUser, signedIn } from '../../plugins/auth.ts';
import { isId } from '../../policies/relationship.ts';
import type { Services } from '../../services.ts';
import { CARE_MESSAGE, type ModerationOutcome, notify } from './notify.ts';
import {
  askerForgotten,
  askerProfileIdOf,
  isAsker,
  otherProfileByPseudonym,
  ownPost,
  profileByPseudonym,
  profileOfUser,
  requireProfile,
  signedInViewer,
  visibleAnswer,
  visibleQuestion,
} from './policy.ts';
import { pseudonymsOf } from './present.ts';
import {
  BlockBody,
  BlockList,
  BlockResponse,
  EmptyBody,
  IdParams,
  MuteBody,
  MuteList,
  MuteResponse,
  MuteWords,
  MuteWordsBody,
  NotificationList,
  NotificationsQuery,
  PseudonymParams,
  ReportBody,
  ReportResponse,
  SeenBody,
  SeenResponse,
} from './schema.ts';

type BlockRow = typeof communityBlocks.$inferSelect;

export const safetyRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const { db } = services;
  const tags = ['community'];

  app.post(
    '/api/community/reports',
    {
      onRequest: signedIn,
      schema: {
        tags,
        body: ReportBody,
        description:
          'Reports a question, an answer or a profile (`targetId`: its pseudonym) to the moderators. The same report again: 201 with the same report. `at-risk` also sends the author a private, caring notification with crisis resources (once per post or profile), never naming the reporter.',
        response: { 201: ReportResponse },
      },
    },
    async (request, reply) => {
      const viewer = await signedInViewer(db, request);
      const { user } = viewer;
      const body = request.body;
      let target: { questionId?: string; answerId?: string; profileId?: string };
      let authorProfileId: string | null;
      let targetId: string;
      if (body.targetType === 'question') {
        const q = await visibleQuestion(db, viewer, body.targetId);
        if (isAsker(viewer, q)) throw ownPost();
        target = { questionId: q.id };
        authorProfileId = askerProfileIdOf(q);
        targetId = q.id;
      } else if (body.targetType === 'answer') {
        const { a } = await visibleAnswer(db, viewer, body.targetId);
        if (a.authorProfileId === viewer.profile?.id) throw ownPost();
        target = { answerId: a.id };
        authorProfileId = a.authorProfileId;
        targetId = a.id;
      } else {
        const profile = await otherProfileByPseudonym(db, body.targetId, viewer.profile?.id);
        target = { profileId: profile.id };
        authorProfileId = profile.id;
        targetId = profile.pseudonym;
      }
      const parts = [
        user.id,
        body.targetType,
        target.questionId ?? target.answerId ?? target.profileId ?? '',
      ];
      const sameReport = async () =>
        (
          await db
            .select()
            .from(communityReports)
            .where(inArray(communityReports.reporterKey, allRefs('report', parts)))
            .limit(1)
        )[0];
      const existing = await sameReport();
      const present = (row: typeof communityReports.$inferSelect) => ({
        report: {
          id: row.id,
          targetType: body.targetType,
          targetId,
          reason: row.reason,
          createdAt: row.createdAt.toISOString(),
        },
      });
      if (existing) return reply.status(201).send(present(existing));

      await hit(db, 'report', user.id, communityConfig(services).reports);
      const targetColumn =
        body.targetType === 'question'
          ? communityReports.questionId
          : body.targetType === 'answer'
            ? communityReports.answerId
            : communityReports.profileId;
      const targetValue = target.questionId ?? target.answerId ?? target.profileId ?? '';
      // Was anyone already worried about this? Then its author has had the care message.
      const [earlier] = await db
        .select({ n: count() })
        .from(communityReports)
        .where(and(eq(targetColumn, targetValue), eq(communityReports.reason, 'at-risk')));
      const [row] = await db
        .insert(communityReports)
        .values({
          id: randomUUID(),
          questionId: target.questionId ?? null,
          answerId: target.answerId ?? null,
          profileId: target.profileId ?? null,
          reporterKey: makeRef('report', parts).ref,
          reason: body.reason,
          note: body.note ?? null,
        })
        .onConflictDoNothing()
        .returning();
      if (!row) {
        // The same report at the same moment from another tab: answer with that one.
        const again = await sameReport();
        if (!again) throw notFound();
        return reply.status(201).send(present(again));
      }
      if (body.reason === 'at-risk' && Number(earlier?.n ?? 0) === 0) {
        await notify(
          db,
          authorProfileId,
          'care',
          { questionId: target.questionId, answerId: target.answerId },
          { message: CARE_MESSAGE },
        );
      }
      return reply.status(201).send(present(row));
    },
  );

  app.post(
    '/api/community/blocks',
    {
      onRequest: signedIn,
      schema: {
        tags,
        body: BlockBody,
        description:
          'Blocks whoever asked a question (`questionId`, named or anonymous) or a person (`pseudonym`) from my ask box: their asks are still answered 201 and never delivered. Through an anonymous ask the block never says who it is.',
        response: { 201: BlockResponse },
      },
    },
    async (request, reply) => {
      const viewer = await signedInViewer(db, request);
      const me = requireProfile(viewer);
      const body = request.body;
      let blockedProfileId: string | null = null;
      let questionId: string | null = null;
      if (body.questionId !== undefined) {
        const q = await visibleQuestion(db, viewer, body.questionId);
        if (isAsker(viewer, q)) throw ownPost();
        if (q.anonymous) {
          if (!q.asker) throw askerForgotten();
          questionId = q.id;
        } else {
          blockedProfileId = q.askerProfileId;
          if (!blockedProfileId) throw askerForgotten();
        }
      } else {
        const profile = await otherProfileByPseudonym(db, body.pseudonym ?? '', me.id);
        blockedProfileId = profile.id;
      }

      let row: BlockRow | undefined;
      if (blockedProfileId) {
        row = await insertBlock(
          db,
          { id: randomUUID(), ownerProfileId: me.id, blockedProfileId },
          and(
            eq(communityBlocks.ownerProfileId, me.id),
            eq(communityBlocks.blockedProfileId, blockedProfileId),
          ),
        );
      } else if (questionId) {
        const [q] = await db
          .select()
          .from(communityQuestions)
          .where(eq(communityQuestions.id, questionId));
        const askerId = q?.asker;
        const [asker] = askerId
          ? await db.select().from(communityProfiles).where(eq(communityProfiles.id, askerId))
          : [];
        if (!asker) throw askerForgotten();
        const questionKeys = allRefs('block-question', [me.id, questionId]);
        [row] = await db
          .select()
          .from(communityBlocks)
          .where(inArray(communityBlocks.questionKey, questionKeys))
          .limit(1);
        if (!row) {
          const { ref, keyId } = makeRef('block-asker', [me.id, asker.userId]);
          row = await insertBlock(
            db,
            {
              id: randomUUID(),
              ownerProfileId: me.id,
              askerRef: ref,
              refKeyId: keyId,
              questionKey: makeRef('block-question', [me.id, questionId]).ref,
            },
            inArray(communityBlocks.questionKey, questionKeys),
          );
        }
        // The ask it was made from leaves the inbox; other asks stay as they are, so that
        // nothing shows which other asks came from the same person.
        if (q && q.toProfileId === me.id && q.answeredAt === null) {
          await db
            .update(communityQuestions)
            .set({ delivered: false })
            .where(eq(communityQuestions.id, q.id));
        }
      }
      if (!row) throw notFound();
      const names = await pseudonymsOf(db, [row.blockedProfileId]);
      return reply.status(201).send({ block: presentBlock(row, names) });
    },
  );

  app.get(
    '/api/community/blocks',
    {
      onRequest: signedIn,
      schema: { tags, description: 'My blocks.', response: { 200: BlockList } },
    },
    async (request) => {
      const me = await profileOfUser(db, requireUser(request).id);
      if (!me) return { items: [] };
      const rows = await db
        .select()
        .from(communityBlocks)
        .where(eq(communityBlocks.ownerProfileId, me.id))
        .orderBy(desc(communityBlocks.createdAt));
      const names = await pseudonymsOf(
        db,
        rows.map((r) => r.blockedProfileId),
      );
      return { items: rows.map((r) => presentBlock(r, names)) };
    },
  );

  app.delete(
    '/api/community/blocks/:id',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        body: EmptyBody,
        description: 'Lifts one of my blocks (204); not mine: 404.',
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      // Without a profile there is no block of the caller's to lift.
      const me = await profileOfUser(db, requireUser(request).id);
      if (!me || !isId(request.params.id)) throw notFound();
      const deleted = await db
        .delete(communityBlocks)
        .where(
          and(eq(communityBlocks.id, request.params.id), eq(communityBlocks.ownerProfileId, me.id)),
        )
        .returning({ id: communityBlocks.id });
      if (deleted.length === 0) throw notFound();
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/community/mutes',
    {
      onRequest: signedIn,
      schema: {
        tags,
        body: MuteBody,
        description:
          'Mutes a pseudonym: their posts are left out for me. Again: the same mute. Unknown: 404.',
        response: { 201: MuteResponse },
      },
    },
    async (request, reply) => {
      const me = requireProfile(await signedInViewer(db, request));
      const profile = await otherProfileByPseudonym(db, request.body.pseudonym, me.id);
      await db
        .insert(communityMutes)
        .values({ profileId: me.id, mutedProfileId: profile.id })
        .onConflictDoNothing();
      const [row] = await db
        .select()
        .from(communityMutes)
        .where(
          and(eq(communityMutes.profileId, me.id), eq(communityMutes.mutedProfileId, profile.id)),
        );
      return reply.status(201).send({
        mute: {
          pseudonym: profile.pseudonym,
          createdAt: (row?.createdAt ?? new Date()).toISOString(),
        },
      });
    },
  );

  app.get(
    '/api/community/mutes',
    {
      onRequest: signedIn,
      schema: { tags, description: 'The pseudonyms I muted.', response: { 200: MuteList } },
    },
    async (request) => {
      const me = await profileOfUser(db, requireUser(request).id);
      if (!me) return { items: [] };
      const rows = await db
        .select({ pseudonym: communityProfiles.pseudonym, createdAt: communityMutes.createdAt })
        .from(communityMutes)
        .innerJoin(communityProfiles, eq(communityProfiles.id, communityMutes.mutedProfileId))
        .where(eq(communityMutes.profileId, me.id))
        .orderBy(desc(communityMutes.createdAt));
      return {
        items: rows.map((r) => ({ pseudonym: r.pseudonym, createdAt: r.createdAt.toISOString() })),
      };
    },
  );

  app.delete(
    '/api/community/mutes/:pseudonym',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: PseudonymParams,
        body: EmptyBody,
        description:
          'Unmutes a pseudonym (204, also when it was not muted); unknown pseudonym: 404.',
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const profile = await profileByPseudonym(db, request.params.pseudonym);
      if (!profile) throw notFound();
      const me = await profileOfUser(db, user.id);
      if (me) {
        await db
          .delete(communityMutes)
          .where(
            and(eq(communityMutes.profileId, me.id), eq(communityMutes.mutedProfileId, profile.id)),
          );
      }
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/community/mute-words',
    {
      onRequest: signedIn,
      schema: { tags, description: 'My mute words.', response: { 200: MuteWords } },
    },
    async (request) => {
      const me = await profileOfUser(db, requireUser(request).id);
      return { words: Array.isArray(me?.muteWords) ? me.muteWords : [] };
    },
  );

  app.put(
    '/api/community/mute-words',
    {
      onRequest: signedIn,
      schema: {
        tags,
        body: MuteWordsBody,
        description:
          'Replaces my mute words: posts holding one of them as a whole word, in any case, are folded for me (`collapsed`) and left out of the board.',
        response: { 200: MuteWords },
      },
    },
    async (request) => {
      const me = requireProfile(await signedInViewer(db, request));
      const words = [...new Set(request.body.words.map(normalizeMuteWord))];
      await db
        .update(communityProfiles)
        .set({ muteWords: words })
        .where(eq(communityProfiles.id, me.id));
      return { words };
    },
  );

  app.get(
    '/api/community/notifications',
    {
      onRequest: signedIn,
      schema: {
        tags,
        querystring: NotificationsQuery,
        description:
          'My community notifications, newest first (at most 100): asks in my box, answers to my questions and asks (anonymous ones included), care messages, moderation outcomes.',
        response: { 200: NotificationList },
      },
    },
    async (request) => {
      const profile = await profileOfUser(db, requireUser(request).id);
      if (!profile) return { items: [] };
      const rows = await db
        .select()
        .from(communityNotifications)
        .where(
          and(
            eq(communityNotifications.profileId, profile.id),
            request.query.unseen === 'true' ? isNull(communityNotifications.seenAt) : undefined,
          ),
        )
        .orderBy(desc(communityNotifications.createdAt), desc(communityNotifications.id))
        .limit(100);
      return {
        items: rows.map((n) => ({
          id: n.id,
          type: n.type,
          at: n.createdAt.toISOString(),
          seen: n.seenAt !== null,
          questionId: n.subject.questionId ?? null,
          answerId: n.subject.answerId ?? null,
          message: n.message,
          action: (n.subject.action as ModerationOutcome | undefined) ?? null,
          reason: n.reason,
          resources: n.type === 'care' ? services.crisisResources : null,
        })),
      };
    },
  );

  app.post(
    '/api/community/notifications/seen',
    {
      onRequest: signedIn,
      schema: {
        tags,
        body: SeenBody,
        description:
          'Marks my notifications seen (the ones named, or all); answers how many are still unseen.',
        response: { 200: SeenResponse },
      },
    },
    async (request) => {
      const profile = await profileOfUser(db, requireUser(request).id);
      if (!profile) return { unseen: 0 };
      const ids = request.body.ids?.filter(isId);
      if (ids === undefined || ids.length > 0) {
        await db
          .update(communityNotifications)
          .set({ seenAt: new Date() })
          .where(
            and(
              eq(communityNotifications.profileId, profile.id),
              isNull(communityNotifications.seenAt),
              ids ? inArray(communityNotifications.id, ids) : undefined,
            ),
          );
      }
      const [row] = await db
        .select({ n: count() })
        .from(communityNotifications)
        .where(
          and(
            eq(communityNotifications.profileId, profile.id),
            isNull(communityNotifications.seenAt),
          ),
        );
      return { unseen: Number(row?.n ?? 0) };
    },
  );
};

/** Inserts a block; when it is there already, the one that `existing` finds. */
async function insertBlock(
  db: Db,
  values: typeof communityBlocks.$inferInsert,
  existing: SQL | undefined,
): Promise<BlockRow | undefined> {
  const [row] = await db.insert(communityBlocks).values(values).onConflictDoNothing().returning();
  return row ?? (await db.select().from(communityBlocks).where(existing))[0];
}

function presentBlock(row: BlockRow, names: Map<string, string>) {
  const pseudonym = row.blockedProfileId ? (names.get(row.blockedProfileId) ?? null) : null;
  return {
    id: row.id,
    via: row.blockedProfileId ? ('pseudonym' as const) : ('question' as const),
    pseudonym,
    createdAt: row.createdAt.toISOString(),
  };
}
