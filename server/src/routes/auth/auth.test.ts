import { eq } from 'drizzle-orm';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../db/schema.ts';
import { buildClient, buildTherapist, sessionCookieOf, uniqueEmail } from '../../test/factories.ts';
import { startTestApp, type TestApp } from '../../test/harness.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

const register = (payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/api/auth/register', payload, headers });
const login = (payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/api/auth/login', payload, headers });
const me = (cookie?: string) =>
  t.app.inject({ method: 'GET', url: '/api/me', headers: cookie ? { cookie } : {} });

const strong = 'quiet harbour at dawn 42';

describe('POST /api/auth/register', () => {
  it('creates a client, answers 201 with the user only, and signs them in', async () => {
    const email = uniqueEmail();
    const response = await register({
      email,
      password: strong,
      displayName: 'Robin',
      role: 'client',
    });
    expect(response.statusCode).toBe(201);
    const { user } = response.json();
    expect(Object.keys(user).sort()).toEqual(['displayName', 'email', 'id', 'role']);
    expect(user).toMatchObject({ email, displayName: 'Robin', role: 'client' });
    const cookie = sessionCookieOf(response.headers['set-cookie']);
    expect((await me(cookie)).json()).toEqual({ user });
  });

  it('sets an HttpOnly, SameSite=Lax session cookie with a 256-bit token, not Secure over plain HTTP', async () => {
    const response = await register({
      email: uniqueEmail(),
      password: strong,
      displayName: 'A',
      role: 'therapist',
    });
    const header = String(response.headers['set-cookie']);
    expect(header).toMatch(/^attune_session=[A-Za-z0-9_-]{43};/);
    expect(header).toMatch(/HttpOnly/);
    expect(header).toMatch(/SameSite=Lax/);
    expect(header).toMatch(/Path=\//);
    expect(header).not.toMatch(/Secure/);
  });

  it('marks the cookie Secure when served over HTTPS behind a trusted proxy', async () => {
    const secure = await startTestApp({ env: { trustProxy: true } });
    try {
      const response = await secure.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        headers: { 'x-forwarded-proto': 'https' },
        payload: { email: uniqueEmail(), password: strong, displayName: 'A', role: 'client' },
      });
      expect(response.statusCode).toBe(201);
      expect(String(response.headers['set-cookie'])).toMatch(/; Secure/);
    } finally {
      await secure.close();
    }
  });

  it('stores the email trimmed and lower-cased, and refuses a duplicate in any case with 409', async () => {
    const email = uniqueEmail('Case');
    const first = await register({
      email: `  ${email.toUpperCase()} `,
      password: strong,
      displayName: 'A',
      role: 'client',
    });
    expect(first.statusCode).toBe(201);
    expect(first.json().user.email).toBe(email.toLowerCase());
    const again = await register({ email, password: strong, displayName: 'B', role: 'therapist' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('email_taken');
  });

  it.each([
    ['short', 'eleven char', /at least 12/],
    ['common', 'princess1234', /common/],
    ['common, any case', 'PASSWORD1234', /common/],
    ['too long', `${'x'.repeat(257)}yz`, /at most/],
    ['one repeated character', 'aaaaaaaaaaaaaaaa', /easy to guess/],
  ])('refuses a %s password with 400 and field "password"', async (_name, password, message) => {
    const response = await register({
      email: uniqueEmail(),
      password,
      displayName: 'A',
      role: 'client',
    });
    expect(response.statusCode).toBe(400);
    const { error } = response.json();
    expect(error.code).toBe('invalid_input');
    expect(Object.keys(error.fields)).toEqual(['password']);
    expect(error.fields.password).toMatch(message);
  });

  it('accepts a 128-character password', async () => {
    const password = 'calm sea '.repeat(15).slice(0, 128);
    const email = uniqueEmail();
    expect((await register({ email, password, displayName: 'A', role: 'client' })).statusCode).toBe(
      201,
    );
    expect((await login({ email, password })).statusCode).toBe(200);
  });

  it('hashes with argon2id at OWASP parameters or stronger, never storing the password', async () => {
    const email = uniqueEmail();
    await register({ email, password: strong, displayName: 'A', role: 'client' });
    const rows = await t.services.database.db.query.users.findMany();
    const row = rows.find((r) => r.email === email);
    expect(row?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=1\$/);
    const [, m, iterations] = /m=(\d+),t=(\d+)/.exec(row?.passwordHash ?? '') ?? [];
    expect(Number(m)).toBeGreaterThanOrEqual(19_456);
    expect(Number(iterations)).toBeGreaterThanOrEqual(2);
    expect(row?.passwordHash).not.toContain(strong);
  });

  it('answers bad input with 400 and a message per field', async () => {
    const response = await register({
      email: 'not-an-email',
      password: strong,
      displayName: '  ',
      role: 'admin',
    });
    expect(response.statusCode).toBe(400);
    const { error } = response.json();
    expect(error.code).toBe('invalid_input');
    expect(error.message).toEqual(expect.any(String));
    expect(Object.keys(error.fields).sort()).toEqual(['displayName', 'email', 'role']);
  });

  it('reports missing fields as required', async () => {
    const response = await register({});
    expect(response.statusCode).toBe(400);
    expect(Object.keys(response.json().error.fields).sort()).toEqual([
      'displayName',
      'email',
      'password',
      'role',
    ]);
  });

  it('refuses unknown fields with 400 naming them', async () => {
    const response = await register({
      email: uniqueEmail(),
      password: strong,
      displayName: 'A',
      role: 'client',
      isAdmin: true,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toEqual({ isAdmin: expect.any(String) });
  });

  it('refuses a body that is not an object', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      headers: { 'content-type': 'application/json' },
      payload: '[1,2]',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('invalid_input');
  });
});

describe('registration limit', () => {
  it('answers 429 with Retry-After in the error shape past the hourly limit per address', async () => {
    const limited = await startTestApp({ env: { registerLimitPerHour: 2 } });
    try {
      const attempt = () =>
        limited.app.inject({
          method: 'POST',
          url: '/api/auth/register',
          payload: { email: uniqueEmail(), password: strong, displayName: 'A', role: 'client' },
        });
      expect((await attempt()).statusCode).toBe(201);
      expect((await attempt()).statusCode).toBe(201);
      const third = await attempt();
      expect(third.statusCode).toBe(429);
      expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
      expect(third.json().error.code).toBe('too_many_requests');
    } finally {
      await limited.close();
    }
  });
});

describe('POST /api/auth/login', () => {
  it('signs in with a new token each time, and the user back', async () => {
    const robin = await buildClient(t.app);
    const response = await login({ email: robin.email, password: robin.password });
    expect(response.statusCode).toBe(200);
    expect(response.json().user).toMatchObject({ id: robin.id, role: 'client' });
    const cookie = sessionCookieOf(response.headers['set-cookie']);
    expect(cookie).not.toBe(robin.cookie);
    expect((await me(cookie)).statusCode).toBe(200);
    // Signing in elsewhere does not end the first session.
    expect((await me(robin.cookie)).statusCode).toBe(200);
  });

  it('accepts the email in another case', async () => {
    const robin = await buildClient(t.app);
    expect(
      (await login({ email: robin.email.toUpperCase(), password: robin.password })).statusCode,
    ).toBe(200);
  });

  it('answers a wrong password and an unknown email the same way', async () => {
    const robin = await buildClient(t.app);
    const wrong = await login(
      { email: robin.email, password: 'not the right password' },
      { 'x-forwarded-for': '1' },
    );
    const unknown = await login({ email: uniqueEmail(), password: 'not the right password' });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json().error.code).toBe('invalid_credentials');
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });

  it('answers bad input with 400', async () => {
    const response = await login({ email: 'x', password: '' });
    expect(response.statusCode).toBe(400);
    expect(Object.keys(response.json().error.fields).sort()).toEqual(['email', 'password']);
  });

  it('limits repeated failures for an account with 429 and Retry-After, then lets the owner in', async () => {
    const robin = await buildClient(t.app);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push(
        (await login({ email: robin.email, password: `wrong guess number ${i}` })).statusCode,
      );
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses[5]).toBe(429);
    const limited = await login({ email: robin.email, password: robin.password });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('too_many_requests');
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(300);
    // Other accounts are not affected.
    const avery = await buildTherapist(t.app);
    expect((await login({ email: avery.email, password: avery.password })).statusCode).toBe(200);
  });

  it('with two-factor on, asks for a code after the right password and takes a valid one', async () => {
    const robin = await buildClient(t.app);
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    const step = Math.floor(Date.now() / 30_000);
    await t.services.db
      .update(users)
      .set({ totpSecret: secret, totpConfirmedAt: new Date(), totpLastStep: step - 2 })
      .where(eq(users.id, robin.id));
    const wrongPassword = await login({ email: robin.email, password: 'not the password at all' });
    expect(wrongPassword.json().error.code).toBe('invalid_credentials');
    const required = await login({ email: robin.email, password: robin.password });
    expect(required.statusCode).toBe(401);
    expect(required.json().error.code).toBe('totp_required');
    expect(required.headers['set-cookie']).toBeUndefined();
    const wrong = await login({ email: robin.email, password: robin.password, totp: '12345' });
    expect(wrong.json().error.code).toBe('totp_invalid');
    const code = await generate({ secret });
    const ok = await login({ email: robin.email, password: robin.password, totp: code });
    expect(ok.statusCode).toBe(200);
    expect((await me(sessionCookieOf(ok.headers['set-cookie']))).statusCode).toBe(200);
  });
});

describe('POST /api/auth/logout', () => {
  it('ends the session: 204, the cookie cleared, and the old token no longer works', async () => {
    const robin = await buildClient(t.app);
    const response = await robin.request({ method: 'POST', url: '/api/auth/logout', payload: {} });
    expect(response.statusCode).toBe(204);
    expect(String(response.headers['set-cookie'])).toMatch(
      /attune_session=;.*Expires=Thu, 01 Jan 1970/,
    );
    expect((await me(robin.cookie)).statusCode).toBe(401);
  });

  it('accepts an empty JSON body', async () => {
    const robin = await buildClient(t.app);
    const response = await robin.request({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { 'content-type': 'application/json' },
      payload: '',
    });
    expect(response.statusCode).toBe(204);
  });

  it('is harmless when signed out', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/auth/logout', payload: {} });
    expect(response.statusCode).toBe(204);
  });

  it('refuses fields in the body', async () => {
    const robin = await buildClient(t.app);
    const response = await robin.request({
      method: 'POST',
      url: '/api/auth/logout',
      payload: { all: true },
    });
    expect(response.statusCode).toBe(400);
    expect((await me(robin.cookie)).statusCode).toBe(200);
  });
});

describe('GET /api/me', () => {
  it('answers 401 in the error shape when signed out', async () => {
    const response = await me();
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({
      error: { code: 'not_signed_in', message: expect.any(String) },
    });
  });

  it('answers 401 for an unknown or malformed token', async () => {
    expect((await me('attune_session=not-a-real-token')).statusCode).toBe(401);
    expect((await me(`attune_session=${'x'.repeat(500)}`)).statusCode).toBe(401);
  });

  it('shows each person only themselves', async () => {
    const robin = await buildClient(t.app, 'Robin');
    const avery = await buildTherapist(t.app, 'Avery');
    expect((await me(robin.cookie)).json().user).toMatchObject({
      id: robin.id,
      displayName: 'Robin',
    });
    expect((await me(avery.cookie)).json().user).toMatchObject({ id: avery.id, role: 'therapist' });
  });
});

describe('logs', () => {
  it('never contain passwords, tokens, emails or bodies', async () => {
    const email = uniqueEmail('logcheck');
    const password = 'secret words nobody logs 7';
    const registered = await register({
      email,
      password,
      displayName: 'Log Check',
      role: 'client',
    });
    const token = sessionCookieOf(registered.headers['set-cookie']).split('=')[1] ?? '';
    await login({ email, password });
    await login({ email, password: 'a wrong password here' });
    await me(`attune_session=${token}`);
    const all = t.logs.join('\n');
    expect(t.logs.length).toBeGreaterThan(0);
    for (const secret of [password, token, email, 'Log Check', 'a wrong password here']) {
      expect(all).not.toContain(secret);
    }
  });
});
