import { eq } from 'drizzle-orm';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../auth/sessions.ts';
import { recoveryCodes, users } from '../../db/schema.ts';
import { buildClient, type Person, sessionCookieOf } from '../../test/factories.ts';
import { freshDatabase, startTestApp, type TestApp } from '../../test/harness.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Codes are checked against the real clock: start a test well inside a 30-second step. */
async function awayFromStepEdge() {
  const into = Date.now() % 30_000;
  if (into > 24_000) await sleep(30_000 - into + 200);
}

/** The authenticator code for `steps` steps from now, as the person's app would show it. */
const codeAt = (secret: string, steps = 0) =>
  generate({ secret, epoch: Math.floor(Date.now() / 1000) + steps * 30 });

const login = (person: Person, extra: Record<string, unknown> = {}, ua = 'vitest') =>
  t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    headers: { 'user-agent': ua },
    payload: { email: person.email, password: person.password, ...extra },
  });

const me = (cookie: string, app = t.app) =>
  app.inject({ method: 'GET', url: '/api/me', headers: { cookie } });

const as = (
  cookie: string,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  payload?: unknown,
) =>
  t.app.inject({
    method,
    url,
    headers: { cookie },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });

/** Turns two-factor sign-in on; the confirming code is last step's, so this step's is unused. */
async function enrol(person: Person) {
  const start = await as(person.cookie, 'POST', '/api/me/totp', {});
  expect(start.statusCode).toBe(201);
  const { secret } = start.json<{ secret: string }>();
  const confirm = await as(person.cookie, 'POST', '/api/me/totp/confirm', {
    code: await codeAt(secret, -1),
  });
  expect(confirm.statusCode).toBe(200);
  const { recoveryCodes: codes } = confirm.json<{ recoveryCodes: string[] }>();
  return { secret, codes };
}

describe('enrolling in two-factor sign-in', () => {
  it('answers 401 when signed out', async () => {
    for (const [method, url] of [
      ['GET', '/api/me/totp'],
      ['POST', '/api/me/totp'],
      ['POST', '/api/me/totp/confirm'],
      ['DELETE', '/api/me/totp'],
      ['GET', '/api/me/sessions'],
      ['POST', '/api/me/sessions/sign-out-everywhere'],
      ['PUT', '/api/me/password'],
      ['PUT', '/api/me/email'],
    ] as const) {
      const response = await t.app.inject({ method, url, payload: {} });
      expect(response.statusCode, `${method} ${url}`).toBe(401);
    }
  });

  it('gives the secret, an otpauth address and a QR code, and turns on only after a right code', async () => {
    await awayFromStepEdge();
    const person = await buildClient(t.app);
    const start = await as(person.cookie, 'POST', '/api/me/totp', {});
    expect(start.statusCode).toBe(201);
    const body = start.json();
    expect(Object.keys(body).sort()).toEqual(['otpauthUri', 'qrSvg', 'secret']);
    expect(body.otpauthUri).toContain(`secret=${body.secret}`);
    expect(body.otpauthUri).toContain(encodeURIComponent(person.email));
    expect(body.qrSvg).toMatch(/^<svg/);

    // Not yet on: signing in still needs only the password.
    expect((await login(person)).statusCode).toBe(200);
    expect((await as(person.cookie, 'GET', '/api/me/totp')).json()).toEqual({
      enabled: false,
      recoveryCodesLeft: 0,
    });

    const wrong = await as(person.cookie, 'POST', '/api/me/totp/confirm', {
      code: (await codeAt(body.secret, 5)) as string,
    });
    expect(wrong.statusCode).toBe(400);
    expect(Object.keys(wrong.json().error.fields)).toEqual(['code']);

    const confirm = await as(person.cookie, 'POST', '/api/me/totp/confirm', {
      code: await codeAt(body.secret),
    });
    expect(confirm.statusCode).toBe(200);
    const { recoveryCodes: codes } = confirm.json();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);

    const [row] = await t.services.db.select().from(users).where(eq(users.id, person.id));
    expect(row?.totpConfirmedAt).toBeInstanceOf(Date);
    expect(row?.totpLastStep).toBe(Math.floor(Date.now() / 30_000));
    const stored = await t.services.db
      .select()
      .from(recoveryCodes)
      .where(eq(recoveryCodes.userId, person.id));
    expect(stored).toHaveLength(10);
    for (const code of codes) {
      expect(stored.map((s) => s.codeHash).join()).not.toContain(code.replaceAll('-', ''));
    }

    expect((await as(person.cookie, 'GET', '/api/me/totp')).json()).toEqual({
      enabled: true,
      recoveryCodesLeft: 10,
    });
    const again = await as(person.cookie, 'POST', '/api/me/totp', {});
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('totp_enabled');
    const reconfirm = await as(person.cookie, 'POST', '/api/me/totp/confirm', {
      code: await codeAt(body.secret, 1),
    });
    expect(reconfirm.statusCode).toBe(409);
  });

  it('checks the password when one is given, and refuses confirming before starting', async () => {
    const person = await buildClient(t.app);
    const confirm = await as(person.cookie, 'POST', '/api/me/totp/confirm', { code: '123456' });
    expect(confirm.statusCode).toBe(409);
    const wrong = await as(person.cookie, 'POST', '/api/me/totp', { password: 'not it at all' });
    expect(wrong.statusCode).toBe(401);
    const right = await as(person.cookie, 'POST', '/api/me/totp', { password: person.password });
    expect(right.statusCode).toBe(201);
    const extra = await as(person.cookie, 'POST', '/api/me/totp', { secret: 'AAAA' });
    expect(extra.statusCode).toBe(400);
  });
});

describe('signing in with two-factor on', () => {
  it('asks for the code, accepts it once, and refuses it again', async () => {
    await awayFromStepEdge();
    const person = await buildClient(t.app);
    const { secret } = await enrol(person);

    const required = await login(person);
    expect(required.statusCode).toBe(401);
    expect(required.json().error.code).toBe('totp_required');
    expect(required.headers['set-cookie']).toBeUndefined();

    const wrongPassword = await login({ ...person, password: 'wrong password here' });
    expect(wrongPassword.json().error.code).toBe('invalid_credentials');

    const code = await codeAt(secret);
    const ok = await login(person, { totp: code });
    expect(ok.statusCode).toBe(200);
    const cookie = sessionCookieOf(ok.headers['set-cookie']);
    expect((await me(cookie)).statusCode).toBe(200);

    const replay = await login(person, { totp: code });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('totp_invalid');
    expect(replay.headers['set-cookie']).toBeUndefined();

    // An older code than the last one used is refused too, even inside the window.
    const older = await login(person, { totp: await codeAt(secret, -1) });
    expect(older.json().error.code).toBe('totp_invalid');

    const next = await login(person, { totp: await codeAt(secret, 1) });
    expect(next.statusCode).toBe(200);
  });

  it('lets exactly one of several concurrent sign-ins with the same code through', async () => {
    await awayFromStepEdge();
    const person = await buildClient(t.app);
    const { secret } = await enrol(person);
    const code = await codeAt(secret);
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => login(person, { totp: code })),
    );
    const statuses = answers.map((a) => a.statusCode).sort();
    expect(statuses).toEqual([200, 401, 401, 401]);
  });

  it('accepts each recovery code once, in any case or spacing', async () => {
    await awayFromStepEdge();
    const person = await buildClient(t.app);
    const { codes } = await enrol(person);
    const [first = '', second = ''] = codes;
    expect((await login(person, { totp: first })).statusCode).toBe(200);
    const again = await login(person, { totp: first });
    expect(again.statusCode).toBe(401);
    expect(again.json().error.code).toBe('totp_invalid');
    expect((await login(person, { totp: ` ${second.toUpperCase()} ` })).statusCode).toBe(200);
    expect((await as(person.cookie, 'GET', '/api/me/totp')).json().recoveryCodesLeft).toBe(8);
    // Another person's code does not open this account.
    const other = await buildClient(t.app);
    const { codes: theirs } = await enrol(other);
    expect((await login(person, { totp: theirs[0] })).statusCode).toBe(401);
  });

  it('counts wrong codes like wrong passwords: 429 after repeated failures, even for a right code', async () => {
    await awayFromStepEdge();
    const person = await buildClient(t.app);
    const { secret } = await enrol(person);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push(
        (await login(person, { totp: '000000' === (await codeAt(secret)) ? '111111' : '000000' }))
          .statusCode,
      );
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses[5]).toBe(429);
    const locked = await login(person, { totp: await codeAt(secret) });
    expect(locked.statusCode).toBe(429);
    expect(locked.headers['retry-after']).toBeDefined();
  });

  it('turns off only with the password and a code, and then signing in needs only the password', async () => {
    await awayFromStepEdge();
    const person = await buildClient(t.app);
    const { codes } = await enrol(person);
    const noBody = await as(person.cookie, 'DELETE', '/api/me/totp', {});
    expect(noBody.statusCode).toBe(400);
    const wrong = await as(person.cookie, 'DELETE', '/api/me/totp', {
      password: 'not the password',
    });
    expect(wrong.statusCode).toBe(401);
    expect((await login(person)).json().error.code).toBe('totp_required');
    const noCode = await as(person.cookie, 'DELETE', '/api/me/totp', {
      password: person.password,
    });
    expect(noCode.json().error.code).toBe('totp_required');

    const off = await as(person.cookie, 'DELETE', '/api/me/totp', {
      password: person.password,
      totp: codes[0],
    });
    expect(off.statusCode).toBe(204);
    const [row] = await t.services.db.select().from(users).where(eq(users.id, person.id));
    expect(row?.totpSecret).toBeNull();
    expect(row?.totpConfirmedAt).toBeNull();
    const left = await t.services.db
      .select()
      .from(recoveryCodes)
      .where(eq(recoveryCodes.userId, person.id));
    expect(left).toEqual([]);
    expect((await login(person)).statusCode).toBe(200);
  });
});

describe('changing the password or email', () => {
  it('needs the current password, applies the password rules and signs out other sign-ins', async () => {
    const person = await buildClient(t.app);
    const other = sessionCookieOf((await login(person)).headers['set-cookie']);
    expect((await me(other)).statusCode).toBe(200);

    const wrong = await as(person.cookie, 'PUT', '/api/me/password', {
      currentPassword: 'not the password',
      newPassword: 'a brand new long passphrase',
    });
    expect(wrong.statusCode).toBe(401);
    const weak = await as(person.cookie, 'PUT', '/api/me/password', {
      currentPassword: person.password,
      newPassword: 'password1234',
    });
    expect(weak.statusCode).toBe(400);
    expect(Object.keys(weak.json().error.fields)).toEqual(['newPassword']);

    const changed = await as(person.cookie, 'PUT', '/api/me/password', {
      currentPassword: person.password,
      newPassword: 'a brand new long passphrase',
    });
    expect(changed.statusCode).toBe(204);
    const fresh = sessionCookieOf(changed.headers['set-cookie']);
    expect((await me(fresh)).statusCode).toBe(200);
    expect((await me(other)).statusCode).toBe(401);
    expect((await login(person)).statusCode).toBe(401);
    expect((await login({ ...person, password: 'a brand new long passphrase' })).statusCode).toBe(
      200,
    );
  });

  it('changes the email after the password, refuses a taken one with 409, and shows the new one at once', async () => {
    const person = await buildClient(t.app);
    const someone = await buildClient(t.app);
    expect((await me(person.cookie)).json().user.email).toBe(person.email);
    const taken = await as(person.cookie, 'PUT', '/api/me/email', {
      password: person.password,
      email: someone.email.toUpperCase(),
    });
    expect(taken.statusCode).toBe(409);
    const wrong = await as(person.cookie, 'PUT', '/api/me/email', {
      password: 'not the password',
      email: `new-${person.email}`,
    });
    expect(wrong.statusCode).toBe(401);
    const bad = await as(person.cookie, 'PUT', '/api/me/email', {
      password: person.password,
      email: 'not an email',
    });
    expect(bad.statusCode).toBe(400);
    const changed = await as(person.cookie, 'PUT', '/api/me/email', {
      password: person.password,
      email: `New-${person.email}`,
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().user.email).toBe(`new-${person.email}`);
    expect((await me(person.cookie)).json().user.email).toBe(`new-${person.email}`);
  });
});

describe('active sign-ins', () => {
  it('lists them with display ids only, marking the current one', async () => {
    const person = await buildClient(t.app);
    const phone = sessionCookieOf(
      (
        await login(
          person,
          {},
          'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Mobile Safari/537.36',
        )
      ).headers['set-cookie'],
    );
    const response = await as(person.cookie, 'GET', '/api/me/sessions');
    expect(response.statusCode).toBe(200);
    const { items } = response.json();
    expect(items).toHaveLength(2);
    for (const item of items) {
      expect(Object.keys(item).sort()).toEqual([
        'createdAt',
        'current',
        'id',
        'lastSeenAt',
        'userAgent',
      ]);
      expect(item.id).toMatch(/^[0-9a-f]{12}$/);
    }
    expect(items.filter((i: { current: boolean }) => i.current)).toHaveLength(1);
    expect(items.map((i: { userAgent: string }) => i.userAgent)).toContain('Chrome on Android');
    for (const cookie of [person.cookie, phone]) {
      const id = hashToken(cookie.split('=')[1] ?? '');
      expect(response.body).not.toContain(id);
      expect(response.body).not.toContain(cookie.split('=')[1]);
    }
    // Someone else's list does not include these.
    const other = await buildClient(t.app);
    const theirs = (await as(other.cookie, 'GET', '/api/me/sessions')).json().items;
    expect(theirs).toHaveLength(1);
  });

  it("ends one sign-in by its id; someone else's id is not found", async () => {
    const person = await buildClient(t.app);
    const phone = sessionCookieOf((await login(person)).headers['set-cookie']);
    const { items } = (await as(phone, 'GET', '/api/me/sessions')).json();
    const phoneId = items.find((i: { current: boolean }) => i.current).id;
    const other = await buildClient(t.app);
    expect((await as(other.cookie, 'DELETE', `/api/me/sessions/${phoneId}`, {})).statusCode).toBe(
      404,
    );
    expect((await as(person.cookie, 'DELETE', '/api/me/sessions/zzz', {})).statusCode).toBe(404);
    expect((await me(phone)).statusCode).toBe(200);
    const ended = await as(person.cookie, 'DELETE', `/api/me/sessions/${phoneId}`, {});
    expect(ended.statusCode).toBe(204);
    expect((await me(phone)).statusCode).toBe(401);
    expect((await me(person.cookie)).statusCode).toBe(200);
    expect((await me(other.cookie)).statusCode).toBe(200);
  });

  it('signs out everywhere else, keeping this sign-in, or everywhere with includeThis', async () => {
    const person = await buildClient(t.app);
    const a = sessionCookieOf((await login(person)).headers['set-cookie']);
    const b = sessionCookieOf((await login(person)).headers['set-cookie']);
    const out = await as(person.cookie, 'POST', '/api/me/sessions/sign-out-everywhere', {});
    expect(out.statusCode).toBe(204);
    expect((await me(a)).statusCode).toBe(401);
    expect((await me(b)).statusCode).toBe(401);
    expect((await me(person.cookie)).statusCode).toBe(200);
    expect((await as(person.cookie, 'GET', '/api/me/sessions')).json().items).toHaveLength(1);

    const c = sessionCookieOf((await login(person)).headers['set-cookie']);
    const all = await as(person.cookie, 'POST', '/api/me/sessions/sign-out-everywhere', {
      includeThis: true,
    });
    expect(all.statusCode).toBe(204);
    expect((await me(c)).statusCode).toBe(401);
    expect((await me(person.cookie)).statusCode).toBe(401);
  });

  it('a sign-in ended on one instance ends at once on another that had it cached', async () => {
    const fresh = await freshDatabase();
    const one = await startTestApp({ fresh });
    const two = await startTestApp({ fresh });
    try {
      const person = await buildClient(one.app);
      const phone = sessionCookieOf(
        (
          await one.app.inject({
            method: 'POST',
            url: '/api/auth/login',
            payload: { email: person.email, password: person.password },
          })
        ).headers['set-cookie'],
      );
      expect((await me(phone, two.app)).statusCode).toBe(200);
      expect((await me(phone, two.app)).statusCode).toBe(200); // now cached on two
      const { items } = (
        await one.app.inject({ method: 'GET', url: '/api/me/sessions', headers: { cookie: phone } })
      ).json();
      const phoneId = items.find((i: { current: boolean }) => i.current).id;
      const ended = await one.app.inject({
        method: 'DELETE',
        url: `/api/me/sessions/${phoneId}`,
        headers: { cookie: person.cookie },
        payload: {},
      });
      expect(ended.statusCode).toBe(204);
      let status = 200;
      for (let i = 0; i < 50 && status === 200; i++) {
        status = (await me(phone, two.app)).statusCode;
        if (status === 200) await sleep(20);
      }
      expect(status).toBe(401);
      expect((await me(person.cookie, two.app)).statusCode).toBe(200);
    } finally {
      await one.close();
      await two.close();
      await fresh.drop();
    }
  });
});

describe('re-authentication with two-factor on', () => {
  it('asks for a code before changing the password, and takes it once', async () => {
    await awayFromStepEdge();
    const person = await buildClient(t.app);
    const { secret } = await enrol(person);
    const newPassword = 'a brand new passphrase 42';
    const change = (extra: Record<string, unknown>) =>
      as(person.cookie, 'PUT', '/api/me/password', {
        currentPassword: person.password,
        newPassword,
        ...extra,
      });
    const none = await change({});
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('totp_required');
    const wrong = await change({ totp: '000000' === (await codeAt(secret)) ? '111111' : '000000' });
    expect(wrong.json().error.code).toBe('totp_invalid');
    const [before] = await t.services.db.select().from(users).where(eq(users.id, person.id));
    const code = await codeAt(secret);
    const right = await change({ totp: code });
    expect(right.statusCode, right.body).toBe(204);
    const renewed = sessionCookieOf(right.headers['set-cookie']);
    const [after] = await t.services.db.select().from(users).where(eq(users.id, person.id));
    expect(after?.passwordHash).not.toBe(before?.passwordHash);
    // The same code again is refused: it was used.
    const again = await as(renewed, 'PUT', '/api/me/email', {
      password: newPassword,
      email: `again-${person.email}`,
      totp: code,
    });
    expect(again.json().error.code).toBe('totp_invalid');
  });

  it('asks for a code before changing the email, and changes nothing without one', async () => {
    await awayFromStepEdge();
    const person = await buildClient(t.app);
    const { codes } = await enrol(person);
    const email = `new-${person.email}`;
    const none = await as(person.cookie, 'PUT', '/api/me/email', {
      password: person.password,
      email,
    });
    expect(none.json().error.code).toBe('totp_required');
    const [unchanged] = await t.services.db.select().from(users).where(eq(users.id, person.id));
    expect(unchanged?.email).toBe(person.email);
    const right = await as(person.cookie, 'PUT', '/api/me/email', {
      password: person.password,
      email,
      totp: codes[1],
    });
    expect(right.statusCode, right.body).toBe(200);
    expect(right.json().user.email).toBe(email);
  });
});

describe('what leaves the server', () => {
  it('never shows the secret (but at enrolment), a code hash or a session id', async () => {
    await awayFromStepEdge();
    const person = await buildClient(t.app);
    const { secret, codes } = await enrol(person);
    const cookie = sessionCookieOf(
      (await login(person, { totp: await codeAt(secret) })).headers['set-cookie'],
    );
    const [row] = await t.services.db.select().from(users).where(eq(users.id, person.id));
    const hashes = (
      await t.services.db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, person.id))
    ).map((r) => r.codeHash);
    const bodies = [
      (await me(cookie)).body,
      (await as(cookie, 'GET', '/api/me/totp')).body,
      (await as(cookie, 'GET', '/api/me/sessions')).body,
      (await as(cookie, 'POST', '/api/me/totp', {})).body,
      (await login(person)).body,
      (await login(person, { totp: '000001' })).body,
      (
        await as(cookie, 'PUT', '/api/me/email', {
          password: person.password,
          email: person.email,
          totp: codes[0],
        })
      ).body,
    ];
    for (const body of bodies) {
      expect(body).not.toContain(secret);
      expect(body).not.toContain(row?.passwordHash ?? 'x');
      expect(body).not.toContain(hashToken(cookie.split('=')[1] ?? ''));
      for (const hash of hashes) expect(body).not.toContain(hash);
      for (const code of codes) expect(body).not.toContain(code);
    }
    expect(t.logs.join('\n')).not.toContain(secret);
  });
});
