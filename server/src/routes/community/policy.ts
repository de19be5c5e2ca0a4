import { eq, sql } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { SessionUser } from '../../auth/sessions.ts';
import type { Db } from '../../db/client.ts';
import {
  communityAnswers,
  communityBlocks,
  communityMutes,
  communityProfiles,
  communityQuestions,
} from '../../db/schema.ts';
import { AppError, notFound } from '../../errors.ts';
import { requireUser } from '../../plugins/auth.ts';
import { isId } from '../../policies/relationship.ts';
import { PSEUDONYM } from './schema.ts';

/**
 * Who may see and do what in the community. Deny by default: a question or answer the viewer
 * may not see does not exist for them (404). An anonymous asker is recognized only by the
 * server, by opening the sealed `asker` of their question; nothing here ever returns it.
 */

export type ProfileRow = typeof communityProfiles.$inferSelect;
export type QuestionRow = typeof communityQuestions.$inferSelect;
export type AnswerRow = typeof communityAnswers.$inferSelect;

export type Viewer = {
  user: SessionUser;
  profile: ProfileRow | null;
  /** Profiles whose posts the viewer does not want to see: muted, or blocked by pseudonym. */
  hidden: ReadonlySet<string>;
  /** The viewer's mute words. */
  words: readonly string[];
};

export const profileRequired = () =>
  new AppError(
    403,
    'profile_required',
    'Please choose a community name first: it is how others will know you here, apart from your account.',
  );

export const suspended = (reason: string | null) =>
  new AppError(
    403,
    'suspended',
    reason
      ? `A moderator has paused your posting for now: ${reason}`
      : 'A moderator has paused your posting for now.',
  );

export const ownPost = () =>
  new AppError(400, 'own_post', 'This is your own post or profile, so this does not apply.');

/** 409: the ask is past the retention, so nobody is known to block. */
export const askerForgotten = () =>
  new AppError(
    409,
    'asker_forgotten',
    'This ask is old enough that Attune no longer keeps who sent it, so there is nobody to block.',
  );

/** 409: the post is past the retention, so nobody is known to suspend or reinstate. */
export const authorUnknown = () =>
  new AppError(
    409,
    'author_unknown',
    'Attune no longer keeps who wrote this (it is past the retention), so there is nobody to suspend or reinstate. You can still remove it.',
  );

export async function profileOfUser(db: Db, userId: string): Promise<ProfileRow | null> {
  const [row] = await db
    .select()
    .from(communityProfiles)
    .where(eq(communityProfiles.userId, userId))
    .limit(1);
  return row ?? null;
}

/** The viewer, with their mutes and mute words when `preferences` is asked for. */
export async function loadViewer(db: Db, user: SessionUser, preferences = true): Promise<Viewer> {
  const profile = await profileOfUser(db, user.id);
  if (!profile || !preferences) return { user, profile, hidden: new Set(), words: [] };
  const [mutes, blocks] = await Promise.all([
    db
      .select({ id: communityMutes.mutedProfileId })
      .from(communityMutes)
      .where(eq(communityMutes.profileId, profile.id)),
    db
      .select({ id: communityBlocks.blockedProfileId })
      .from(communityBlocks)
      .where(eq(communityBlocks.ownerProfileId, profile.id)),
  ]);
  const hidden = new Set<string>();
  for (const row of [...mutes, ...blocks]) if (row.id) hidden.add(row.id);
  return {
    user,
    profile,
    hidden,
    words: Array.isArray(profile.muteWords) ? profile.muteWords : [],
  };
}

/** The signed-in caller as a viewer, without their mutes and mute words. */
export function signedInViewer(db: Db, request: FastifyRequest): Promise<Viewer> {
  return loadViewer(db, requireUser(request), false);
}

/** The viewer's profile, or 403 `profile_required`. */
export function requireProfile(viewer: Viewer): ProfileRow {
  if (!viewer.profile) throw profileRequired();
  return viewer.profile;
}

/** The viewer's profile when they may post, or 403. */
export function requirePoster(viewer: Viewer): ProfileRow {
  const profile = requireProfile(viewer);
  if (profile.suspendedAt) throw suspended(profile.suspensionReason);
  return profile;
}

/** The profile with this pseudonym (any case), or undefined. */
export async function profileByPseudonym(
  db: Db,
  pseudonym: string,
): Promise<ProfileRow | undefined> {
  const name = pseudonym.trim();
  if (!PSEUDONYM.test(name)) return undefined;
  const [row] = await db
    .select()
    .from(communityProfiles)
    .where(sql`lower(${communityProfiles.pseudonym}) = ${name.toLowerCase()}`)
    .limit(1);
  return row;
}

/** Someone else's profile by pseudonym: unknown, 404; `myProfileId`'s own, 400 `own_post`. */
export async function otherProfileByPseudonym(
  db: Db,
  pseudonym: string,
  myProfileId: string | undefined,
): Promise<ProfileRow> {
  const profile = await profileByPseudonym(db, pseudonym);
  if (!profile) throw notFound();
  if (profile.id === myProfileId) throw ownPost();
  return profile;
}

/** Whether the viewer asked this question (named or anonymous). */
export function isAsker(viewer: Viewer, q: QuestionRow): boolean {
  const id = viewer.profile?.id;
  if (!id) return false;
  return q.anonymous ? q.asker === id : q.askerProfileId === id;
}

/** Whether the question is an ask delivered to the viewer's ask box. */
export function isRecipient(viewer: Viewer, q: QuestionRow): boolean {
  return q.toProfileId !== null && q.toProfileId === viewer.profile?.id && q.delivered;
}

/** The profile id of whoever asked (opening the sealed asker), or null once forgotten. */
export function askerProfileIdOf(q: QuestionRow): string | null {
  return q.anonymous ? q.asker : q.askerProfileId;
}

/**
 * Whether the viewer may see a question: its asker always (held or removed included); the
 * recipient of a delivered ask; anyone, once published on the board or, for an ask, once
 * answered publicly.
 */
export function maySeeQuestion(viewer: Viewer, q: QuestionRow): boolean {
  if (isAsker(viewer, q)) return true;
  if (q.status !== 'published') return false;
  if (q.toProfileId === null) return true;
  return isRecipient(viewer, q) || q.publicAnswerAt !== null;
}

/**
 * Whether the viewer may see an answer of a question they see: its author always; a public,
 * published one anyone; a private one only the asker; a held one, to an ask, the asker too
 * (asks are answered at once; only the board waits for a moderator).
 */
export function maySeeAnswer(viewer: Viewer, q: QuestionRow, a: AnswerRow): boolean {
  if (viewer.profile && a.authorProfileId === viewer.profile.id) return true;
  if (a.status === 'removed') return false;
  const asker = isAsker(viewer, q);
  if (a.private) return asker && a.status === 'published';
  if (a.status === 'held') return asker && q.toProfileId !== null;
  return true;
}

/** A question by id that the viewer may see, or 404. */
export async function visibleQuestion(db: Db, viewer: Viewer, id: string): Promise<QuestionRow> {
  if (!isId(id)) throw notFound();
  const [q] = await db.select().from(communityQuestions).where(eq(communityQuestions.id, id));
  if (!q || !maySeeQuestion(viewer, q)) throw notFound();
  return q;
}

/** An answer by id that the viewer may see, with its question, or 404. */
export async function visibleAnswer(
  db: Db,
  viewer: Viewer,
  id: string,
): Promise<{ q: QuestionRow; a: AnswerRow }> {
  if (!isId(id)) throw notFound();
  const [a] = await db.select().from(communityAnswers).where(eq(communityAnswers.id, id));
  if (!a) throw notFound();
  const [q] = await db
    .select()
    .from(communityQuestions)
    .where(eq(communityQuestions.id, a.questionId));
  if (!q || !maySeeQuestion(viewer, q) || !maySeeAnswer(viewer, q, a)) throw notFound();
  return { q, a };
}
