import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { isModerator } from '../../community/moderators.ts';
import type { Db } from '../../db/client.ts';
import {
  communityAnswers,
  communityModerationLog,
  communityProfiles,
  communityQuestions,
  communityReports,
} from '../../db/schema.ts';
import { invalidInput, notFound } from '../../errors.ts';
import { requireUser, signedIn } from '../../plugins/auth.ts';
import { isId } from '../../policies/relationship.ts';
import type { Services } from '../../services.ts';
import { type ModerationOutcome, notify } from './notify.ts';
import {
  type AnswerRow,
  askerProfileIdOf,
  authorUnknown,
  type ProfileRow,
  profileByPseudonym,
  type QuestionRow,
} from './policy.ts';
import { pseudonymsOf } from './present.ts';
import {
  ModerationActionBody,
  ModerationActionResponse,
  type QueueItem,
  QueueList,
} from './schema.ts';

type QueueItemJson = z.infer<typeof QueueItem>;
type ReportRow = typeof communityReports.$inferSelect;

export const moderationRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const { db } = services;
  const tags = ['community'];

  /** Moderation does not exist for anyone else: 404, before the body is even looked at. */
  const moderatorsOnly = async (request: Parameters<typeof requireUser>[0]) => {
    const user = requireUser(request);
    if (!(await isModerator(db, user, services.env.moderators))) throw notFound();
  };

  app.get(
    '/api/community/moderation/queue',
    {
      onRequest: signedIn,
      preValidation: moderatorsOnly,
      schema: {
        tags,
        description:
          'Moderators: posts held for a first-post check, posts with crisis language not yet reviewed, and open reports, oldest first, one item per post or profile. Anonymous askers and reporters are never shown. Everyone else: 404.',
        response: { 200: QueueList },
      },
    },
    async () => ({ items: await queue(db) }),
  );

  app.post(
    '/api/community/moderation/actions',
    {
      onRequest: signedIn,
      preValidation: moderatorsOnly,
      schema: {
        tags,
        body: ModerationActionBody,
        description:
          'Moderators: approve (publish a held post, trust its author, close reports, mark crisis language reviewed), remove (with a reason sent to the author), suspend or reinstate a profile or a post’s author (with a reason). A profile’s `targetId` is its pseudonym. Everyone else: 404.',
        response: { 200: ModerationActionResponse },
      },
    },
    async (request) => {
      const moderator = requireUser(request);
      const { targetType, targetId, action, reason } = request.body;
      if ((action === 'remove' || action === 'suspend') && !reason) {
        throw invalidInput({ reason: 'Please write a reason: the person will be told it.' });
      }
      if (targetType === 'profile' && action === 'remove') {
        throw invalidInput({
          action: 'A profile cannot be removed: suspend it, or remove its posts.',
        });
      }
      const target = await findTarget(db, targetType, targetId);
      const now = new Date();

      if (action === 'suspend' || action === 'reinstate') {
        const profileId = target.kind === 'profile' ? target.profile.id : target.authorId;
        if (!profileId) throw authorUnknown();
        await db
          .update(communityProfiles)
          .set(
            action === 'suspend'
              ? { suspendedAt: now, suspensionReason: reason }
              : { suspendedAt: null, suspensionReason: null },
          )
          .where(eq(communityProfiles.id, profileId));
        await closeReports(db, target, now);
      } else if (target.kind === 'profile') {
        await closeReports(db, target, now);
      } else if (action === 'approve') {
        await approve(db, target, now);
      } else {
        await remove(db, target, now);
      }

      await db.insert(communityModerationLog).values({
        id: randomUUID(),
        moderatorId: moderator.id,
        targetType,
        targetId: target.kind === 'profile' ? target.profile.id : target.row.id,
        action,
        reason: reason ?? null,
      });
      await tellAuthor(db, target, action, reason ?? null);
      return { done: { targetType, targetId, action } };
    },
  );
};

type Target =
  | { kind: 'question'; row: QuestionRow; authorId: string | null; wasHeld: boolean }
  | { kind: 'answer'; row: AnswerRow; question: QuestionRow; authorId: string; wasHeld: boolean }
  | { kind: 'profile'; profile: ProfileRow };

async function findTarget(db: Db, type: string, id: string): Promise<Target> {
  if (type === 'profile') {
    const profile = await profileByPseudonym(db, id);
    if (!profile) throw notFound();
    return { kind: 'profile', profile };
  }
  if (!isId(id)) throw notFound();
  if (type === 'question') {
    const [row] = await db.select().from(communityQuestions).where(eq(communityQuestions.id, id));
    if (!row) throw notFound();
    return {
      kind: 'question',
      row,
      authorId: askerProfileIdOf(row),
      wasHeld: row.status === 'held',
    };
  }
  const [row] = await db.select().from(communityAnswers).where(eq(communityAnswers.id, id));
  if (!row) throw notFound();
  const [question] = await db
    .select()
    .from(communityQuestions)
    .where(eq(communityQuestions.id, row.questionId));
  if (!question) throw notFound();
  return {
    kind: 'answer',
    row,
    question,
    authorId: row.authorProfileId,
    wasHeld: row.status === 'held',
  };
}

async function closeReports(db: Db, target: Target, now: Date): Promise<void> {
  const column =
    target.kind === 'question'
      ? communityReports.questionId
      : target.kind === 'answer'
        ? communityReports.answerId
        : communityReports.profileId;
  const id = target.kind === 'profile' ? target.profile.id : target.row.id;
  await db
    .update(communityReports)
    .set({ closedAt: now })
    .where(and(eq(column, id), isNull(communityReports.closedAt)));
}

/** Publishes a held post, trusts its author, reviews its crisis mark, closes its reports. */
async function approve(db: Db, target: Exclude<Target, { kind: 'profile' }>, now: Date) {
  await db.transaction(async (tx) => {
    if (target.kind === 'question') {
      await tx
        .update(communityQuestions)
        .set({
          status: sql`case when ${communityQuestions.status} = 'held' then 'published' else ${communityQuestions.status} end`,
          crisisReviewedAt: now,
        })
        .where(eq(communityQuestions.id, target.row.id));
    } else {
      await tx
        .update(communityAnswers)
        .set({
          status: sql`case when ${communityAnswers.status} = 'held' then 'published' else ${communityAnswers.status} end`,
          crisisReviewedAt: now,
        })
        .where(eq(communityAnswers.id, target.row.id));
      if (target.wasHeld && !target.row.private) {
        await tx
          .update(communityQuestions)
          .set({
            publicAnswerAt: sql`coalesce(${communityQuestions.publicAnswerAt}, ${now.toISOString()}::timestamptz)`,
          })
          .where(eq(communityQuestions.id, target.question.id));
      }
    }
    if (target.wasHeld && target.authorId) {
      await tx
        .update(communityProfiles)
        .set({
          trustedAt: sql`coalesce(${communityProfiles.trustedAt}, ${now.toISOString()}::timestamptz)`,
        })
        .where(eq(communityProfiles.id, target.authorId));
    }
  });
  await closeReports(db, target, now);
  // A held answer on the board reaches the asker now.
  if (target.kind === 'answer' && target.wasHeld && target.question.toProfileId === null) {
    const askerId = askerProfileIdOf(target.question);
    if (askerId && askerId !== target.authorId) {
      await notify(db, askerId, 'answer', {
        questionId: target.question.id,
        answerId: target.row.id,
      });
    }
  }
}

/** Removes a post (its author still sees it) and keeps the board's "answered publicly" true. */
async function remove(db: Db, target: Exclude<Target, { kind: 'profile' }>, now: Date) {
  await db.transaction(async (tx) => {
    if (target.kind === 'question') {
      await tx
        .update(communityQuestions)
        .set({ status: 'removed', crisisReviewedAt: now })
        .where(eq(communityQuestions.id, target.row.id));
      return;
    }
    await tx
      .update(communityAnswers)
      .set({ status: 'removed', crisisReviewedAt: now })
      .where(eq(communityAnswers.id, target.row.id));
    const [first] = await tx
      .select({ at: communityAnswers.createdAt })
      .from(communityAnswers)
      .where(
        and(
          eq(communityAnswers.questionId, target.question.id),
          eq(communityAnswers.status, 'published'),
          eq(communityAnswers.private, false),
        ),
      )
      .orderBy(asc(communityAnswers.createdAt))
      .limit(1);
    await tx
      .update(communityQuestions)
      .set({ publicAnswerAt: first?.at ?? null })
      .where(eq(communityQuestions.id, target.question.id));
  });
  await closeReports(db, target, now);
}

async function tellAuthor(
  db: Db,
  target: Target,
  action: 'approve' | 'remove' | 'suspend' | 'reinstate',
  reason: string | null,
): Promise<void> {
  const profileId = target.kind === 'profile' ? target.profile.id : target.authorId;
  const outcome: ModerationOutcome | null =
    action === 'approve'
      ? target.kind !== 'profile' && target.wasHeld
        ? 'approved'
        : null
      : action === 'remove'
        ? 'removed'
        : action === 'suspend'
          ? 'suspended'
          : 'reinstated';
  if (!outcome) return;
  const subject =
    target.kind === 'question'
      ? { questionId: target.row.id }
      : target.kind === 'answer'
        ? { questionId: target.question.id, answerId: target.row.id }
        : {};
  await notify(db, profileId, 'moderation', { ...subject, action: outcome }, { reason });
}

/** The moderators' queue: one item per post or profile, with all its reasons. */
async function queue(db: Db): Promise<QueueItemJson[]> {
  const needsReview = (table: typeof communityQuestions | typeof communityAnswers) =>
    and(
      ne(table.status, 'removed'),
      or(eq(table.status, 'held'), and(eq(table.crisis, true), isNull(table.crisisReviewedAt))),
    );
  const reports = await db
    .select()
    .from(communityReports)
    .where(isNull(communityReports.closedAt))
    .orderBy(asc(communityReports.createdAt))
    .limit(1000);
  const reportedQuestions = ids(reports, 'questionId');
  const reportedAnswers = ids(reports, 'answerId');
  const reportedProfiles = ids(reports, 'profileId');
  const questions = await db
    .select()
    .from(communityQuestions)
    .where(
      or(
        needsReview(communityQuestions),
        reportedQuestions.length > 0
          ? inArray(communityQuestions.id, reportedQuestions)
          : undefined,
      ),
    )
    .orderBy(asc(communityQuestions.createdAt))
    .limit(1000);
  const answers = await db
    .select()
    .from(communityAnswers)
    .where(
      or(
        needsReview(communityAnswers),
        reportedAnswers.length > 0 ? inArray(communityAnswers.id, reportedAnswers) : undefined,
      ),
    )
    .orderBy(asc(communityAnswers.createdAt))
    .limit(1000);
  const profiles =
    reportedProfiles.length > 0
      ? await db
          .select()
          .from(communityProfiles)
          .where(inArray(communityProfiles.id, reportedProfiles))
      : [];
  const names = await pseudonymsOf(db, [
    ...questions.flatMap((q) => [q.askerProfileId, q.toProfileId]),
    ...answers.map((a) => a.authorProfileId),
  ]);
  const reportsOf = (column: 'questionId' | 'answerId' | 'profileId', id: string) =>
    reports
      .filter((r) => r[column] === id)
      .map((r) => ({ reason: r.reason, note: r.note, createdAt: r.createdAt.toISOString() }));
  const reasonsOf = (
    row: { status: string; crisis: boolean; crisisReviewedAt: Date | null },
    reported: boolean,
  ) => {
    const reasons: ('held' | 'crisis' | 'report')[] = [];
    if (row.status === 'held') reasons.push('held');
    if (row.crisis && !row.crisisReviewedAt && row.status !== 'removed') reasons.push('crisis');
    if (reported) reasons.push('report');
    return reasons;
  };

  const items: QueueItemJson[] = [];
  for (const q of questions) {
    const listed = reportsOf('questionId', q.id);
    const reasons = reasonsOf(q, listed.length > 0);
    if (reasons.length === 0) continue;
    const asker = q.anonymous || !q.askerProfileId ? undefined : names.get(q.askerProfileId);
    const to = q.toProfileId ? names.get(q.toProfileId) : undefined;
    items.push({
      targetType: 'question',
      targetId: q.id,
      reasons,
      reports: listed,
      content: {
        title: q.title,
        body: q.body,
        contentWarning: q.contentWarning,
        tags: q.tags,
        author: asker ? { pseudonym: asker } : null,
        to: to ? { pseudonym: to } : null,
        anonymous: q.anonymous,
      },
      profile: null,
      createdAt: q.createdAt.toISOString(),
    });
  }
  for (const a of answers) {
    const listed = reportsOf('answerId', a.id);
    const reasons = reasonsOf(a, listed.length > 0);
    if (reasons.length === 0) continue;
    const author = names.get(a.authorProfileId);
    items.push({
      targetType: 'answer',
      targetId: a.id,
      reasons,
      reports: listed,
      content: {
        title: null,
        body: a.body,
        contentWarning: a.contentWarning,
        tags: [],
        author: author ? { pseudonym: author } : null,
        to: null,
        anonymous: false,
      },
      profile: null,
      createdAt: a.createdAt.toISOString(),
    });
  }
  for (const p of profiles) {
    const listed = reportsOf('profileId', p.id);
    if (listed.length === 0) continue;
    items.push({
      targetType: 'profile',
      targetId: p.pseudonym,
      reasons: ['report'],
      reports: listed,
      content: null,
      profile: { pseudonym: p.pseudonym, bio: p.bio },
      createdAt: listed[0]?.createdAt ?? p.createdAt.toISOString(),
    });
  }
  return items.sort((x, y) => x.createdAt.localeCompare(y.createdAt));
}

function ids(reports: ReportRow[], column: 'questionId' | 'answerId' | 'profileId'): string[] {
  return [...new Set(reports.map((r) => r[column]).filter((id): id is string => id !== null))];
}
