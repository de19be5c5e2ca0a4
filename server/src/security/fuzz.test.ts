import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Person, sessionCookieOf } from '../test/factories.ts';
import { databaseKind, startTestApp } from '../test/harness.ts';
import { daysFromNow, someAddress } from '../test/world.ts';
import { type AttackWorld, buildAttackWorld, type RecordedRoute } from './attack-world.ts';
import {
  type BodyCase,
  bodyCases,
  enc,
  HTML,
  isZod,
  type QueryCase,
  queryCases,
  type Refs,
  type Shape,
  shapeOf,
  textFields,
  valid,
} from './fuzz-arbitraries.ts';
import {
  type IdName,
  type Method,
  PARAMS,
  PUBLIC,
  QUERIES,
  type RouteKey,
  routeKeys,
  STREAMS,
} from './route-table.ts';

/**
 * Property-based fuzzing of every JSON route, driven by the routes the app registers (an onRoute
 * hook, recordingFastify in attack-world.ts), so a new route is fuzzed without being listed anywhere.
 * Every route with a body (POST/PUT/PATCH/DELETE) gets hostile bodies derived from its own Zod
 * schema (fuzz-arbitraries.ts); every GET with a query schema gets hostile query strings, and every
 * other GET a few. Requests are made as the client A and their therapist T, on the ids of A's
 * world, so they reach validation and the handlers. For every answer:
 *
 * - never a 5xx;
 * - a 4xx is exactly `{error: {code, message, fields?}}` (fields only with 400);
 * - no stack trace, no SQL, no database error text;
 * - JSON, or a download type (text/calendar, CSV, Markdown, PDF as an attachment): never HTML;
 * - Object.prototype and Array.prototype are untouched.
 *
 * Afterwards, A's relationship still reads and writes, and every GET (now full of stored hostile
 * text) still answers JSON or a download. Set FUZZ_SEED to replay a run, FUZZ_RUNS to change
 * the number of requests per route.
 */

const recorded = vi.hoisted(() => [] as RecordedRoute[]);
vi.mock('fastify', async (importOriginal) => {
  const { recordingFastify } = await import('./attack-world.ts');
  return recordingFastify(await importOriginal(), recorded);
});

const NUL_TEST = 'a NUL character in any text field';
const SURROGATE_TEST = 'a lone surrogate in any text field';

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
/** Requests per route with a body (shared among its variants and members). */
const BODY_RUNS = Number(process.env.FUZZ_RUNS ?? 32);
/** Requests per GET route with a query schema. */
const QUERY_RUNS = Math.ceil(BODY_RUNS * 0.75);
/** Requests per member for the other GET routes. */
const OTHER_GET_RUNS = 2;

const t = await startTestApp();
afterAll(async () => {
  await t.close();
});

// ---------------------------------------------------------------------------------------------
// The routes, from the app

const { keys } = routeKeys(recorded);
const schemaOf = (key: RouteKey) => {
  const [method, url] = key.split(' ');
  return recorded.find((r) => r.url === url && [r.method].flat().includes(method ?? ''))?.schema;
};
const STATE_CHANGING = new Set<string>(['POST', 'PUT', 'PATCH', 'DELETE']);

type Variant = { label: string; ids: [param: string, name: IdName][] };
type FuzzRoute = {
  key: RouteKey;
  method: Method;
  path: string;
  variants: Variant[];
  /** Who calls it: null is signed out (public routes). */
  members: ('A' | 'T' | null)[];
  body: Shape | undefined;
  query: Shape | undefined;
  /** What keeps this route from being exercised (fails its test). */
  problem: string | undefined;
};

function routeOf(key: RouteKey): FuzzRoute {
  const [method, path] = key.split(' ') as [Method, string];
  const segments = path.split('/');
  const lists: [string, string, IdName][][] = [];
  let problem: string | undefined;
  segments.forEach((segment, i) => {
    if (!segment.startsWith(':')) return;
    const prefix = segments.slice(0, i + 1).join('/');
    const variants = PARAMS[prefix];
    if (!variants) {
      problem = `${key}: no id for ${segment}: add '${prefix}' to PARAMS in route-table.ts`;
      return;
    }
    lists.push(Object.entries(variants).map(([label, name]) => [segment, label, name]));
  });
  const combos = lists.reduce<[string, string, IdName][][]>(
    (all, list) => all.flatMap((combo) => list.map((item) => [...combo, item])),
    [[]],
  );
  const schema = schemaOf(key);
  return {
    key,
    method,
    path,
    variants: combos.map((combo) => ({
      label: combo.map(([, label]) => label).join(', '),
      ids: combo.map(([segment, , name]) => [segment, name]),
    })),
    members: PUBLIC[key] ? [null] : ['A', 'T'],
    body: isZod(schema?.body) ? shapeOf(schema?.body) : undefined,
    query: isZod(schema?.querystring) ? shapeOf(schema?.querystring) : undefined,
    problem,
  };
}

const all = keys.filter((key) => !STREAMS[key]).map(routeOf);
const withBody = all.filter((r) => STATE_CHANGING.has(r.method));
// Deletions last, so the objects they remove are there for every other route (and the sweep of
// stored text) first.
const writes = withBody.filter((r) => r.method !== 'DELETE');
const deletions = withBody.filter((r) => r.method === 'DELETE');
const withQuery = all.filter((r) => r.method === 'GET' && r.query);
const otherGets = all.filter((r) => r.method === 'GET' && !r.query);

// ---------------------------------------------------------------------------------------------
// A's world

type Member = {
  name: 'A' | 'T';
  person: Person;
  cookie: string;
  /** A fuzzed call may have ended the session (logout, sign-out everywhere, erasure…). */
  stale: boolean;
};
let world: AttackWorld;
let A: Member;
let T: Member;
let refs: Refs;

async function buildWorld() {
  world = await buildAttackWorld(t.app);
  const { ids, cRelationship: cRel } = world;
  refs = {
    ids: [...Object.values(ids), cRel],
    // What the bodies' reference fields name in this world, so valid-looking bases get through.
    byField: {
      ruptureId: [ids.privateRupture, ids.sharedRupture],
      partIds: [ids.part],
      appointmentId: [ids.pastAppointment],
      letterId: [ids.letter],
      openTimeId: [ids.openTime],
      relationshipIds: [ids.relationship, cRel],
      relationshipId: [ids.relationship],
      ids: [ids.messageFromA, ids.messageFromT],
    },
  };
  A = { name: 'A', person: world.A, cookie: world.A.cookie, stale: false };
  T = { name: 'T', person: world.T, cookie: world.T.cookie, stale: false };
}

const idOf = (name: IdName) => world.id(name);

/**
 * Signs the member in again when a fuzzed call ended their session (logout, sign-out…). Routes
 * that ask for the password again (erasure, password, email, two-factor) count the fuzzer's wrong
 * guesses in the sign-in throttle, so the account's counter is cleared first: the world's own
 * sign-in is not what is under test.
 */
async function signedIn(member: Member) {
  member.stale = false;
  const me = await t.app.inject({
    method: 'GET',
    url: '/api/me',
    headers: { cookie: member.cookie },
  });
  if (me.statusCode === 200) return;
  await t.services.throttle.recordSuccess(member.person.email);
  const login = await t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: member.person.email, password: member.person.password },
    remoteAddress: someAddress(),
  });
  expect(login.statusCode, `${member.name} could not sign in again: ${login.body}`).toBe(200);
  member.cookie = sessionCookieOf(login.headers['set-cookie']);
}

// ---------------------------------------------------------------------------------------------
// Sending, and what every answer must be

const stats = {
  routes: new Set<string>(),
  requests: 0,
  /** Answers by route and status. */
  statuses: new Map<string, Map<number, number>>(),
  serverErrors: [] as string[],
};
const protoKeys = (o: object) => Reflect.ownKeys(o).map(String).sort().join(',');
const PROTOTYPES = { 'Object.prototype': Object.prototype, 'Array.prototype': Array.prototype };
const pristine = Object.fromEntries(
  Object.entries(PROTOTYPES).map(([name, proto]) => [name, protoKeys(proto)]),
);

function pollution(): string[] {
  const found: string[] = [];
  const probe: Record<string, unknown> = {};
  for (const key of ['polluted', 'isAdmin', 'role']) {
    if (probe[key] !== undefined) found.push(`({}).${key} is ${String(probe[key])}`);
  }
  for (const [name, proto] of Object.entries(PROTOTYPES)) {
    if (protoKeys(proto) !== pristine[name]) found.push(`${name} has new own keys`);
  }
  return found;
}

const STACK = /\n\s+at \S|\bat .*\(.*:\d+:\d+\)|\.[cm]?[jt]sx?:\d+:\d+|node_modules|\/work\//;
const DATABASE_TEXT =
  /syntax error|violates|duplicate key|relation "|column "|invalid input syntax|invalid byte sequence|failed query|select\s+[\w"*.,\s]+\s+from\s+"|insert into|delete from "|drizzle|postgres|pglite|\bpg_|sqlstate/i;
const DOWNLOADS = [/^text\/calendar\b/, /^text\/csv\b/, /^text\/markdown\b/, /^application\/pdf\b/];

/** Everything wrong with an answer (empty when it is as it must be). */
function problemsOf(response: LightMyRequestResponse): string[] {
  const problems: string[] = [];
  const status = response.statusCode;
  const type = String(response.headers['content-type'] ?? '');
  const text = response.body;
  if (status >= 500) problems.push(`a server error (${status})`);
  if (STACK.test(text) && !/^text\/(csv|markdown|calendar)/.test(type)) {
    problems.push('the answer carries a stack trace or a file path');
  }
  if (/^text\/html/i.test(type)) problems.push(`answered ${type}`);
  if (text.length > 0 && status !== 204) {
    const download = DOWNLOADS.some((d) => d.test(type));
    if (!/^application\/json\b/.test(type) && !download) {
      problems.push(`answered ${type || 'no content-type'}, neither JSON nor a download`);
    }
    if (download && !/^text\/calendar/.test(type)) {
      const disposition = String(response.headers['content-disposition'] ?? '');
      if (!/^attachment\b/.test(disposition)) problems.push(`${type} not as an attachment`);
    }
    if (response.headers['x-content-type-options'] !== 'nosniff') problems.push('no nosniff');
  }
  if (status >= 400) {
    // Field paths echo the names of unknown fields as sent: only the sentences are ours.
    if (DATABASE_TEXT.test(errorSentences(text))) problems.push('the error carries database text');
    problems.push(...errorShapeProblems(status, type, text));
  } else if (/^application\/json\b/.test(type) && text.length > 0) {
    try {
      JSON.parse(text);
    } catch {
      problems.push('a 2xx that says JSON but is not');
    }
  }
  return problems;
}

/** Error answers that carry more than the error by design (API.md, ARCHITECTURE.md): code → keys. */
const DESIGNED_EXTRAS: Record<string, string[]> = {
  // A letter saved over a newer revision: 409 with the letter as it is now, so no text is lost.
  letter_changed: ['letter'],
};

/** The words of an error answer, without the field paths (those echo the request's keys). */
function errorSentences(text: string): string {
  try {
    const { error } = JSON.parse(text) as {
      error?: { code?: unknown; message?: unknown; fields?: object };
    };
    return [error?.code, error?.message, ...Object.values(error?.fields ?? {})].join('\n');
  } catch {
    return text;
  }
}

/** `{error: {code, message, fields?}}` and nothing else; fields only with 400. */
function errorShapeProblems(status: number, type: string, text: string): string[] {
  if (!/^application\/json\b/.test(type)) return [`an error answered as ${type || 'nothing'}`];
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return ['an error that is not JSON'];
  }
  const problems: string[] = [];
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(body) || !isObject(body.error)) return ['an error not shaped {error: {…}}'];
  const error = body.error;
  const besides = Object.keys(body).filter((k) => k !== 'error');
  const allowed = DESIGNED_EXTRAS[String(error.code)] ?? [];
  if (besides.some((k) => !allowed.includes(k))) {
    problems.push(`the error answer also has ${besides.join(', ')}`);
  }
  const extra = Object.keys(error).filter((k) => !['code', 'message', 'fields'].includes(k));
  if (extra.length) problems.push(`error has ${extra.join(', ')}`);
  if (typeof error.code !== 'string' || !/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/.test(error.code)) {
    problems.push(`error code ${JSON.stringify(error.code)} is not snake_case`);
  }
  if (typeof error.message !== 'string' || error.message.trim() === '') {
    problems.push('error message is not a non-empty string');
  }
  if (error.fields !== undefined) {
    if (status !== 400) problems.push(`fields with a ${status}`);
    if (!isObject(error.fields)) problems.push('fields is not an object');
    else {
      for (const [k, v] of Object.entries(error.fields)) {
        if (typeof v !== 'string' || v === '') problems.push(`fields.${k} is not a message`);
      }
    }
  }
  return problems;
}

type Call = { route: FuzzRoute; variant: Variant; member: Member | null; url: string };

/** The router's own limit on a path parameter (app.ts): longer ones are tested on their own. */
const MAX_PARAM_LENGTH = 200;

/** A hostile id cut to what the router takes, encoded. */
function routable(id: string): string {
  let cut = id;
  while (enc(cut.toWellFormed()).length > MAX_PARAM_LENGTH) {
    cut = cut.slice(0, Math.floor(cut.length * 0.8));
  }
  return enc(cut.toWellFormed());
}

function urlOf(route: FuzzRoute, variant: Variant, pathId?: string, query?: string) {
  let url = route.path;
  for (const [segment, name] of variant.ids) {
    url = url.replace(segment, pathId === undefined ? enc(idOf(name)) : routable(pathId));
  }
  return query ? `${url}?${query}` : url;
}

const shorten = (s: string, n = 600) => (s.length > n ? `${s.slice(0, n)}… (${s.length})` : s);

/** Sends one request and throws with everything wrong with its answer. */
async function send(call: Call, options: Omit<InjectOptions, 'url' | 'method'>, what: string) {
  const logsBefore = t.logs.length;
  const headers: Record<string, string> = { ...(options.headers as Record<string, string>) };
  if (call.member) headers.cookie = call.member.cookie;
  const response = await t.app.inject({
    ...options,
    method: call.route.method,
    url: call.url,
    headers,
    remoteAddress: someAddress(),
  });
  stats.requests++;
  const statuses = stats.statuses.get(call.route.key) ?? new Map<number, number>();
  statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
  stats.statuses.set(call.route.key, statuses);
  if (call.member && (response.statusCode === 401 || response.headers['set-cookie'])) {
    call.member.stale = true;
  }
  const problems = [...problemsOf(response), ...pollution()];
  if (problems.length === 0) return response;
  const logs = t.logs
    .slice(logsBefore)
    .filter((line) => /"level":(40|50|60)/.test(line))
    .join('\n');
  const report = [
    `${call.route.method} ${shorten(call.url, 300)} as ${call.member?.name ?? 'signed out'}`,
    `request: ${what}`,
    `answer: ${response.statusCode} ${response.headers['content-type']} ${shorten(response.body)}`,
    `problems: ${problems.join('; ')}`,
    logs ? `logs:\n${shorten(logs, 4000)}` : 'logs: none',
  ].join('\n');
  if (response.statusCode >= 500) stats.serverErrors.push(report);
  throw new Error(report);
}

function describeCase(c: { label: string }): string {
  return fc.stringify(c);
}

const memberOf = (m: 'A' | 'T' | null) => (m === 'A' ? A : m === 'T' ? T : null);

/** Runs `runs` hostile calls of a route, spread over its variants and members. */
async function fuzz<C extends { label: string }>(
  route: FuzzRoute,
  runs: number,
  arbitrary: fc.Arbitrary<C>,
  request: (c: C) => {
    options: Omit<InjectOptions, 'url' | 'method'>;
    pathId?: string;
    query?: string;
  },
) {
  expect(route.problem).toBeUndefined();
  stats.routes.add(route.key);
  const combos = route.variants.flatMap((variant) =>
    route.members.map((m) => ({ variant, member: m })),
  );
  const per = Math.max(4, Math.ceil(runs / combos.length));
  for (const { variant, member: name } of combos) {
    const member = memberOf(name);
    if (member) await signedIn(member);
    await fc.assert(
      fc.asyncProperty(arbitrary, async (c) => {
        if (member?.stale) await signedIn(member);
        const { options, pathId, query } = request(c);
        const url = urlOf(route, variant, pathId, query);
        await send({ route, variant, member, url }, options, describeCase(c));
      }),
      { numRuns: per, ...(SEED === undefined ? {} : { seed: SEED }) },
    );
  }
  await healthy();
}

/** A's relationship still reads, for A and for T. */
async function healthy() {
  for (const member of [A, T]) {
    await signedIn(member);
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/relationships/${idOf('relationship')}`,
      headers: { cookie: member.cookie },
    });
    expect(response.statusCode, `${member.name}: ${response.body}`).toBe(200);
  }
}

const title = (route: FuzzRoute) => `${route.key}${route.problem ? ' (cannot be exercised)' : ''}`;

beforeAll(async () => {
  await buildWorld();
}, 120_000);

describe('the routes fuzzed', () => {
  it('are every route with a body and every GET, straight from the app', () => {
    expect(withBody.length).toBeGreaterThan(40);
    expect(withQuery.length).toBeGreaterThan(5);
    expect(all.filter((r) => r.problem).map((r) => r.problem)).toEqual([]);
    // A route without a Zod body schema is still fuzzed (as JSON of any shape), but only a
    // DELETE may take no body: anything else would take whatever it is sent, unchecked.
    const unchecked = withBody.filter((r) => !r.body && r.method !== 'DELETE').map((r) => r.key);
    expect(unchecked).toEqual([]);
  });
});

/**
 * Characters PostgreSQL's text cannot hold as written, in every text field of every body, one at a
 * time, on a base the route accepts, as A and as T (before the fuzzing deletes anything): refused
 * or stored, never a 500. Deterministic, so a failure names every route and field at once.
 */
describe('text the database cannot hold', () => {
  const TEXTS: [name: string, texts: string[]][] = [
    [NUL_TEST, ['before\u0000after']],
    [SURROGATE_TEST, ['before\uD800after', 'é\uDC00', '\uDFFF']],
  ];
  for (const [name, texts] of TEXTS) {
    it(`${name}: never a server error`, async () => {
      const failures: string[] = [];
      for (const route of writes) {
        const shape = route.body;
        if (shape?.kind !== 'object') continue;
        const base = fc.sample(valid(shape, refs), { numRuns: 1, seed: 7 })[0] as object;
        const pairs = textFields(shape).flatMap((f) => texts.map((x): [string, string] => [f, x]));
        for (const [field, text] of pairs) {
          for (const who of route.members) {
            const member = memberOf(who);
            if (member) await signedIn(member);
            const variant = route.variants[0] as Variant;
            const payload = JSON.stringify({ ...base, [field]: text });
            try {
              await send(
                { route, variant, member, url: urlOf(route, variant) },
                { payload, headers: { 'content-type': 'application/json' } },
                payload,
              );
            } catch (error) {
              const lines = String(error).split('\n');
              const code = /"code":"(\w+)"/.exec(lines.slice(4).join('\n'))?.[1];
              failures.push(
                `${route.key} ${field}=${JSON.stringify(text)} as ${who}: ${lines[2]} ${code ?? ''}`,
              );
            }
          }
        }
      }
      expect(failures).toEqual([]);
    }, 120_000);
  }
});

function fuzzBodies(route: FuzzRoute) {
  return fuzz(
    route,
    BODY_RUNS,
    bodyCases(route.body ?? { kind: 'unknown' }, refs),
    (c: BodyCase) => ({
      options: {
        ...(c.payload === undefined ? {} : { payload: c.payload }),
        headers: c.contentType === null ? {} : { 'content-type': c.contentType },
      },
      ...(c.pathId === undefined ? {} : { pathId: c.pathId }),
    }),
  );
}

describe('hostile bodies', () => {
  for (const route of writes) it(title(route), () => fuzzBodies(route), 180_000);
});

describe('hostile query strings', () => {
  for (const route of withQuery) {
    it(title(route), async () => {
      await fuzz(
        route,
        QUERY_RUNS,
        queryCases(route.query ?? { kind: 'unknown' }, refs),
        (c: QueryCase) => ({
          options: {},
          query: c.query,
        }),
      );
    }, 180_000);
  }

  it('on every other GET, a few each', async () => {
    for (const route of otherGets) {
      const base = QUERIES[route.key];
      await fuzz(
        route,
        OTHER_GET_RUNS * route.members.length,
        queryCases({ kind: 'unknown' }, refs),
        (c: QueryCase) => ({
          options: {},
          query: base ? `${base(idOf)}&${c.query}` : c.query,
        }),
      );
    }
  }, 300_000);
});

/**
 * Path ids the router refuses before any hook runs (longer than its maxParamLength, or with
 * broken percent-escapes): every route with a path parameter, once each.
 */
describe('path ids the router itself refuses', () => {
  const ROUTER_CASES: [name: string, id: string][] = [
    ['a path id longer than the router takes', 'a'.repeat(MAX_PARAM_LENGTH + 1)],
    ['a path id with a broken percent-escape', '%E0%A4%A'],
    ['a path id with a bare percent sign', '%'],
  ];
  for (const [name, rawId] of ROUTER_CASES) {
    it(`${name}: answered in the error shape, with the lock-down headers`, async () => {
      const failures: string[] = [];
      for (const route of all.filter((r) => r.variants[0]?.ids.length)) {
        let url = route.path;
        for (const [segment] of route.variants[0]?.ids ?? []) url = url.replace(segment, rawId);
        const member = route.members[0] === null ? null : A;
        if (member) await signedIn(member);
        try {
          await send(
            { route, variant: route.variants[0] as Variant, member, url },
            STATE_CHANGING.has(route.method)
              ? { payload: '{}', headers: { 'content-type': 'application/json' } }
              : {},
            name,
          );
        } catch (error) {
          failures.push(String(error).split('\n').slice(0, 4).join(' | '));
        }
      }
      // One line per route would be the same line fifty times: the count and the first three.
      expect({ routes: failures.length, first: failures.slice(0, 3) }).toEqual({
        routes: 0,
        first: [],
      });
    });
  }
});

describe('what the fuzzing stored', () => {
  it('stored hostile text comes back as JSON or a download, never HTML, from every GET', async () => {
    // The fuzzing stored script payloads wherever a route took them (2xx); store a few more on
    // purpose, so this does not depend on what the random runs happened to keep.
    await signedIn(A);
    await signedIn(T);
    const payload = HTML.join(' ');
    const rel = idOf('relationship');
    for (const [url, body] of [
      [
        `/api/relationships/${rel}/ruptures`,
        {
          title: HTML[0],
          occurredAt: daysFromNow(-1),
          whatHappened: payload,
          intensity: 2,
          visibility: 'shared',
        },
      ],
      [`/api/relationships/${rel}/messages`, { body: payload }],
      [`/api/relationships/${rel}/letters`, { title: HTML[1], body: payload }],
      // The random runs may have made a part with this very name: this one is the payload and a
      // word of its own (names are unique per client).
      ['/api/parts', { name: `${HTML[0]} ${randomUUID().slice(0, 8)}`, description: payload }],
      [`/api/relationships/${rel}/good-moments`, { at: daysFromNow(-1), text: payload }],
    ] as const) {
      const r = await t.app.inject({
        method: 'POST',
        url,
        payload: body,
        headers: { cookie: A.cookie },
      });
      expect(r.statusCode, `${url}: ${r.body}`).toBe(201);
    }
    const failures: string[] = [];
    let stored = 0;
    for (const route of all.filter((r) => r.method === 'GET')) {
      for (const variant of route.variants) {
        for (const name of route.members) {
          const member = memberOf(name);
          const query = QUERIES[route.key]?.(idOf);
          const url = urlOf(route, variant, undefined, query);
          const response = await t.app.inject({
            method: 'GET',
            url,
            headers: member ? { cookie: member.cookie } : {},
          });
          stats.requests++;
          if (response.body.includes('<script>window.__xss=1</script>')) stored++;
          const problems = problemsOf(response);
          if (problems.length) {
            failures.push(
              `${route.key} [${variant.label}] as ${name}: ${problems.join('; ')} ${shorten(response.body, 300)}`,
            );
          }
        }
      }
    }
    expect(stored, 'no GET answered with the stored payloads').toBeGreaterThan(5);
    expect(failures).toEqual([]);
  }, 120_000);
});

describe('hostile bodies on deletions (last)', () => {
  for (const route of deletions) it(title(route), () => fuzzBodies(route), 180_000);
});

describe('after the fuzzing', () => {
  it('A’s relationship still reads and takes writes', async () => {
    await healthy();
    await signedIn(A);
    const written = await t.app.inject({
      method: 'POST',
      url: `/api/relationships/${idOf('relationship')}/agenda`,
      payload: { text: 'Still here.' },
      headers: { cookie: A.cookie },
    });
    expect(written.statusCode, written.body).toBe(201);
  });

  it('left Object.prototype and Array.prototype as they were', () => {
    expect(pollution()).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('had no server error at all', () => {
    console.log(
      `fuzz: ${stats.routes.size} routes, ${stats.requests} requests, ${stats.serverErrors.length} server errors (${databaseKind})`,
    );
    expect(stats.serverErrors).toEqual([]);
  });
});

describe('the checks themselves (positive controls)', () => {
  const answer = (statusCode: number, type: string, body: string) =>
    ({
      statusCode,
      headers: { 'content-type': type, 'x-content-type-options': 'nosniff' },
      body,
    }) as unknown as LightMyRequestResponse;
  const json = 'application/json; charset=utf-8';

  it('see server errors, other shapes, HTML, stack traces and database text', () => {
    const error = (message: string, extra = '') =>
      `{"error":{"code":"bad","message":${JSON.stringify(message)}${extra}}}`;
    expect(problemsOf(answer(200, json, '{"ok":true}'))).toEqual([]);
    expect(problemsOf(answer(400, json, error('No.', ',"fields":{"a":"b"}')))).toEqual([]);
    expect(problemsOf(answer(500, json, error('Oops.')))).toContain('a server error (500)');
    expect(
      problemsOf(answer(414, json, '{"error":"Bad Request","code":"FST_ERR","statusCode":414}')),
    ).toContain('an error not shaped {error: {…}}');
    expect(problemsOf(answer(404, json, error('No.', ',"fields":{"a":"b"}')))).toContain(
      'fields with a 404',
    );
    expect(problemsOf(answer(400, json, '{"error":{"code":"Bad-Code","message":""}}'))).toEqual([
      'error code "Bad-Code" is not snake_case',
      'error message is not a non-empty string',
    ]);
    expect(problemsOf(answer(200, 'text/html; charset=utf-8', '<p>hi</p>'))).toContain(
      'answered text/html; charset=utf-8',
    );
    expect(
      problemsOf(answer(400, json, error('x\n    at handler (/srv/routes.ts:10:5)'))),
    ).toContain('the answer carries a stack trace or a file path');
    expect(problemsOf(answer(400, json, error('relation "users" does not exist')))).toContain(
      'the error carries database text',
    );
  });

  it('see a polluted prototype', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.polluted = 'yes';
    try {
      expect(pollution()).toEqual(['({}).polluted is yes', 'Object.prototype has new own keys']);
    } finally {
      delete proto.polluted;
    }
    expect(pollution()).toEqual([]);
  });
});

describe('the web app', () => {
  it('has no raw-HTML sinks (React escapes everything else)', () => {
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../web/src');
    const sinks =
      /dangerouslySetInnerHTML|\.innerHTML\b|\bouterHTML\b|insertAdjacentHTML|document\.write(ln)?\s*\(|\bcreateContextualFragment\b|\bsrcdoc\b/;
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (/\.(tsx?|jsx?|html)$/.test(entry.name)) {
          fs.readFileSync(file, 'utf8')
            .split('\n')
            .forEach((line, i) => {
              if (sinks.test(line))
                found.push(`${path.relative(root, file)}:${i + 1}: ${line.trim()}`);
            });
        }
      }
    };
    for (const sink of [
      '<div dangerouslySetInnerHTML={{ __html: text }} />',
      'node.innerHTML = text;',
      "el.insertAdjacentHTML('beforeend', text)",
      'document.write(text)',
    ]) {
      expect(sinks.test(sink), sink).toBe(true);
    }
    walk(root);
    expect(fs.existsSync(path.join(root, 'main.tsx'))).toBe(true);
    expect(found).toEqual([]);
  });
});
