import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_LIMIT } from '../app.ts';
import { users } from '../db/schema.ts';
import { buildClient, type Person, uniqueEmail } from '../test/factories.ts';
import { startTestApp, type TestApp } from '../test/harness.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({
    configure: (app) => {
      app.get('/api/test-boom', async () => {
        const error = new Error(
          'relation "secret_table" does not exist: SELECT password_hash FROM users WHERE id = $1',
        );
        throw error;
      });
      // A database failure while writing someone's data (here: a duplicate email).
      app.post('/api/test-db-boom', async (request) => {
        const { email, displayName } = request.body as { email: string; displayName: string };
        await t.services.db.insert(users).values({
          id: randomUUID(),
          email,
          passwordHash: 'not a real hash',
          displayName,
          role: 'client',
        });
        return { ok: true };
      });
    },
  });
});
afterAll(async () => {
  await t?.close();
});

/** The Host the app believes it is served at, and so its own origin. */
const HOST = 'attune.test:3000';
const OWN_ORIGIN = `http://${HOST}`;

const me = (person: Person) => person.request({ method: 'GET', url: '/api/me' });

function directives(response: LightMyRequestResponse): Map<string, string> {
  const csp = String(response.headers['content-security-policy'] ?? '');
  const map = new Map<string, string>();
  for (const part of csp.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) map.set(name, values.join(' '));
  }
  return map;
}

function expectLockedDown(response: LightMyRequestResponse) {
  expect(response.headers['cache-control']).toBe('no-store');
  expect(response.headers['referrer-policy']).toBe('no-referrer');
  expect(response.headers['x-content-type-options']).toBe('nosniff');
  const csp = directives(response);
  // API answers are never documents: the strictest policy there is.
  expect(csp.get('default-src')).toBe("'none'");
  expect(csp.get('frame-ancestors')).toBe("'none'");
}

describe('the content security policy of the web app', () => {
  it('allows only the app itself, and no framing', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/relationships/some-page' });
    const csp = directives(response);
    expect(csp.get('default-src')).toBe("'self'");
    expect(csp.get('script-src')).toBe("'self'");
    expect(csp.get('object-src')).toBe("'none'");
    expect(csp.get('frame-ancestors')).toBe("'none'");
    expect(response.headers['cache-control']).not.toBe('no-store');
  });

  it('allows no inline or eval script anywhere, and sends no referrer', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/relationships/some-page' });
    const csp = directives(response);
    // script-src governs scripts; default-src is its fallback for the -elem/-attr variants.
    for (const name of ['script-src', 'script-src-elem', 'script-src-attr', 'default-src']) {
      expect(csp.get(name) ?? '', name).not.toMatch(/'unsafe-inline'|'unsafe-eval'|\*|data:/);
    }
    expect(csp.get('script-src')).not.toContain('unsafe-inline');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
  });
});

describe('Strict-Transport-Security', () => {
  const HSTS = /^max-age=(\d+); includeSubDomains$/;
  const requests = [
    ['an API answer', { method: 'GET' as const, url: '/api/health' }],
    ['a page of the web app', { method: 'GET' as const, url: '/relationships/some-page' }],
    ['an error answer', { method: 'GET' as const, url: '/api/me' }],
    [
      'a cross-origin refusal',
      {
        method: 'POST' as const,
        url: '/api/auth/login',
        headers: { origin: 'https://evil.example' },
        payload: {},
      },
    ],
  ] as const;

  it.each(requests)('is not sent over plain HTTP (%s)', async (_name, request) => {
    const response = await t.app.inject(request);
    expect(response.headers['strict-transport-security']).toBeUndefined();
  });

  it.each(requests)(
    'is not sent for a forged X-Forwarded-Proto: https without a trusted proxy (%s)',
    async (_name, request) => {
      const response = await t.app.inject({
        ...request,
        headers: { ...('headers' in request ? request.headers : {}), 'x-forwarded-proto': 'https' },
      });
      expect(response.headers['strict-transport-security']).toBeUndefined();
    },
  );

  describe('behind a trusted TLS-terminating proxy (ATTUNE_TRUST_PROXY=true)', () => {
    let proxied: TestApp;
    beforeAll(async () => {
      proxied = await startTestApp({ env: { trustProxy: true } });
    });
    afterAll(async () => {
      await proxied?.close();
    });

    it.each(requests)(
      'is sent, for a year, when the proxy says https (%s)',
      async (_name, request) => {
        const response = await proxied.app.inject({
          ...request,
          headers: {
            ...('headers' in request ? request.headers : {}),
            'x-forwarded-proto': 'https',
          },
        });
        const [, maxAge] = HSTS.exec(String(response.headers['strict-transport-security'])) ?? [];
        expect(Number(maxAge)).toBeGreaterThanOrEqual(31_536_000);
      },
    );

    it('is not sent when the proxy says http, or says nothing', async () => {
      for (const headers of [{ 'x-forwarded-proto': 'http' }, {}]) {
        const response = await proxied.app.inject({ method: 'GET', url: '/api/health', headers });
        expect(response.statusCode).toBe(200);
        expect(response.headers['strict-transport-security']).toBeUndefined();
      }
    });

    it('keeps the other lock-down headers over HTTPS', async () => {
      const response = await proxied.app.inject({
        method: 'GET',
        url: '/api/health',
        headers: { 'x-forwarded-proto': 'https' },
      });
      expectLockedDown(response);
    });
  });
});

describe('lock-down headers on API answers', () => {
  it.each([
    ['a 200 (GET /api/health)', { method: 'GET' as const, url: '/api/health' }, 200],
    ['a 401 (GET /api/me signed out)', { method: 'GET' as const, url: '/api/me' }, 401],
    ['a 404 (unknown API route)', { method: 'GET' as const, url: '/api/no-such-thing' }, 404],
  ])('are on %s', async (_name, request, status) => {
    const response = await t.app.inject(request);
    expect(response.statusCode).toBe(status);
    expectLockedDown(response);
  });

  it('are on a signed-in answer that carries personal data', async () => {
    const robin = await buildClient(t.app);
    const response = await me(robin);
    expect(response.statusCode).toBe(200);
    expectLockedDown(response);
  });

  it('are on a refusal (403 cross_origin) too', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { origin: 'https://evil.example' },
      payload: { email: uniqueEmail(), password: 'whatever it is' },
    });
    expect(response.statusCode).toBe(403);
    expectLockedDown(response);
  });
});

describe('cross-origin state-changing requests', () => {
  it.each([
    ['another site', 'https://evil.example'],
    ['the same host on another port', 'http://attune.test:3001'],
    ['the same host over another scheme', 'https://attune.test:3000'],
  ])(
    'refuses a signed-out POST whose Origin is %s with 403 cross_origin',
    async (_name, origin) => {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { host: HOST, origin },
        payload: { email: uniqueEmail(), password: 'whatever it is' },
      });
      expect(response.statusCode).toBe(403);
      expect(response.json()).toEqual({
        error: { code: 'cross_origin', message: expect.any(String) },
      });
    },
  );

  it('refuses a signed-in POST from another origin, and the session survives it', async () => {
    const robin = await buildClient(t.app);
    const response = await robin.request({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { host: HOST, origin: 'https://evil.example' },
      payload: {},
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('cross_origin');
    expect(response.headers['set-cookie']).toBeUndefined();
    expect((await me(robin)).statusCode).toBe(200);
  });

  it('refuses Origin: null (sandboxed frames, some redirects), signed in or not', async () => {
    const robin = await buildClient(t.app);
    const signedIn = await robin.request({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { host: HOST, origin: 'null' },
      payload: {},
    });
    expect(signedIn.statusCode).toBe(403);
    expect(signedIn.json().error.code).toBe('cross_origin');
    expect((await me(robin)).statusCode).toBe(200);

    const signedOut = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { host: HOST, origin: 'null' },
      payload: { email: robin.email, password: robin.password },
    });
    expect(signedOut.statusCode).toBe(403);
    expect(signedOut.json().error.code).toBe('cross_origin');
  });

  it('refuses Sec-Fetch-Site: cross-site even without an Origin header', async () => {
    const robin = await buildClient(t.app);
    const signedIn = await robin.request({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { host: HOST, 'sec-fetch-site': 'cross-site' },
      payload: {},
    });
    expect(signedIn.statusCode).toBe(403);
    expect(signedIn.json().error.code).toBe('cross_origin');
    expect((await me(robin)).statusCode).toBe(200);

    const signedOut = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { host: HOST, 'sec-fetch-site': 'cross-site' },
      payload: { email: robin.email, password: robin.password },
    });
    expect(signedOut.statusCode).toBe(403);
  });

  it('lets a same-origin request through (Origin = http://<Host>)', async () => {
    const robin = await buildClient(t.app);
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { host: HOST, origin: OWN_ORIGIN, 'sec-fetch-site': 'same-origin' },
      payload: { email: robin.email, password: robin.password },
    });
    expect(login.statusCode).toBe(200);

    const logout = await robin.request({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { host: HOST, origin: OWN_ORIGIN },
      payload: {},
    });
    expect(logout.statusCode).toBe(204);
    expect((await me(robin)).statusCode).toBe(401);
  });

  it('does not refuse a cross-origin GET (reads change nothing)', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/health',
      headers: { host: HOST, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    });
    expect(response.statusCode).toBe(200);
  });
});

describe('signed-in requests must be JSON', () => {
  it.each([
    ['text/plain', 'text/plain', '{}'],
    ['a form', 'application/x-www-form-urlencoded', 'all=true'],
    ['a multipart form', 'multipart/form-data; boundary=x', '--x--\r\n'],
  ])('refuses %s with 415 and does not sign out', async (_name, contentType, payload) => {
    const robin = await buildClient(t.app);
    const response = await robin.request({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { 'content-type': contentType },
      payload,
    });
    expect(response.statusCode).toBe(415);
    expect(response.json()).toEqual({
      error: { code: 'unsupported_media_type', message: expect.any(String) },
    });
    expect(response.headers['set-cookie']).toBeUndefined();
    expect((await me(robin)).statusCode).toBe(200);
  });

  it('refuses a signed-in POST with no Content-Type at all, and does not sign out', async () => {
    const robin = await buildClient(t.app);
    const response = await robin.request({ method: 'POST', url: '/api/auth/logout' });
    expect(response.statusCode).toBe(415);
    expect(response.json().error.code).toBe('unsupported_media_type');
    expect((await me(robin)).statusCode).toBe(200);
  });

  it('accepts application/json with a charset', async () => {
    const robin = await buildClient(t.app);
    const response = await robin.request({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      payload: '{}',
    });
    expect(response.statusCode).toBe(204);
  });
});

describe('the checks cannot be skipped by spelling /api differently', () => {
  // The router decodes percent-escapes, so /%61pi/auth/logout is the logout route.
  it('refuses a cross-origin, signed-in POST to /%61pi/auth/logout, and the session survives', async () => {
    const robin = await buildClient(t.app);
    const response = await robin.request({
      method: 'POST',
      url: '/%61pi/auth/logout',
      headers: { host: HOST, origin: 'https://evil.example' },
    });
    expect(response.statusCode).toBe(403);
    expect((await me(robin)).statusCode).toBe(200);
  });

  it('refuses a signed-in POST to /%61pi/auth/logout without JSON, and the session survives', async () => {
    const robin = await buildClient(t.app);
    const response = await robin.request({ method: 'POST', url: '/%61pi/auth/logout' });
    expect(response.statusCode).toBe(415);
    expect((await me(robin)).statusCode).toBe(200);
  });

  it('marks personal data fetched as /%61pi/me no-store', async () => {
    const robin = await buildClient(t.app);
    const response = await robin.request({ method: 'GET', url: '/%61pi/me' });
    if (response.statusCode === 200) expect(response.json().user.id).toBe(robin.id);
    expect(response.headers['cache-control']).toBe('no-store');
  });
});

describe('request bodies', () => {
  it('accepts a body of exactly 1 MiB (it reaches validation)', async () => {
    const payload = `{}${' '.repeat(BODY_LIMIT - 2)}`;
    expect(Buffer.byteLength(payload)).toBe(1024 * 1024);
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('invalid_input');
  });

  it('answers a body over 1 MiB with 413 too_large', async () => {
    const payload = JSON.stringify({ email: uniqueEmail(), password: 'x'.repeat(BODY_LIMIT) });
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload,
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toEqual({
      error: { code: 'too_large', message: expect.any(String) },
    });
  });

  it('answers a signed-in body of 1 MiB + 1 byte with 413, and does not sign out', async () => {
    const robin = await buildClient(t.app);
    const response = await robin.request({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { 'content-type': 'application/json' },
      payload: `{}${' '.repeat(BODY_LIMIT - 1)}`,
    });
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe('too_large');
    expect((await me(robin)).statusCode).toBe(200);
  });

  it.each([
    ['truncated', '{"email": '],
    ['not JSON at all', 'email=a@b.c'],
    ['a prototype-poisoning key', '{"__proto__": {"admin": true}}'],
  ])('answers malformed JSON (%s) with 400 invalid_json', async (_name, payload) => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error: { code: 'invalid_json', message: expect.any(String) },
    });
  });
});

describe('errors', () => {
  it.each([
    ['GET', '/api/no-such-thing'],
    ['POST', '/api/no-such-thing'],
    ['GET', '/api'],
  ] as const)('answers %s %s with 404 in the error shape', async (method, url) => {
    const response = await t.app.inject({ method, url });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json()).toEqual({
      error: { code: 'not_found', message: expect.any(String) },
    });
  });

  it('answers an unexpected error with a plain 500: no stack, no SQL, no error text', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/test-boom' });
    expect(response.statusCode).toBe(500);
    const answer = response.json();
    expect(answer).toEqual({ error: { code: 'internal', message: expect.any(String) } });
    expect(response.body).not.toMatch(/Error:/);
    expect(response.body).not.toMatch(/\bat .*\.ts:\d+/);
    expect(response.body).not.toMatch(/secret_table|password_hash|SELECT|FROM users/i);
    expect(response.body).not.toContain('stack');
    expectLockedDown(response);
    // The route really threw that error, with its stack: the operator's log has it.
    const logged = t.logs.join('\n');
    expect(logged).toContain('secret_table');
    expect(logged).toMatch(/"stack":"\s*at /);
  });
});

describe('logs of unexpected errors', () => {
  it('keep what a person wrote out of the log when a database write fails', async () => {
    const robin = await buildClient(t.app);
    const displayName = `Private name ${randomUUID()}`;
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/test-db-boom',
      payload: { email: robin.email, displayName },
    });
    expect(response.statusCode).toBe(500);
    expect(response.json().error.code).toBe('internal');
    expect(response.body).not.toContain(robin.email);

    const entry = t.logs.find((line) => line.includes('unhandled error'));
    expect(entry, 'the failure is logged for the operator').toBeDefined();
    const all = t.logs.join('\n');
    expect(all).not.toContain(displayName);
    expect(all).not.toContain(robin.email);
  });
});

describe('meta routes', () => {
  it('GET /api/openapi.json describes the API as OpenAPI 3', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(String(document.openapi)).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/api/auth/register',
        '/api/auth/login',
        '/api/auth/logout',
        '/api/me',
        '/api/health',
      ]),
    );
    expect(document.paths['/api/auth/register'].post).toBeDefined();
    expect(document.paths['/api/me'].get).toBeDefined();
  });

  it('GET /api/health answers {status: "ok"}', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('GET /api/crisis-resources answers the default list, signed out', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/crisis-resources' });
    expect(response.statusCode).toBe(200);
    const list = response.json();
    expect(list.intro).toMatch(/emergency number/i);
    expect(list.notice).toEqual(expect.any(String));
    expect(list.resources.length).toBeGreaterThan(0);
    for (const resource of list.resources) {
      expect(resource.name).toEqual(expect.any(String));
      expect(resource.phone ?? resource.url).toEqual(expect.any(String));
    }
  });
});
