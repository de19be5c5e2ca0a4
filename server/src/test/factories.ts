import { randomUUID } from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';

/** Builders of isolated worlds: every call makes new people, so tests never share state. */

export type Role = 'client' | 'therapist';

export type Person = {
  id: string;
  email: string;
  password: string;
  displayName: string;
  role: Role;
  cookie: string;
  /** Requests as this person (their session cookie, JSON body). */
  request(options: InjectOptions): Promise<LightMyRequestResponse>;
};

export const uniqueEmail = (prefix = 'person') => `${prefix}-${randomUUID()}@example.test`;

export function sessionCookieOf(setCookie: string | string[] | undefined): string {
  const all = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const match = all.map((c) => /^attune_session=([^;]*)/.exec(c)).find((m) => m?.[1]);
  if (!match?.[1]) throw new Error('no attune_session cookie was set');
  return `attune_session=${match[1]}`;
}

async function buildPerson(app: FastifyInstance, role: Role, displayName: string): Promise<Person> {
  const email = uniqueEmail(role);
  const password = `a calm ${role} password ${randomUUID().slice(0, 8)}`;
  const response = await app.inject({
    method: 'POST',
    url: '/api/auth/register',
    payload: { email, password, displayName, role },
  });
  if (response.statusCode !== 201)
    throw new Error(`register failed: ${response.statusCode} ${response.body}`);
  const { user } = response.json<{ user: { id: string } }>();
  const cookie = sessionCookieOf(response.headers['set-cookie']);
  return {
    id: user.id,
    email,
    password,
    displayName,
    role,
    cookie,
    request: (options) =>
      app.inject({ ...options, headers: { cookie, ...(options.headers ?? {}) } }),
  };
}

export const buildClient = (app: FastifyInstance, displayName = 'Robin') =>
  buildPerson(app, 'client', displayName);
export const buildTherapist = (app: FastifyInstance, displayName = 'Dr. Avery') =>
  buildPerson(app, 'therapist', displayName);
