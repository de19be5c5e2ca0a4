import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { eq, getTableName, is } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hashToken } from '../auth/sessions.ts';
import * as schema from '../db/schema.ts';
import { buildClient, type Person, sessionCookieOf, uniqueEmail } from '../test/factories.ts';
import { startTestApp, type TestApp } from '../test/harness.ts';
import { daysFromNow, someAddress } from '../test/world.ts';
import { type AttackWorld, buildAttackWorld, type RecordedRoute } from './attack-world.ts';
import { PARAMS, type RouteKey, routeKeys, STREAMS } from './route-table.ts';

/**
 * The session and transport part of the attack suite, through the HTTP API: session fixation,
 * expiry (idle and absolute, on a clock the test moves), cross-site request forgery on every
 * state-changing route of the app, no CORS, the cookie's attributes with and without a trusted
 * TLS-terminating proxy, and the sign-in and registration rate limits.
 */

// Every route the app registers: an onRoute hook on every Fastify instance (as the
// authorization matrix does), so a new state-changing route is attacked without being listed.
const recorded = vi.hoisted(() => [] as RecordedRoute[]);
vi.mock('fastify', async (importOriginal) => {
  const { recordingFastify } = await import('./attack-world.ts');
  return recordingFastify(await importOriginal(), recorded);
});

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const t = await startTestApp();
const { keys: routes } = routeKeys(recorded);
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const writes = routes.filter((key) => STATE_CHANGING.has(key.split(' ')[0] ?? ''));
const reads = routes.filter((key) => key.startsWith('GET ') && !STREAMS[key]);

afterAll(async () => {
  await t.close();
});

// ---------------------------------------------------------------------------------------------
// Helpers

const tokenOf = (cookie: string) => cookie.slice(cookie.indexOf('=') + 1);
/** A cookie with a token shaped like a real one, made up by an attacker. */
const planted = () => `attune_session=${randomBytes(32).toString('base64url')}`;

const me = (cookie: string, app: TestApp = t) =>
  app.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } });

/** Who a cookie signs in as: a user id, or null when it signs in as nobody. */
async function whoIs(cookie: string, app: TestApp = t): Promise<string | null> {
  const response = await me(cookie, app);
  if (response.statusCode === 401) return null;
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ user: { id: string } }>().user.id;
}

function login(
  person: { email: string; password: string },
  options: { cookie?: string; app?: TestApp; headers?: Record<string, string>; totp?: string } = {},
) {
  return (options.app ?? t).app.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress: someAddress(),
    headers: { ...(options.cookie ? { cookie: options.cookie } : {}), ...options.headers },
    payload: {
      email: person.email,
      password: person.password,
      ...(options.totp === undefined ? {} : { totp: options.totp }),
    },
  });
}

/** A new sign-in of the person, as another device would make it. */
async function anotherSignIn(person: Person, app: TestApp = t): Promise<string> {
  const response = await login(person, { app });
  expect(response.statusCode, response.body).toBe(200);
  return sessionCookieOf(response.headers['set-cookie']);
}

/** A Set-Cookie header as its name, value and attributes (names lower-cased). */
function parseSetCookie(header: string) {
  const [pair = '', ...parts] = header.split(';').map((part) => part.trim());
  const attributes = new Map<string, string>();
  for (const part of parts) {
    const at = part.indexOf('=');
    if (at === -1) attributes.set(part.toLowerCase(), '');
    else attributes.set(part.slice(0, at).toLowerCase(), part.slice(at + 1));
  }
  const at = pair.indexOf('=');
  return { name: pair.slice(0, at), value: pair.slice(at + 1), attributes };
}

function sessionSetCookie(response: LightMyRequestResponse) {
  const all = [response.headers['set-cookie'] ?? []].flat();
  const ours = all.filter((header) => header.startsWith('attune_session='));
  expect(ours, `Set-Cookie: ${all.join(' | ')}`).toHaveLength(1);
  return parseSetCookie(ours[0] ?? '');
}

/** `{error: {code, message}}` and nothing else, with the given status and code. */
function expectError(response: LightMyRequestResponse, status: number, code: string) {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(response.json()).toEqual({ error: { code, message: expect.any(String) } });
}

function expectNoCors(response: LightMyRequestResponse, what: string) {
  const cors = Object.keys(response.headers).filter((name) => name.startsWith('access-control-'));
  expect(cors, what).toEqual([]);
}

/**
 * Every row of every table, as JSON lines. Sessions are compared without `last_seen_at`, which
 * the app writes back in the background after a use (a sign-in starting or ending still shows).
 */
async function snapshot(app: TestApp = t): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  for (const table of Object.values(schema)) {
    if (!is(table, PgTable)) continue;
    const rows = (await app.services.db.select().from(table)) as Record<string, unknown>[];
    const name = getTableName(table);
    out.set(
      name,
      new Set(
        rows.map((row) => {
          const { lastSeenAt: _ignored, ...rest } = row;
          return JSON.stringify(name === 'sessions' ? rest : row, (_k, v) =>
            typeof v === 'bigint' ? v.toString() : v,
          );
        }),
      ),
    );
  }
  return out;
}

function differences(before: Map<string, Set<string>>, after: Map<string, Set<string>>) {
  const changes: string[] = [];
  for (const [table, rows] of after) {
    const old = before.get(table) ?? new Set<string>();
    for (const row of rows) if (!old.has(row)) changes.push(`${table} + ${row}`);
    for (const row of old) if (!rows.has(row)) changes.push(`${table} - ${row}`);
  }
  return changes;
}

// ---------------------------------------------------------------------------------------------

describe('session fixation: a token planted before sign-in is never adopted', () => {
  it('signing in with a made-up token in the cookie sets a fresh one; the planted one stays nobody', async () => {
    const robin = await buildClient(t.app);
    const fixed = planted();
    const response = await login(robin, { cookie: fixed });
    expect(response.statusCode, response.body).toBe(200);
    const cookie = sessionSetCookie(response);
    expect(cookie.value).not.toBe(tokenOf(fixed));
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await whoIs(`attune_session=${cookie.value}`)).toBe(robin.id);
    expect(await whoIs(fixed)).toBeNull();
  });

  it('registering with a made-up token in the cookie sets a fresh one; the planted one stays nobody', async () => {
    const fixed = planted();
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      headers: { cookie: fixed },
      payload: {
        email: uniqueEmail(),
        password: 'a calm new password 77',
        displayName: 'Fixed',
        role: 'client',
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    const cookie = sessionSetCookie(response);
    expect(cookie.value).not.toBe(tokenOf(fixed));
    expect(await whoIs(`attune_session=${cookie.value}`)).toBe(response.json().user.id);
    expect(await whoIs(fixed)).toBeNull();
  });

  it('signing in over an attacker’s real session token never lets that token act as the victim', async () => {
    const attacker = await buildClient(t.app, 'Mallory');
    const victim = await buildClient(t.app, 'Robin');
    // The attacker's own valid token, planted in the victim's browser before they sign in.
    const fixed = await anotherSignIn(attacker);
    const response = await login(victim, { cookie: fixed });
    expect(response.statusCode, response.body).toBe(200);
    const fresh = `attune_session=${sessionSetCookie(response).value}`;
    expect(fresh).not.toBe(fixed);
    expect(await whoIs(fresh)).toBe(victim.id);
    // The planted token is ended (or at most still the attacker's), never the victim's.
    expect([null, attacker.id]).toContain(await whoIs(fixed));
    expect(await whoIs(attacker.cookie)).toBe(attacker.id);
  });

  it('registering over an attacker’s real session token leaves that token the attacker’s', async () => {
    const attacker = await buildClient(t.app, 'Mallory');
    const fixed = await anotherSignIn(attacker);
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      headers: { cookie: fixed },
      payload: {
        email: uniqueEmail(),
        password: 'a calm new password 78',
        displayName: 'Victim',
        role: 'therapist',
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    const fresh = `attune_session=${sessionSetCookie(response).value}`;
    expect(fresh).not.toBe(fixed);
    expect(await whoIs(fresh)).toBe(response.json().user.id);
    expect([null, attacker.id]).toContain(await whoIs(fixed));
  });

  it('signing in again replaces the token in the cookie and ends the one it replaced', async () => {
    const robin = await buildClient(t.app);
    const response = await login(robin, { cookie: robin.cookie });
    expect(response.statusCode, response.body).toBe(200);
    const fresh = `attune_session=${sessionSetCookie(response).value}`;
    expect(fresh).not.toBe(robin.cookie);
    expect(await whoIs(fresh)).toBe(robin.id);
    expect(await whoIs(robin.cookie)).toBeNull();
  });

  it('after sign-out the old token is dead, however often it is replayed, and for writes too', async () => {
    const robin = await buildClient(t.app);
    const other = await anotherSignIn(robin);
    const out = await robin.request({ method: 'POST', url: '/api/auth/logout', payload: {} });
    expect(out.statusCode).toBe(204);
    expect(sessionSetCookie(out).value).toBe('');
    for (let i = 0; i < 3; i++) {
      expectError(await me(robin.cookie), 401, 'not_signed_in');
      const write = await robin.request({
        method: 'POST',
        url: '/api/relationships',
        payload: { therapistName: 'Replayed' },
      });
      expectError(write, 401, 'not_signed_in');
    }
    // Signing out again with the dead token is harmless and revives nothing.
    expect(
      (await robin.request({ method: 'POST', url: '/api/auth/logout', payload: {} })).statusCode,
    ).toBe(204);
    expect(await whoIs(robin.cookie)).toBeNull();
    // Another sign-in of the same person, and a new one, do not bring it back either.
    expect(await whoIs(other)).toBe(robin.id);
    await anotherSignIn(robin);
    expect(await whoIs(robin.cookie)).toBeNull();
    const [row] = await t.services.db
      .select()
      .from(schema.sessions)
      .where(eq(schema.sessions.id, hashToken(tokenOf(robin.cookie))));
    expect(row).toBeUndefined();
  });

  it('a password change ends every other sign-in and rotates this one: the old value is dead', async () => {
    const robin = await buildClient(t.app);
    const phone = await anotherSignIn(robin);
    const laptop = await anotherSignIn(robin);
    const changed = await robin.request({
      method: 'PUT',
      url: '/api/me/password',
      payload: { currentPassword: robin.password, newPassword: 'a brand new calm passphrase 9' },
    });
    expect(changed.statusCode, changed.body).toBe(204);
    const cookie = sessionSetCookie(changed);
    expect(cookie.value).not.toBe(tokenOf(robin.cookie));
    expect(await whoIs(`attune_session=${cookie.value}`)).toBe(robin.id);
    for (const old of [robin.cookie, phone, laptop]) {
      expect(await whoIs(old)).toBeNull();
      expectError(
        await t.app.inject({
          method: 'PUT',
          url: '/api/me/password',
          headers: { cookie: old },
          payload: {
            currentPassword: 'a brand new calm passphrase 9',
            newPassword: 'x'.repeat(20),
          },
        }),
        401,
        'not_signed_in',
      );
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('session expiry, on a clock the test moves', () => {
  const idleMs = 30 * MINUTE;
  const maxMs = 12 * HOUR;
  let clocked: TestApp;
  let now = Date.parse('2031-03-03T09:00:00Z');
  const advance = (ms: number) => {
    now += ms;
    vi.setSystemTime(now);
  };

  beforeAll(async () => {
    // Only Date is faked (timers stay real), and before the app is built, so the session store
    // reads this clock.
    vi.useFakeTimers({ toFake: ['Date'], now });
    clocked = await startTestApp({ env: { sessionIdleMs: idleMs, sessionMaxMs: maxMs } });
  });
  afterAll(async () => {
    await clocked?.close();
    vi.useRealTimers();
  });

  /**
   * Uses the session now, and waits until the database has the use: activity is written back in
   * the background, and a clock that jumps minutes in a millisecond could overtake the write.
   */
  async function use(cookie: string): Promise<number> {
    const response = await me(cookie, clocked);
    if (response.statusCode !== 200) return response.statusCode;
    for (let i = 0; i < 500; i++) {
      const [row] = await clocked.services.db
        .select({ lastSeenAt: schema.sessions.lastSeenAt })
        .from(schema.sessions)
        .where(eq(schema.sessions.id, hashToken(tokenOf(cookie))));
      if (row && now - row.lastSeenAt.getTime() < MINUTE) return 200;
      await sleep(10);
    }
    throw new Error('the use was never written back');
  }

  it('ends a session left unused for longer than the idle limit, for good', async () => {
    const robin = await buildClient(clocked.app);
    expect(await use(robin.cookie)).toBe(200);
    advance(idleMs - MINUTE);
    expect(await use(robin.cookie)).toBe(200);
    advance(idleMs + MINUTE);
    expectError(await me(robin.cookie, clocked), 401, 'not_signed_in');
    // It is gone, not merely asleep.
    advance(MINUTE);
    expectError(await me(robin.cookie, clocked), 401, 'not_signed_in');
    // Its owner signs in again, with a new token.
    const again = await anotherSignIn(robin, clocked);
    expect(again).not.toBe(robin.cookie);
    expect(await use(again)).toBe(200);
  });

  it('ends an idle session that was never used after sign-in', async () => {
    const robin = await buildClient(clocked.app);
    advance(idleMs + MINUTE);
    expectError(await me(robin.cookie, clocked), 401, 'not_signed_in');
  });

  it('keeps a session used regularly alive well past the idle limit', async () => {
    const robin = await buildClient(clocked.app);
    for (let elapsed = 0; elapsed < 4 * idleMs; elapsed += 20 * MINUTE) {
      advance(20 * MINUTE);
      expect(await use(robin.cookie), `after ${elapsed / MINUTE + 20} minutes`).toBe(200);
    }
  });

  it('ends a session at its absolute lifetime even in constant use', async () => {
    const robin = await buildClient(clocked.app);
    const signedInAt = now;
    while (now + 20 * MINUTE < signedInAt + maxMs) {
      advance(20 * MINUTE);
      expect(await use(robin.cookie), `${(now - signedInAt) / MINUTE} minutes in`).toBe(200);
    }
    advance(signedInAt + maxMs - MINUTE - now);
    expect(await use(robin.cookie)).toBe(200);
    advance(MINUTE);
    expectError(await me(robin.cookie, clocked), 401, 'not_signed_in');
    advance(MINUTE);
    expectError(await me(robin.cookie, clocked), 401, 'not_signed_in');
    // The cookie itself says so too: it lasts as long as the session may.
    const again = await login(robin, { app: clocked });
    expect(Number(sessionSetCookie(again).attributes.get('max-age'))).toBe(maxMs / 1000);
  });
});

// ---------------------------------------------------------------------------------------------

/**
 * Bodies that the route would accept from its member (A or T), so that a forged request, were it
 * let through, would write: the snapshot would show it. Other routes get `{}`.
 */
function bodyFor(key: RouteKey, who: Person): object {
  const bodies: Partial<Record<RouteKey, object>> = {
    'POST /api/relationships': { therapistName: 'Forged' },
    'PATCH /api/relationships/:id': { therapistName: 'Forged', status: 'ended' },
    'POST /api/relationships/:id/appointments': {
      startsAt: daysFromNow(11),
      durationMinutes: 50,
      kind: 'individual',
    },
    'PATCH /api/appointments/:id': { status: 'cancelled' },
    'PATCH /api/checkins/:id': { note: 'forged', shared: true },
    'POST /api/parts': { name: 'forged' },
    'PATCH /api/parts/:id': { name: 'forged' },
    'POST /api/relationships/:id/ruptures': {
      title: 'forged',
      occurredAt: daysFromNow(-1),
      whatHappened: 'forged',
      intensity: 2,
    },
    'PATCH /api/ruptures/:id': { title: 'forged', visibility: 'shared' },
    'POST /api/relationships/:id/letters': { title: 'forged', body: 'forged' },
    'PATCH /api/letters/:id': { title: 'forged', body: 'forged' },
    'POST /api/relationships/:id/good-moments': { at: daysFromNow(-1), text: 'forged' },
    'POST /api/relationships/:id/agenda': { text: 'forged' },
    'PATCH /api/agenda-items/:id': { done: true },
    'POST /api/relationships/:id/messages': { body: 'forged', urgent: true },
    'POST /api/time-off': { from: daysFromNow(-1), to: daysFromNow(120), note: 'forged' },
    'POST /api/open-times': { startsAt: daysFromNow(40), durationMinutes: 50 },
    'PUT /api/me/password': {
      currentPassword: who.password,
      newPassword: 'a forged new passphrase 1',
    },
    'PUT /api/me/email': { password: who.password, email: uniqueEmail('forged') },
    'DELETE /api/me/totp': { password: who.password },
    'DELETE /api/me': { password: who.password },
    'POST /api/me/sessions/sign-out-everywhere': { includeThis: true },
  };
  return bodies[key] ?? {};
}

/** The route's path with ids of the world (a made-up id where the world has none). */
function urlFor(key: RouteKey, world: AttackWorld): string {
  const path = key.slice(key.indexOf(' ') + 1);
  const segments = path.split('/');
  return segments
    .map((segment, i) => {
      if (!segment.startsWith(':')) return segment;
      const variants = PARAMS[segments.slice(0, i + 1).join('/')];
      const name = variants ? Object.values(variants)[0] : undefined;
      return encodeURIComponent((name && world.ids[name]) || randomUUID());
    })
    .join('/');
}

/** What a page on another site can make a signed-in browser send, without CORS' permission. */
const FORGERIES: {
  name: string;
  status: number;
  code: string;
  request: (body: object) => Pick<InjectOptions, 'headers' | 'payload'>;
}[] = [
  {
    name: 'JSON with Origin: https://evil.example',
    status: 403,
    code: 'cross_origin',
    request: (body) => ({ headers: { origin: 'https://evil.example' }, payload: body }),
  },
  {
    name: 'JSON with Sec-Fetch-Site: cross-site (no Origin)',
    status: 403,
    code: 'cross_origin',
    request: (body) => ({ headers: { 'sec-fetch-site': 'cross-site' }, payload: body }),
  },
  {
    name: 'a text/plain form carrying JSON (no Origin)',
    status: 415,
    code: 'unsupported_media_type',
    request: (body) => ({
      headers: { 'content-type': 'text/plain' },
      payload: JSON.stringify(body),
    }),
  },
  {
    name: 'an application/x-www-form-urlencoded form (no Origin)',
    status: 415,
    code: 'unsupported_media_type',
    request: (body) => ({
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(Object.entries(body).map(([k, v]) => [k, String(v)])).toString(),
    }),
  },
  {
    name: 'a multipart/form-data form (no Origin)',
    status: 415,
    code: 'unsupported_media_type',
    request: () => ({
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      payload: '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--\r\n',
    }),
  },
];

describe('cross-site request forgery, on every state-changing route of the app', () => {
  /** A's world, for the path parameters, so a forged write would have something to hit. */
  let world: AttackWorld;
  let before: Map<string, Set<string>>;
  beforeAll(async () => {
    world = await buildAttackWorld(t.app);
    before = await snapshot();
  }, 60_000);

  it('found the app’s state-changing routes', () => {
    expect(writes.length).toBeGreaterThan(40);
    expect(writes).toEqual(
      expect.arrayContaining([
        'POST /api/auth/login',
        'POST /api/auth/register',
        'POST /api/auth/logout',
        'PUT /api/me/password',
        'POST /api/me/sessions/sign-out-everywhere',
        'PATCH /api/relationships/:id',
      ]),
    );
  });

  for (const forgery of FORGERIES) {
    it(`refuses ${forgery.name} with ${forgery.status} ${forgery.code}, signed in as either member`, async () => {
      const failures: string[] = [];
      for (const key of writes) {
        for (const who of [world.A, world.T]) {
          // Person.request adds the person's session cookie to these headers.
          const response = await who.request({
            method: key.split(' ')[0] as InjectOptions['method'],
            url: urlFor(key, world),
            remoteAddress: someAddress(),
            ...forgery.request(bodyFor(key, who)),
          });
          const body = response.body;
          const error = response.statusCode === forgery.status && safeJson(body)?.error;
          if (
            !error ||
            error.code !== forgery.code ||
            response.headers['set-cookie'] !== undefined ||
            Object.keys(response.headers).some((name) => name.startsWith('access-control-'))
          ) {
            failures.push(`${who === world.A ? 'A' : 'T'} ${key}: ${response.statusCode} ${body}`);
          }
        }
      }
      expect(failures).toEqual([]);
    });
  }

  it('refuses a signed-out request from another site too (login and registration CSRF)', async () => {
    const failures: string[] = [];
    for (const key of writes) {
      for (const headers of [
        { origin: 'https://evil.example' },
        { 'sec-fetch-site': 'cross-site' },
      ]) {
        const response = await t.app.inject({
          method: key.split(' ')[0] as InjectOptions['method'],
          url: urlFor(key, world),
          remoteAddress: someAddress(),
          headers,
          payload:
            key === 'POST /api/auth/login'
              ? { email: world.A.email, password: world.A.password }
              : key === 'POST /api/auth/register'
                ? {
                    email: uniqueEmail('forged'),
                    password: 'a forged new passphrase 2',
                    displayName: 'Forged',
                    role: 'client',
                  }
                : bodyFor(key, world.A),
        });
        if (
          response.statusCode !== 403 ||
          safeJson(response.body)?.error?.code !== 'cross_origin' ||
          response.headers['set-cookie'] !== undefined
        ) {
          failures.push(`${key} ${JSON.stringify(headers)}: ${response.statusCode}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('signs nobody in or up through a signed-out HTML form (text/plain or urlencoded)', async () => {
    const forms = [
      ['text/plain', (body: object) => JSON.stringify(body)],
      [
        'application/x-www-form-urlencoded',
        (body: object) => new URLSearchParams(Object.entries(body)).toString(),
      ],
    ] as const;
    for (const [type, encode] of forms) {
      for (const [url, body] of [
        ['/api/auth/login', { email: world.A.email, password: world.A.password }],
        [
          '/api/auth/register',
          {
            email: uniqueEmail('form'),
            password: 'a forged new passphrase 3',
            displayName: 'Form',
            role: 'client',
          },
        ],
      ] as const) {
        const response = await t.app.inject({
          method: 'POST',
          url,
          remoteAddress: someAddress(),
          headers: { 'content-type': type },
          payload: encode(body),
        });
        expect(response.statusCode, `${type} ${url}: ${response.body}`).toBeGreaterThanOrEqual(400);
        expect(response.statusCode).toBeLessThan(500);
        expect(response.headers['set-cookie'], `${type} ${url}`).toBeUndefined();
      }
    }
  });

  it('changed nothing: every row of every table is as it was, and both are still signed in', async () => {
    expect(differences(before, await snapshot())).toEqual([]);
    expect(await whoIs(world.A.cookie)).toBe(world.A.id);
    expect(await whoIs(world.T.cookie)).toBe(world.T.id);
  });

  it('(the detector sees a write: the same request from the app itself goes through)', async () => {
    const start = await snapshot();
    for (const key of ['POST /api/relationships', 'PATCH /api/agenda-items/:id'] as RouteKey[]) {
      const response = await world.A.request({
        method: key.split(' ')[0] as InjectOptions['method'],
        url: urlFor(key, world),
        headers: {
          host: 'attune.test',
          origin: 'http://attune.test',
          'sec-fetch-site': 'same-origin',
        },
        payload: bodyFor(key, world.A),
      });
      expect(response.statusCode, `${key}: ${response.body}`).toBeLessThan(300);
    }
    expect(differences(start, await snapshot()).length).toBeGreaterThan(1);
  });
});

function safeJson(text: string): { error?: { code?: string; message?: string } } | undefined {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

describe('no cross-origin reads: the API never grants CORS', () => {
  let robin: Person;
  beforeAll(async () => {
    robin = await buildClient(t.app);
  });

  it('no answer to a cross-origin GET carries Access-Control-* headers, on any route', async () => {
    expect(reads.length).toBeGreaterThan(20);
    for (const key of reads) {
      const url = key.slice(4).replace(/:[^/]+/g, () => randomUUID());
      const response = await robin.request({
        method: 'GET',
        url,
        headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      });
      expectNoCors(response, key);
    }
  });

  it('a preflight (OPTIONS) for any route gets no Access-Control-Allow-* headers', async () => {
    const paths = new Set(routes.map((key) => key.slice(key.indexOf(' ') + 1)));
    for (const path of paths) {
      for (const method of ['POST', 'PUT', 'DELETE', 'GET']) {
        const response = await t.app.inject({
          method: 'OPTIONS',
          url: path.replace(/:[^/]+/g, () => randomUUID()),
          headers: {
            origin: 'https://evil.example',
            'access-control-request-method': method,
            'access-control-request-headers': 'content-type',
          },
        });
        expectNoCors(response, `OPTIONS ${path} for ${method}`);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('the session cookie over plain HTTP', () => {
  it('is HttpOnly, SameSite=Lax, Path=/, lasts the session’s lifetime, and is not Secure', async () => {
    const robin = await buildClient(t.app);
    const signIn = sessionSetCookie(await login(robin));
    expect(signIn.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(signIn.attributes.has('httponly')).toBe(true);
    expect(signIn.attributes.get('samesite')).toBe('Lax');
    expect(signIn.attributes.get('path')).toBe('/');
    expect(signIn.attributes.get('max-age')).toBe(String(t.env.sessionMaxMs / 1000));
    expect(signIn.attributes.has('domain')).toBe(false);
    expect(signIn.attributes.has('secure')).toBe(false);

    const out = sessionSetCookie(
      await robin.request({ method: 'POST', url: '/api/auth/logout', payload: {} }),
    );
    expect(out.value).toBe('');
    expect(out.attributes.has('httponly')).toBe(true);
    expect(out.attributes.get('path')).toBe('/');
    expect(out.attributes.has('secure')).toBe(false);
  });

  it('a forged X-Forwarded-Proto: https (no trusted proxy) changes nothing: no Secure, no HSTS, still http', async () => {
    const robin = await buildClient(t.app);
    const forged = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'attune.example' };
    const response = await login(robin, { headers: forged });
    expect(response.statusCode).toBe(200);
    expect(sessionSetCookie(response).attributes.has('secure')).toBe(false);
    expect(response.headers['strict-transport-security']).toBeUndefined();
    // The app still thinks it is http://<Host>: an https:// Origin is another origin to it.
    const host = 'attune.test:3000';
    const asHttps = await robin.request({
      method: 'POST',
      url: '/api/relationships',
      headers: { ...forged, host, origin: `https://${host}` },
      payload: { therapistName: 'Sam' },
    });
    expectError(asHttps, 403, 'cross_origin');
    const asHttp = await robin.request({
      method: 'POST',
      url: '/api/relationships',
      headers: { ...forged, host, origin: `http://${host}` },
      payload: { therapistName: 'Sam' },
    });
    expect(asHttp.statusCode, asHttp.body).toBe(201);
  });
});

describe('behind a trusted TLS-terminating proxy (ATTUNE_TRUST_PROXY=true)', () => {
  let proxied: TestApp;
  const https = { 'x-forwarded-proto': 'https' };
  beforeAll(async () => {
    proxied = await startTestApp({ env: { trustProxy: true } });
  });
  afterAll(async () => {
    await proxied?.close();
  });

  it('marks every session cookie Secure when the proxy says https: sign-in, password change, sign-out', async () => {
    const robin = await buildClient(proxied.app);
    const signIn = await login(robin, { app: proxied, headers: https });
    expect(signIn.statusCode).toBe(200);
    const cookie = sessionSetCookie(signIn);
    expect(cookie.attributes.has('secure')).toBe(true);
    expect(cookie.attributes.has('httponly')).toBe(true);
    expect(cookie.attributes.get('samesite')).toBe('Lax');
    expect(signIn.headers['strict-transport-security']).toMatch(/max-age=\d+/);

    const session = `attune_session=${cookie.value}`;
    const changed = await proxied.app.inject({
      method: 'PUT',
      url: '/api/me/password',
      headers: { ...https, cookie: session },
      payload: { currentPassword: robin.password, newPassword: 'a proxied new passphrase 4' },
    });
    expect(changed.statusCode, changed.body).toBe(204);
    const renewed = sessionSetCookie(changed);
    expect(renewed.attributes.has('secure')).toBe(true);

    const out = await proxied.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { ...https, cookie: `attune_session=${renewed.value}` },
      payload: {},
    });
    expect(out.statusCode).toBe(204);
    expect(sessionSetCookie(out).attributes.has('secure')).toBe(true);
  });

  it('takes the browser’s https:// origin as its own (and still refuses another site)', async () => {
    const robin = await buildClient(proxied.app);
    const host = 'attune.example';
    const send = (origin: string) =>
      robin.request({
        method: 'POST',
        url: '/api/relationships',
        headers: { ...https, host, origin },
        payload: { therapistName: 'Sam' },
      });
    expect((await send(`https://${host}`)).statusCode).toBe(201);
    expectError(await send(`http://${host}`), 403, 'cross_origin');
    expectError(await send('https://evil.example'), 403, 'cross_origin');
  });

  it('is not Secure when the proxy says the browser came over http', async () => {
    const robin = await buildClient(proxied.app);
    const response = await login(robin, {
      app: proxied,
      headers: { 'x-forwarded-proto': 'http' },
    });
    expect(sessionSetCookie(response).attributes.has('secure')).toBe(false);
    expect(response.headers['strict-transport-security']).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------

describe('sign-in rate limits', () => {
  const attempts = async (send: () => Promise<LightMyRequestResponse>, n: number) => {
    const out: LightMyRequestResponse[] = [];
    for (let i = 0; i < n; i++) out.push(await send());
    return out;
  };

  it('answers an unknown email exactly as a known one: the same 401s, then the same 429 with Retry-After', async () => {
    const robin = await buildClient(t.app);
    const ghost = uniqueEmail('nobody');
    const send = (email: string) => () =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: someAddress(),
        payload: { email, password: 'not the right password' },
      });
    const known = await attempts(send(robin.email), 7);
    const unknown = await attempts(send(ghost), 7);
    const shape = (r: LightMyRequestResponse) => ({
      status: r.statusCode,
      body: r.json(),
      headers: Object.keys(r.headers)
        .filter((name) => name !== 'date')
        .sort(),
      retryAfter: r.headers['retry-after'] !== undefined,
    });
    expect(known.map((r) => r.statusCode)).toEqual([401, 401, 401, 401, 401, 429, 429]);
    expect(unknown.map(shape)).toEqual(known.map(shape));
    for (const limited of [...known.slice(5), ...unknown.slice(5)]) {
      expectError(limited, 429, 'too_many_requests');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    }
    // The owner, with the right password, waits too; then it is not a session that is set.
    const owner = await login(robin);
    expectError(owner, 429, 'too_many_requests');
    expect(owner.headers['set-cookie']).toBeUndefined();
  });

  it('counts wrong two-factor codes together with wrong passwords', async () => {
    const robin = await buildClient(t.app);
    const start = await robin.request({ method: 'POST', url: '/api/me/totp', payload: {} });
    expect(start.statusCode).toBe(201);
    const { secret } = start.json<{ secret: string }>();
    const confirm = await robin.request({
      method: 'POST',
      url: '/api/me/totp/confirm',
      payload: { code: await generate({ secret }) },
    });
    expect(confirm.statusCode, confirm.body).toBe(200);
    // A code that is none of those valid around now.
    const epoch = Math.floor(Date.now() / 1000);
    const near = await Promise.all(
      [-2, -1, 0, 1, 2].map((s) => generate({ secret, epoch: epoch + s * 30 })),
    );
    const wrongCode = ['000000', '111111', '222222', '333333', '444444', '555555', '666666'].find(
      (code) => !near.includes(code),
    );
    if (!wrongCode) throw new Error('no wrong code found');
    const wrongPassword = { email: robin.email, password: 'not the right password' };
    const statuses = [
      (await login(wrongPassword)).statusCode,
      (await login(wrongPassword)).statusCode,
      (await login(robin, { totp: wrongCode })).statusCode,
      (await login(robin, { totp: wrongCode })).statusCode,
      (await login(robin, { totp: 'aaaa-bbbb-cccc-dddd' })).statusCode,
    ];
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    const limited = await login(robin, { totp: await generate({ secret }) });
    expectError(limited, 429, 'too_many_requests');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('counts wrong passwords typed to change the password (a borrowed session cannot guess)', async () => {
    const robin = await buildClient(t.app);
    const guess = (currentPassword: string) =>
      robin.request({
        method: 'PUT',
        url: '/api/me/password',
        remoteAddress: someAddress(),
        payload: { currentPassword, newPassword: 'a guessed new passphrase 5' },
      });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await guess(`wrong guess ${i}`)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    const limited = await guess(robin.password);
    expectError(limited, 429, 'too_many_requests');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(await whoIs(robin.cookie)).toBe(robin.id);
  });

  it('limits failures per address, and X-Forwarded-For does not pick the address without a trusted proxy', async () => {
    const address = someAddress();
    const send = (i: number) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: address,
        headers: { 'x-forwarded-for': `203.0.113.${i % 250}` },
        payload: { email: uniqueEmail('spray'), password: 'not the right password' },
      });
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await send(i)).statusCode);
    expect(statuses).toEqual(Array(30).fill(401));
    const limited = await send(30);
    expectError(limited, 429, 'too_many_requests');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another address is not limited.
    const elsewhere = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: someAddress(),
      payload: { email: uniqueEmail('spray'), password: 'not the right password' },
    });
    expect(elsewhere.statusCode).toBe(401);
  });
});

describe('registration rate limit', () => {
  const strong = 'quiet harbour at dawn 42';
  const register = (app: TestApp, remoteAddress: string, forwardedFor: string) =>
    app.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      remoteAddress,
      headers: { 'x-forwarded-for': forwardedFor },
      payload: { email: uniqueEmail(), password: strong, displayName: 'A', role: 'client' },
    });

  it('answers 429 with Retry-After past the limit; X-Forwarded-For does not reset it without a trusted proxy', async () => {
    const limited = await startTestApp({ env: { registerLimitPerHour: 2 } });
    try {
      const address = someAddress();
      const statuses = [
        (await register(limited, address, '198.51.100.1')).statusCode,
        (await register(limited, address, '198.51.100.2')).statusCode,
      ];
      expect(statuses).toEqual([201, 201]);
      const third = await register(limited, address, '198.51.100.3');
      expectError(third, 429, 'too_many_requests');
      expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
      expect(third.headers['set-cookie']).toBeUndefined();
    } finally {
      await limited.close();
    }
  });

  describe('behind a trusted proxy', () => {
    let limited: TestApp;
    beforeAll(async () => {
      limited = await startTestApp({ env: { registerLimitPerHour: 2, trustProxy: true } });
    });
    afterAll(async () => {
      await limited?.close();
    });

    it('(control) limits per address the proxy forwards', async () => {
      const proxy = someAddress();
      const statuses: number[] = [];
      for (const client of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) {
        statuses.push((await register(limited, proxy, client)).statusCode);
      }
      expect(statuses).toEqual([201, 201, 201]);
      statuses.push((await register(limited, proxy, '198.51.100.1')).statusCode);
      statuses.push((await register(limited, proxy, '198.51.100.1')).statusCode);
      expect(statuses.slice(3)).toEqual([201, 429]);
    });

    /**
     * With ATTUNE_TRUST_PROXY=true only the immediate peer (the proxy) is trusted
     * (server/src/app.ts), so the address that counts is the one the proxy appended to
     * X-Forwarded-For, not one the client wrote before it: otherwise a client could pick a new
     * address for every try and the per-address limits would not hold.
     */
    it('counts the address the proxy appended, not one the client wrote before it', async () => {
      const proxy = someAddress();
      const client = '192.0.2.77';
      const statuses: number[] = [];
      for (const forged of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) {
        statuses.push((await register(limited, proxy, `${forged}, ${client}`)).statusCode);
      }
      expect(statuses).toEqual([201, 201, 429]);
    });
  });
});
