import { and, asc, countDistinct, eq, inArray, or } from 'drizzle-orm';
import type { z } from 'zod';
import { muteMatcher } from '../../community/mute-words.ts';
import type { Db } from '../../db/client.ts';
import {
  communityAnswers,
  communityHelped,
  communityProfiles,
  communityQuestions,
} from '../../db/schema.ts';
import {
  type AnswerRow,
  isAsker,
  maySeeAnswer,
  maySeeQuestion,
  type ProfileRow,
  type QuestionRow,
  type Viewer,
} from './policy.ts';
import type { Answer, FollowUp, OwnProfile, Profile, Question } from './schema.ts';

/**
 * What of the community leaves the server: allow-lists of fields. A person appears only as
 * `{pseudonym}`; never an account id, an email, a role, a profile id, or an anonymous asker.
 */

type ProfileJson = z.infer<typeof Profile>;
type OwnProfileJson = z.infer<typeof OwnProfile>;
type QuestionJson = z.infer<typeof Question>;
type FollowUpJson = z.infer<typeof FollowUp>;
type AnswerJson = z.infer<typeof Answer>;

/** How many asks and questions the profile has answered (published answers). */
export async function answeredCount(db: Db, profileId: string): Promise<number> {
  const [row] = await db
    .select({ n: countDistinct(communityAnswers.questionId) })
    .from(communityAnswers)
    .where(
      and(
        eq(communityAnswers.authorProfileId, profileId),
        eq(communityAnswers.status, 'published'),
      ),
    );
  return Number(row?.n ?? 0);
}

export async function presentProfile(db: Db, p: ProfileRow): Promise<ProfileJson> {
  return {
    pseudonym: p.pseudonym,
    bio: p.bio,
    askBoxOpen: p.askBoxOpen,
    allowAnonymous: p.allowAnonymous,
    answeredCount: await answeredCount(db, p.id),
  };
}

export async function presentOwnProfile(db: Db, p: ProfileRow): Promise<OwnProfileJson> {
  return {
    ...(await presentProfile(db, p)),
    trusted: p.trustedAt !== null,
    suspended: p.suspendedAt !== null,
    suspensionReason: p.suspendedAt ? p.suspensionReason : null,
    createdAt: p.createdAt.toISOString(),
  };
}

/** Pseudonyms by profile id, for the ids given. */
export async function pseudonymsOf(
  db: Db,
  ids: Iterable<string | null>,
): Promise<Map<string, string>> {
  const wanted = [...new Set([...ids].filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await db
    .select({ id: communityProfiles.id, pseudonym: communityProfiles.pseudonym })
    .from(communityProfiles)
    .where(inArray(communityProfiles.id, wanted));
  return new Map(rows.map((r) => [r.id, r.pseudonym]));
}

type Helped = { byMe: boolean; someone: boolean };

/** "This helped" for questions and answers: whether the viewer marked it, whether anybody did. */
async function helpedOf(
  db: Db,
  viewer: Viewer,
  questionIds: string[],
  answerIds: string[],
): Promise<{ questions: Map<string, Helped>; answers: Map<string, Helped> }> {
  const questions = new Map<string, Helped>();
  const answers = new Map<string, Helped>();
  if (questionIds.length + answerIds.length === 0) return { questions, answers };
  const me = viewer.profile?.id;
  const rows = await db
    .select({
      questionId: communityHelped.questionId,
      answerId: communityHelped.answerId,
      profileId: communityHelped.profileId,
    })
    .from(communityHelped)
    .where(
      or(
        questionIds.length > 0 ? inArray(communityHelped.questionId, questionIds) : undefined,
        answerIds.length > 0 ? inArray(communityHelped.answerId, answerIds) : undefined,
      ),
    );
  for (const row of rows) {
    const map = row.questionId ? questions : answers;
    const key = (row.questionId ?? row.answerId) as string;
    const current = map.get(key) ?? { byMe: false, someone: false };
    map.set(key, { byMe: current.byMe || row.profileId === me, someone: true });
  }
  return { questions, answers };
}

export async function helpedFor(
  db: Db,
  viewer: Viewer,
  target: { questionId?: string; answerId?: string },
): Promise<Helped> {
  const { questions, answers } = await helpedOf(
    db,
    viewer,
    target.questionId ? [target.questionId] : [],
    target.answerId ? [target.answerId] : [],
  );
  const key = target.questionId ?? target.answerId ?? '';
  return (target.questionId ? questions : answers).get(key) ?? { byMe: false, someone: false };
}

const NO_HELP: Helped = { byMe: false, someone: false };

/** Everything needed to present a set of questions to one viewer, loaded in a few queries. */
type Loaded = {
  answers: Map<string, AnswerRow[]>;
  followUps: Map<string, QuestionRow[]>;
  names: Map<string, string>;
  helped: { questions: Map<string, Helped>; answers: Map<string, Helped> };
};

export type PresentOptions = {
  /** Include each root question's follow-ups (a thread). */
  followUps?: boolean;
  /** Leave out answers by people the viewer muted or blocked (the board, threads). */
  hideMuted?: boolean;
};

async function load(
  db: Db,
  viewer: Viewer,
  questions: QuestionRow[],
  options: PresentOptions,
): Promise<Loaded> {
  const followUps = new Map<string, QuestionRow[]>();
  let all = questions;
  const roots = questions.filter((q) => q.followUpOf === null).map((q) => q.id);
  if (options.followUps && roots.length > 0) {
    const rows = await db
      .select()
      .from(communityQuestions)
      .where(inArray(communityQuestions.followUpOf, roots))
      .orderBy(asc(communityQuestions.createdAt), asc(communityQuestions.id));
    for (const row of rows) {
      if (!maySeeQuestion(viewer, row)) continue;
      if (options.hideMuted && row.askerProfileId && viewer.hidden.has(row.askerProfileId)) {
        continue;
      }
      const list = followUps.get(row.followUpOf as string) ?? [];
      list.push(row);
      followUps.set(row.followUpOf as string, list);
    }
    all = [...questions, ...[...followUps.values()].flat()];
  }
  const ids = all.map((q) => q.id);
  const answerRows =
    ids.length === 0
      ? []
      : await db
          .select()
          .from(communityAnswers)
          .where(inArray(communityAnswers.questionId, ids))
          .orderBy(asc(communityAnswers.createdAt), asc(communityAnswers.id));
  const byId = new Map(all.map((q) => [q.id, q]));
  const answers = new Map<string, AnswerRow[]>();
  for (const a of answerRows) {
    const q = byId.get(a.questionId);
    if (!q || !maySeeAnswer(viewer, q, a)) continue;
    if (options.hideMuted && viewer.hidden.has(a.authorProfileId)) continue;
    const list = answers.get(a.questionId) ?? [];
    list.push(a);
    answers.set(a.questionId, list);
  }
  const visibleAnswers = [...answers.values()].flat();
  const names = await pseudonymsOf(db, [
    ...all.flatMap((q) => [q.askerProfileId, q.toProfileId]),
    ...visibleAnswers.map((a) => a.authorProfileId),
  ]);
  const helped = await helpedOf(
    db,
    viewer,
    ids,
    visibleAnswers.map((a) => a.id),
  );
  return { answers, followUps, names, helped };
}

function presentAnswer(
  viewer: Viewer,
  a: AnswerRow,
  loaded: Loaded,
  muted: ((text: string) => boolean) | undefined,
): AnswerJson {
  const pseudonym = loaded.names.get(a.authorProfileId);
  const mine = viewer.profile?.id === a.authorProfileId;
  return {
    id: a.id,
    questionId: a.questionId,
    body: a.body,
    contentWarning: a.contentWarning,
    author: pseudonym ? { pseudonym } : null,
    private: a.private,
    status: a.status,
    createdAt: a.createdAt.toISOString(),
    mine,
    crisisLanguage: a.crisis,
    collapsed: !mine && muted !== undefined && muted(`${a.contentWarning ?? ''}\n${a.body}`),
    helped: loaded.helped.answers.get(a.id) ?? NO_HELP,
  };
}

function presentOne(
  viewer: Viewer,
  q: QuestionRow,
  loaded: Loaded,
  muted: ((text: string) => boolean) | undefined,
): FollowUpJson {
  const mine = isAsker(viewer, q);
  const answers = (loaded.answers.get(q.id) ?? []).map((a) =>
    presentAnswer(viewer, a, loaded, muted),
  );
  const asker = q.anonymous || !q.askerProfileId ? undefined : loaded.names.get(q.askerProfileId);
  const to = q.toProfileId ? loaded.names.get(q.toProfileId) : undefined;
  const text = `${q.title ?? ''}\n${q.contentWarning ?? ''}\n${q.body}`;
  return {
    id: q.id,
    title: q.title,
    body: q.body,
    tags: q.tags,
    contentWarning: q.contentWarning,
    anonymous: q.anonymous,
    asker: asker ? { pseudonym: asker } : null,
    to: to ? { pseudonym: to } : null,
    followUpOf: q.followUpOf,
    status:
      q.status === 'held'
        ? 'held'
        : q.status === 'removed'
          ? 'removed'
          : answers.length > 0
            ? 'answered'
            : 'open',
    createdAt: q.createdAt.toISOString(),
    mine,
    crisisLanguage: q.crisis,
    collapsed: !mine && muted !== undefined && muted(text),
    helped: loaded.helped.questions.get(q.id) ?? NO_HELP,
    answers,
  };
}

/** Presents questions (already known to be visible to the viewer) with their answers. */
export async function presentQuestions(
  db: Db,
  viewer: Viewer,
  questions: QuestionRow[],
  options: PresentOptions = {},
): Promise<QuestionJson[]> {
  const loaded = await load(db, viewer, questions, options);
  const muted = muteMatcher(viewer.words);
  return questions.map((q) => ({
    ...presentOne(viewer, q, loaded, muted),
    followUps: (loaded.followUps.get(q.id) ?? []).map((f) => presentOne(viewer, f, loaded, muted)),
  }));
}

export async function presentQuestion(
  db: Db,
  viewer: Viewer,
  q: QuestionRow,
  options: PresentOptions = {},
): Promise<QuestionJson> {
  const [presented] = await presentQuestions(db, viewer, [q], options);
  return presented as QuestionJson;
}

export async function presentAnswerOf(
  db: Db,
  viewer: Viewer,
  q: QuestionRow,
  a: AnswerRow,
): Promise<AnswerJson> {
  const names = await pseudonymsOf(db, [a.authorProfileId]);
  const helped = await helpedFor(db, viewer, { answerId: a.id });
  const loaded: Loaded = {
    answers: new Map([[q.id, [a]]]),
    followUps: new Map(),
    names,
    helped: { questions: new Map(), answers: new Map([[a.id, helped]]) },
  };
  return presentAnswer(viewer, a, loaded, muteMatcher(viewer.words));
}
