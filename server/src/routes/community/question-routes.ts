import { randomUUID } from 'node:crypto';
import { hasCrisisLanguage } from '@attune/core/crisis';
import { and, asc, desc, eq, inArray, isNotNull, isNull, notInArray, or, sql } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { communityConfig } from '../../community/config.ts';
import { hit } from '../../community/rate-limit.ts';
import { allRefs } from '../../community/refs.ts';
import { addOwnAsk } from '../../community/retention.ts';
import type { Db } from '../../db/client.ts';
import {
  communityAnswers,
  communityBlocks,
  communityHelped,
  communityProfiles,
  communityQuestions,
} from '../../db/schema.ts';
import { AppError, invalidInput, notFound } from '../../errors.ts';
import { requireUser, signedIn } from '../../plugins/auth.ts';
import { isId } from '../../policies/relationship.ts';
import type { Services } from '../../services.ts';
import { notify } from './notify.ts';
import {
  askerProfileIdOf,
  isAsker,
  isRecipient,
  loadViewer,
  ownPost,
  type ProfileRow,
  profileByPseudonym,
  requirePoster,
  requireProfile,
  signedInViewer,
  type Viewer,
  visibleAnswer,
  visibleQuestion,
} from './policy.ts';
import { helpedFor, presentAnswerOf, presentQuestion, presentQuestions } from './present.ts';
import {
  AnswerBody,
  AnswerResponse,
  AskBody,
  BoardQuery,
  HelpedBody,
  HelpedResponse,
  IdParams,
  QuestionList,
  QuestionPage,
  QuestionResponse,
} from './schema.ts';

const DEFAULT_LIMIT = 20;

/** When a question reached the board: asked there, or (an ask) answered publicly. */
const boardAt = sql<Date>`case when ${communityQuestions.toProfileId} is null then ${communityQuestions.createdAt} else ${communityQuestions.publicAnswerAt} end`;

function encodeCursor(at: Date, id: string): string {
  return Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { at: string; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!at || !id || !isId(id) || Number.isNaN(Date.parse(at))) {
    throw invalidInput({ cursor: 'This page link is not valid. Please start from the newest.' });
  }
  return { at: new Date(at).toISOString(), id };
}

const askBoxClosed = () =>
  new AppError(403, 'ask_box_closed', 'This ask box is closed for now, so it cannot take asks.');
const anonymousNotAllowed = () =>
  new AppError(
    403,
    'anonymous_not_allowed',
    'This person does not take anonymous asks. You can ask with your community name instead.',
  );
const notRecipient = () =>
  new AppError(
    403,
    'not_recipient',
    'This ask was sent to someone else’s ask box, so only they can answer it.',
  );

/** Whether the owner of an ask box has blocked this asker, by pseudonym or through a question. */
async function isBlocked(db: Db, owner: ProfileRow, asker: ProfileRow): Promise<boolean> {
  const refs = allRefs('block-asker', [owner.id, asker.userId]);
  const [row] = await db
    .select({ id: communityBlocks.id })
    .from(communityBlocks)
    .where(
      and(
        eq(communityBlocks.ownerProfileId, owner.id),
        or(eq(communityBlocks.blockedProfileId, asker.id), inArray(communityBlocks.askerRef, refs)),
      ),
    )
    .limit(1);
  return row !== undefined;
}

export const questionRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const { db } = services;
  const tags = ['community'];
  const config = () => communityConfig(services);

  app.post(
    '/api/community/questions',
    {
      onRequest: signedIn,
      schema: {
        tags,
        body: AskBody,
        description:
          'Asks the public board (without `to`) or a person’s ask box (`to`: their pseudonym), named or anonymous, or follows up a question (`followUpOf`). See docs/api/community.md, "Asking".',
        response: { 201: QuestionResponse },
      },
    },
    async (request, reply) => {
      const viewer = await signedInViewer(db, request);
      const me = requirePoster(viewer);
      const body = request.body;
      let anonymous = body.anonymous ?? false;

      let followUpOf: string | null = null;
      let to: ProfileRow | undefined;
      if (body.followUpOf !== undefined) {
        let first = await visibleQuestion(db, viewer, body.followUpOf);
        if (first.followUpOf) first = await visibleQuestion(db, viewer, first.followUpOf);
        if (first.toProfileId !== null && !isAsker(viewer, first)) throw notFound();
        if (first.status !== 'published' && !isAsker(viewer, first)) throw notFound();
        followUpOf = first.id;
        // Following up one's own anonymous ask stays anonymous unless asked otherwise: a name
        // under an anonymous question would undo it.
        if (body.anonymous === undefined && first.anonymous && isAsker(viewer, first)) {
          anonymous = true;
        }
        if (first.toProfileId) {
          const [recipient] = await loadProfiles(db, [first.toProfileId]);
          if (!recipient) throw notFound();
          to = recipient;
        }
        const named = body.to === undefined ? undefined : body.to.toLowerCase();
        if (named !== undefined && named !== (to?.pseudonym.toLowerCase() ?? '')) {
          throw invalidInput({ to: 'A follow-up goes where the first question went.' });
        }
      } else if (body.to !== undefined && body.to !== '') {
        to = await profileByPseudonym(db, body.to);
        if (!to) throw notFound();
      }
      if (to) {
        if (to.id === me.id) throw invalidInput({ to: 'This is your own ask box.' });
        if (!to.askBoxOpen) throw askBoxClosed();
        if (anonymous && !to.allowAnonymous) throw anonymousNotAllowed();
      }

      await hit(db, 'ask', viewer.user.id, config().asks);

      const delivered = to ? !(await isBlocked(db, to, me)) : true;
      const crisis = hasCrisisLanguage(
        [body.title ?? '', body.contentWarning ?? '', body.body].join('\n'),
      );
      const id = randomUUID();
      const [row] = await db
        .insert(communityQuestions)
        .values({
          id,
          askerProfileId: anonymous ? null : me.id,
          asker: anonymous ? me.id : null,
          anonymous,
          toProfileId: to?.id ?? null,
          followUpOf,
          title: body.title ?? null,
          body: body.body,
          contentWarning: body.contentWarning ?? null,
          tags: body.tags ?? [],
          // The board waits for a moderator until the profile is trusted; asks do not.
          status: to || me.trustedAt ? 'published' : 'held',
          delivered,
          crisis,
        })
        .returning();
      if (!row) throw notFound();
      // Apart from the insert above: no transaction ties the ask to its anonymous asker.
      if (anonymous) await addOwnAsk(db, me.id, row.id);
      if (to && delivered) await notify(db, to.id, 'ask', { questionId: row.id });
      const question = await presentQuestion(db, viewer, row);
      return reply.status(201).send({ question });
    },
  );

  app.get(
    '/api/community/questions',
    {
      onRequest: signedIn,
      schema: {
        tags,
        querystring: BoardQuery,
        description:
          'The public board, newest first: published questions and asks answered publicly, each with its published public answers and follow-ups. Posts of people I muted or blocked, and posts with my mute words, are left out.',
        response: { 200: QuestionPage },
      },
    },
    async (request) => {
      const viewer = await loadViewer(db, requireUser(request));
      const limit = request.query.limit ?? DEFAULT_LIMIT;
      const before = request.query.cursor ? decodeCursor(request.query.cursor) : undefined;
      const hidden = [...viewer.hidden];
      const rows = await db
        .select()
        .from(communityQuestions)
        .where(
          and(
            eq(communityQuestions.status, 'published'),
            isNull(communityQuestions.followUpOf),
            or(
              isNull(communityQuestions.toProfileId),
              isNotNull(communityQuestions.publicAnswerAt),
            ),
            request.query.tag
              ? sql`${communityQuestions.tags} @> array[${request.query.tag}]::text[]`
              : undefined,
            hidden.length > 0
              ? or(
                  isNull(communityQuestions.askerProfileId),
                  notInArray(communityQuestions.askerProfileId, hidden),
                )
              : undefined,
            before
              ? sql`(${boardAt}, ${communityQuestions.id}) < (${before.at}::timestamptz, ${before.id}::uuid)`
              : undefined,
          ),
        )
        .orderBy(desc(boardAt), desc(communityQuestions.id))
        .limit(limit + 1);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      const presented = await presentQuestions(db, viewer, page, {
        followUps: true,
        hideMuted: true,
      });
      return {
        items: presented.filter((q) => !q.collapsed),
        nextCursor:
          rows.length > limit && last
            ? encodeCursor(
                last.toProfileId ? (last.publicAnswerAt as Date) : last.createdAt,
                last.id,
              )
            : null,
      };
    },
  );

  app.get(
    '/api/community/questions/:id',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        description:
          'A question with the answers and follow-ups I may see; one I may not see: 404.',
        response: { 200: QuestionResponse },
      },
    },
    async (request) => {
      const viewer = await loadViewer(db, requireUser(request));
      const q = await visibleQuestion(db, viewer, request.params.id);
      return {
        question: await presentQuestion(db, viewer, q, { followUps: true, hideMuted: true }),
      };
    },
  );

  app.get(
    '/api/community/my-questions',
    {
      onRequest: signedIn,
      schema: {
        tags,
        description:
          'My questions and asks, newest first; anonymous ones while they are still linked to me (docs/COMMUNITY.md, "Retention").',
        response: { 200: QuestionList },
      },
    },
    async (request) => {
      const viewer = await loadViewer(db, requireUser(request));
      const me = viewer.profile;
      if (!me) return { items: [] };
      const anonymousIds = (Array.isArray(me.anonymousAsks) ? me.anonymousAsks : []).filter(isId);
      const rows = await db
        .select()
        .from(communityQuestions)
        .where(
          or(
            eq(communityQuestions.askerProfileId, me.id),
            anonymousIds.length > 0 ? inArray(communityQuestions.id, anonymousIds) : undefined,
          ),
        )
        .orderBy(desc(communityQuestions.createdAt), desc(communityQuestions.id))
        .limit(500);
      // The list is only a pointer: the sealed asker of each ask must say it is mine.
      const mine = rows.filter((q) => isAsker(viewer, q));
      return { items: await presentQuestions(db, viewer, mine, { followUps: true }) };
    },
  );

  app.get(
    '/api/community/inbox',
    {
      onRequest: signedIn,
      schema: {
        tags,
        description: 'Asks delivered to my ask box and not answered yet, oldest first.',
        response: { 200: QuestionList },
      },
    },
    async (request) => {
      const viewer = await loadViewer(db, requireUser(request));
      const me = viewer.profile;
      if (!me) return { items: [] };
      const hidden = [...viewer.hidden];
      const rows = await db
        .select()
        .from(communityQuestions)
        .where(
          and(
            eq(communityQuestions.toProfileId, me.id),
            eq(communityQuestions.delivered, true),
            eq(communityQuestions.status, 'published'),
            isNull(communityQuestions.answeredAt),
            hidden.length > 0
              ? or(
                  isNull(communityQuestions.askerProfileId),
                  notInArray(communityQuestions.askerProfileId, hidden),
                )
              : undefined,
          ),
        )
        .orderBy(asc(communityQuestions.createdAt), asc(communityQuestions.id))
        .limit(500);
      return { items: await presentQuestions(db, viewer, rows) };
    },
  );

  app.post(
    '/api/community/questions/:id/answers',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        body: AnswerBody,
        description:
          'Answers a board question (anyone with a profile) or an ask (only its recipient: others 403 `not_recipient`). `private: true` only for a named asker (anonymous: 400 field `private`). See docs/api/community.md, "Answering".',
        response: { 201: AnswerResponse },
      },
    },
    async (request, reply) => {
      const viewer = await signedInViewer(db, request);
      // What the caller may not see does not exist for them, profile or not (404 first).
      const q = await visibleQuestion(db, viewer, request.params.id);
      const me = requirePoster(viewer);
      if (q.status !== 'published') throw notFound();
      if (q.toProfileId !== null && !isRecipient(viewer, q)) throw notRecipient();
      const body = request.body;
      const isPrivate = body.private ?? false;
      if (isPrivate && q.anonymous) {
        throw invalidInput({
          private: 'This ask is anonymous, so a private answer could not reach anyone.',
        });
      }
      if (isPrivate && isAsker(viewer, q)) {
        throw invalidInput({ private: 'This is your own question.' });
      }
      await hit(db, 'answer', viewer.user.id, config().answers);
      const crisis = hasCrisisLanguage(`${body.contentWarning ?? ''}\n${body.body}`);
      // Private answers are not on the board; public ones wait for a moderator until trusted.
      const status = isPrivate || me.trustedAt ? 'published' : 'held';
      const now = new Date();
      const answer = await db.transaction(async (tx) => {
        const [row] = await tx
          .insert(communityAnswers)
          .values({
            id: randomUUID(),
            questionId: q.id,
            authorProfileId: me.id,
            body: body.body,
            contentWarning: body.contentWarning ?? null,
            private: isPrivate,
            status,
            crisis,
            createdAt: now,
          })
          .returning();
        await tx
          .update(communityQuestions)
          .set({
            answeredAt: sql`coalesce(${communityQuestions.answeredAt}, ${now.toISOString()}::timestamptz)`,
            lastAnswerAt: now,
            ...(status === 'published' && !isPrivate
              ? {
                  publicAnswerAt: sql`coalesce(${communityQuestions.publicAnswerAt}, ${now.toISOString()}::timestamptz)`,
                }
              : {}),
          })
          .where(eq(communityQuestions.id, q.id));
        return row;
      });
      if (!answer) throw notFound();
      const askerId = askerProfileIdOf(q);
      // A held answer on the board reaches the asker once approved; on an ask, at once.
      if (askerId && askerId !== me.id && (status === 'published' || q.toProfileId !== null)) {
        await notify(db, askerId, 'answer', { questionId: q.id, answerId: answer.id });
      }
      return reply.status(201).send({ answer: await presentAnswerOf(db, viewer, q, answer) });
    },
  );

  /** A "this helped" route: `find` is the post the viewer may see, and whether it is their own. */
  const helpedRoute = (
    url: string,
    description: string,
    find: (
      viewer: Viewer,
      id: string,
    ) => Promise<{ target: { questionId: string } | { answerId: string }; own: boolean }>,
  ) =>
    app.put(
      url,
      {
        onRequest: signedIn,
        schema: {
          tags,
          params: IdParams,
          body: HelpedBody,
          description,
          response: { 200: HelpedResponse },
        },
      },
      async (request) => {
        const viewer = await signedInViewer(db, request);
        const { target, own } = await find(viewer, request.params.id);
        const me = requireProfile(viewer);
        if (own) throw ownPost();
        await setHelped(db, me.id, target, request.body.helped);
        return { helped: await helpedFor(db, viewer, target) };
      },
    );

  helpedRoute(
    '/api/community/questions/:id/helped',
    '"This helped": marks (or unmarks) a question I may see; not my own (400 `own_post`). Answers only whether I marked it and whether anybody did: there are no counts.',
    async (viewer, id) => {
      const q = await visibleQuestion(db, viewer, id);
      return { target: { questionId: q.id }, own: isAsker(viewer, q) };
    },
  );

  helpedRoute(
    '/api/community/answers/:id/helped',
    '"This helped" on an answer I may see; not my own (400 `own_post`). No counts.',
    async (viewer, id) => {
      const { a } = await visibleAnswer(db, viewer, id);
      return { target: { answerId: a.id }, own: a.authorProfileId === viewer.profile?.id };
    },
  );
};

async function setHelped(
  db: Db,
  profileId: string,
  target: { questionId?: string; answerId?: string },
  helped: boolean,
): Promise<void> {
  if (helped) {
    await db
      .insert(communityHelped)
      .values({
        profileId,
        questionId: target.questionId ?? null,
        answerId: target.answerId ?? null,
      })
      .onConflictDoNothing();
    return;
  }
  await db
    .delete(communityHelped)
    .where(
      and(
        eq(communityHelped.profileId, profileId),
        target.questionId !== undefined
          ? eq(communityHelped.questionId, target.questionId)
          : target.answerId !== undefined
            ? eq(communityHelped.answerId, target.answerId)
            : sql`false`,
      ),
    );
}

async function loadProfiles(db: Db, ids: string[]): Promise<ProfileRow[]> {
  return db.select().from(communityProfiles).where(inArray(communityProfiles.id, ids));
}
