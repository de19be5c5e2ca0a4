import { randomUUID } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect } from 'vitest';
import type { z } from 'zod';
import { grantModerator } from '../../community/moderators.ts';
import type { Db } from '../../db/client.ts';
import { buildClient, buildTherapist, type Person } from '../../test/factories.ts';
import { startTestApp, type TestApp } from '../../test/harness.ts';
import type { Answer, OwnProfile, Question } from './schema.ts';

/** Test worlds of the community, built through the API (tests only). */

export type QuestionJson = z.infer<typeof Question>;
export type AnswerJson = z.infer<typeof Answer>;
export type ProfileJson = z.infer<typeof OwnProfile>;
export type ErrorJson = {
  error: { code: string; message: string; fields?: Record<string, string> };
};

export type Peer = Person & { pseudonym: string };

/** A fresh pseudonym: letters and digits, unique per call. */
export const newPseudonym = (prefix = 'peer') =>
  `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;

export async function makeProfile(
  person: Person,
  options: {
    askBoxOpen?: boolean;
    allowAnonymous?: boolean;
    bio?: string;
    pseudonym?: string;
  } = {},
): Promise<Peer> {
  const pseudonym = options.pseudonym ?? newPseudonym();
  const response = await person.request({
    method: 'PUT',
    url: '/api/community/profile',
    payload: {
      pseudonym,
      askBoxOpen: options.askBoxOpen ?? true,
      allowAnonymous: options.allowAnonymous ?? true,
      ...(options.bio === undefined ? {} : { bio: options.bio }),
    },
  });
  expect(response.statusCode, response.body).toBe(200);
  return Object.assign(person, { pseudonym });
}

/** A client (or therapist) with a community profile. */
export async function buildPeer(
  app: FastifyInstance,
  options: Parameters<typeof makeProfile>[1] & { role?: 'client' | 'therapist' } = {},
): Promise<Peer> {
  const person = options.role === 'therapist' ? await buildTherapist(app) : await buildClient(app);
  return makeProfile(person, options);
}

/** A moderator (granted in the database, as the admin command does); with a profile if asked. */
export async function buildModerator(app: FastifyInstance, db: Db): Promise<Person> {
  const person = await buildClient(app, 'Morgan');
  expect(await grantModerator(db, person.email)).toBe('granted');
  return person;
}

/**
 * What every community test file starts from: a test app with a moderator, started before the
 * file's tests (handed to `set`) and closed after them.
 */
export function useCommunityApp(set: (world: { t: TestApp; moderator: Person }) => void): void {
  let t: TestApp | undefined;
  beforeAll(async () => {
    t = await startTestApp();
    set({ t, moderator: await buildModerator(t.app, t.services.db) });
  });
  afterAll(async () => {
    await t?.close();
  });
}

/** A peer whose board posts are published at once: their first post approved by `moderator`. */
export async function buildTrustedPeer(
  app: FastifyInstance,
  moderator: Person,
  options: Parameters<typeof buildPeer>[1] = {},
): Promise<Peer> {
  const peer = await buildPeer(app, options);
  await trust(peer, moderator);
  return peer;
}

export async function ask(
  asker: Person,
  payload: Record<string, unknown>,
  status = 201,
): Promise<QuestionJson> {
  const response = await asker.request({
    method: 'POST',
    url: '/api/community/questions',
    payload,
  });
  expect(response.statusCode, response.body).toBe(status);
  return response.json<{ question: QuestionJson }>().question;
}

export async function answer(
  person: Person,
  questionId: string,
  payload: Record<string, unknown>,
  status = 201,
): Promise<AnswerJson> {
  const response = await person.request({
    method: 'POST',
    url: `/api/community/questions/${questionId}/answers`,
    payload,
  });
  expect(response.statusCode, response.body).toBe(status);
  return response.json<{ answer: AnswerJson }>().answer;
}

export async function get<T>(person: Person, url: string, status = 200): Promise<T> {
  const response = await person.request({ method: 'GET', url });
  expect(response.statusCode, `${url}: ${response.body}`).toBe(status);
  return response.json<T>();
}

export async function moderate(
  moderator: Person,
  payload: Record<string, unknown>,
): Promise<LightMyRequestResponse> {
  const response = await moderator.request({
    method: 'POST',
    url: '/api/community/moderation/actions',
    payload,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response;
}

/** A peer whose public posts are no longer held: their first post approved by a moderator. */
export async function trust(peer: Peer, moderator: Person): Promise<void> {
  const first = await ask(peer, { body: 'Hello, everyone. Glad to be here.' });
  expect(first.status).toBe('held');
  await moderate(moderator, { targetType: 'question', targetId: first.id, action: 'approve' });
}

export const errorOf = (response: LightMyRequestResponse) => response.json<ErrorJson>().error;
