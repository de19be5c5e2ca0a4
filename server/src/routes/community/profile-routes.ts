import { randomUUID } from 'node:crypto';
import { hasCrisisLanguage } from '@attune/core/crisis';
import { and, eq, ne, sql } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { isModerator } from '../../community/moderators.ts';
import { communityProfiles } from '../../db/schema.ts';
import { conflict, notFound } from '../../errors.ts';
import { requireUser, signedIn } from '../../plugins/auth.ts';
import type { Services } from '../../services.ts';
import { profileByPseudonym, profileOfUser } from './policy.ts';
import { presentOwnProfile, presentProfile } from './present.ts';
import {
  CheckBody,
  CheckResponse,
  COMMUNITY_TAGS,
  OwnProfileResponse,
  ProfileResponse,
  PseudonymParams,
  PutOwnProfileResponse,
  PutProfileBody,
  TagList,
} from './schema.ts';

/** Names nobody may take: they would read as the system speaking, or as nobody. */
const RESERVED = new Set([
  'anonymous',
  'anon',
  'moderator',
  'moderators',
  'mod',
  'mods',
  'admin',
  'administrator',
  'attune',
  'system',
  'support',
  'staff',
  'deleted',
  'nobody',
  'someone',
]);

const taken = () =>
  conflict('pseudonym_taken', 'Someone already goes by that name here. Please choose another.');

/** Whether an error is PostgreSQL's unique violation (code 23505), however it is wrapped. */
function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; cause?: { code?: unknown } } | undefined;
  return e?.code === '23505' || e?.cause?.code === '23505';
}

export const profileRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const { db } = services;
  const tags = ['community'];

  app.get(
    '/api/community/profile',
    {
      onRequest: signedIn,
      schema: {
        tags,
        description:
          'My own community profile (null before I make one), and whether I am a moderator.',
        response: { 200: OwnProfileResponse },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const profile = await profileOfUser(db, user.id);
      return {
        profile: profile ? await presentOwnProfile(db, profile) : null,
        moderator: await isModerator(db, user, services.env.moderators),
      };
    },
  );

  app.put(
    '/api/community/profile',
    {
      onRequest: signedIn,
      schema: {
        tags,
        body: PutProfileBody,
        description:
          'Makes or changes my community profile. A pseudonym taken by someone else (in any case) or reserved: 409 `pseudonym_taken`.',
        response: { 200: PutOwnProfileResponse },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const body = request.body;
      const pseudonym = body.pseudonym;
      if (RESERVED.has(pseudonym.toLowerCase())) throw taken();
      const current = await profileOfUser(db, user.id);
      const [clash] = await db
        .select({ id: communityProfiles.id })
        .from(communityProfiles)
        .where(
          and(
            sql`lower(${communityProfiles.pseudonym}) = ${pseudonym.toLowerCase()}`,
            ne(communityProfiles.userId, user.id),
          ),
        )
        .limit(1);
      if (clash) throw taken();
      const values = {
        pseudonym,
        askBoxOpen: body.askBoxOpen,
        allowAnonymous: body.allowAnonymous,
        bio: body.bio ?? null,
      };
      let row: typeof communityProfiles.$inferSelect | undefined;
      try {
        if (current) {
          [row] = await db
            .update(communityProfiles)
            .set({ ...values, updatedAt: new Date() })
            .where(eq(communityProfiles.id, current.id))
            .returning();
        } else {
          [row] = await db
            .insert(communityProfiles)
            .values({ id: randomUUID(), userId: user.id, ...values })
            .onConflictDoUpdate({
              target: communityProfiles.userId,
              set: { ...values, updatedAt: new Date() },
            })
            .returning();
        }
      } catch (error) {
        // Two people choosing the same name at once: the unique index decides.
        if (isUniqueViolation(error)) throw taken();
        throw error;
      }
      if (!row) throw notFound();
      return { profile: await presentOwnProfile(db, row) };
    },
  );

  app.get(
    '/api/community/profiles/:pseudonym',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: PseudonymParams,
        description: 'Someone’s community profile, by pseudonym (any case); unknown: 404.',
        response: { 200: ProfileResponse },
      },
    },
    async (request) => {
      requireUser(request);
      const profile = await profileByPseudonym(db, request.params.pseudonym);
      if (!profile) throw notFound();
      return { profile: await presentProfile(db, profile) };
    },
  );

  app.get(
    '/api/community/tags',
    {
      onRequest: signedIn,
      schema: { tags, description: 'The tags a question may carry.', response: { 200: TagList } },
    },
    async () => ({ items: [...COMMUNITY_TAGS] }),
  );

  app.post(
    '/api/community/check',
    {
      onRequest: signedIn,
      schema: {
        tags,
        body: CheckBody,
        description:
          'Whether a text holds crisis language (core/src/crisis.ts), with the crisis resources when it does, for a gentle interstitial before posting. Nothing is stored.',
        response: { 200: CheckResponse },
      },
    },
    async (request) => {
      const crisisLanguage = hasCrisisLanguage(request.body.text);
      return { crisisLanguage, resources: crisisLanguage ? services.crisisResources : null };
    },
  );
};
