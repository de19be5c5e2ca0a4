import { randomUUID } from 'node:crypto';
import { getTableName, is } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as schema from '../db/schema.ts';
import { buildClient, buildTherapist, type Person } from '../test/factories.ts';
import { startTestApp } from '../test/harness.ts';
import { buildRelationship, calm, daysFromNow, someAddress } from '../test/world.ts';
import { type AttackWorld, buildAttackWorld, ok, type RecordedRoute, tag } from './attack-world.ts';
import {
  C_IS_A_PARTNER,
  casesOf,
  DENIAL_EXCEPTIONS,
  type IdName,
  MEMBER_404,
  type Method,
  type RouteCase,
  type RouteKey,
  routeKeys,
  VALIDATES_BEFORE_AUTHORIZING,
} from './route-table.ts';

/**
 * The authorization matrix, generated from the app's own route table: every route is called
 * signed out, by another client B and by an unconnected therapist U, with the ids of client A's
 * world (A, their connected therapist T, and C, T's other client A is a couple with). Signed out
 * is 401; strangers get 404 with a bare error that names nothing of A's; the members' GETs work;
 * and the strangers' calls change no row of A's world. See route-table.ts for how routes are
 * placed, and KNOWN_BUGS below for cases that fail today.
 */

// Every route the app registers, hidden ones included: an onRoute hook on every Fastify instance,
// added before app.ts registers anything.
const recorded = vi.hoisted(() => [] as RecordedRoute[]);
vi.mock('fastify', async (importOriginal) => {
  const { recordingFastify } = await import('./attack-world.ts');
  return recordingFastify(await importOriginal(), recorded);
});

/** Cases that fail today because of a real authorization bug (name: what is wrong). */
const KNOWN_BUGS: Record<string, string> = {};

const t = await startTestApp();
const { keys, problems: keyProblems } = routeKeys(recorded);
const { cases, problems: caseProblems } = casesOf(keys);

afterAll(async () => {
  await t.close();
});

type World = AttackWorld & {
  B: Person;
  /** B's own therapist, connected to B only. */
  TB: Person;
  U: Person;
  /** B's own things, for references to A's world in bodies. */
  own: { relationship: string; letter: string; agendaItem: string; rupture: string };
  /** Everything of A's world that must never reach a stranger: label → value. */
  needles: Record<string, string>;
  /** Ids that name A's world in a database row. */
  worldIds: string[];
};

let w: World;
const id = (name: IdName) => w.id(name);

type WithId = { id: string };

async function buildWorld(): Promise<World> {
  const app = t.app;
  const world = await buildAttackWorld(app);
  const { A, T, C, ids, cRelationship: cRel } = world;
  const B = await buildClient(app, `Bystander-${tag()}`);
  const U = await buildTherapist(app, `Dr-Unrelated-${tag()}`);
  const bWorld = await buildRelationship(app, { client: B, mode: 'connected' });
  const TB = bWorld.therapist;
  const relB = bWorld.relationship.id;

  const feed = await A.request({ method: 'GET', url: '/api/me/calendar-token' });
  expect(feed.statusCode, feed.body).toBe(200);
  const calendarToken = feed.json<{ token: string }>().token;

  const post = (url: string, payload: object) => B.request({ method: 'POST', url, payload });
  const own = {
    relationship: relB,
    letter: (
      await ok<WithId>(
        post(`/api/relationships/${relB}/letters`, { title: 'B’s', body: 'B’s' }),
        201,
        'letter',
      )
    ).id,
    agendaItem: (
      await ok<WithId>(post(`/api/relationships/${relB}/agenda`, { text: 'B’s' }), 201, 'item')
    ).id,
    rupture: (
      await ok<WithId>(
        post(`/api/relationships/${relB}/ruptures`, {
          title: 'B’s',
          occurredAt: daysFromNow(-1),
          whatHappened: 'B’s',
          intensity: 1,
        }),
        201,
        'rupture',
      )
    ).id,
  };

  const code = ids.usedInviteCode;
  const people = { A, T, C };
  const needles: Record<string, string> = {
    ...Object.fromEntries(Object.entries(ids).map(([k, v]) => [`id of ${k}`, v])),
    'id of C’s relationship': cRel,
    ...Object.fromEntries(
      Object.entries(people).flatMap(([who, p]) => [
        [`${who}'s user id`, p.id],
        [`${who}'s email`, p.email],
        [`${who}'s name`, p.displayName],
      ]),
    ),
    'the name A gave T': world.therapistName,
    'A’s calendar token': calendarToken,
    ...world.texts,
  };
  const worldIds = [...Object.values(ids), cRel, A.id, T.id, C.id].filter((v) => v !== code);
  return { ...world, B, TB, U, own, needles, worldIds };
}

/** Valid bodies, so a stranger's call gets past validation to the authorization it tests. */
const BODIES: Partial<Record<RouteKey, () => object>> = {
  'PATCH /api/relationships/:id': () => ({ therapistName: 'Hijacked', status: 'ended' }),
  'POST /api/relationships/:id/appointments': () => ({
    startsAt: daysFromNow(11),
    durationMinutes: 50,
    kind: 'individual',
  }),
  'PATCH /api/appointments/:id': () => ({ status: 'cancelled' }),
  'POST /api/appointments/:id/checkins': () => ({ ...calm, note: 'stranger' }),
  'PATCH /api/checkins/:id': () => ({ note: 'stranger', shared: true }),
  'PATCH /api/parts/:id': () => ({ name: 'stranger' }),
  'POST /api/relationships/:id/ruptures': () => ({
    title: 'stranger',
    occurredAt: daysFromNow(-1),
    whatHappened: 'stranger',
    intensity: 2,
  }),
  'PATCH /api/ruptures/:id': () => ({ title: 'stranger', visibility: 'shared' }),
  'POST /api/ruptures/:id/repairs': () => ({
    at: daysFromNow(-1),
    kind: 'other',
    by: 'therapist',
    note: 'stranger',
  }),
  'PATCH /api/repairs/:id': () => ({ note: 'stranger' }),
  'POST /api/relationships/:id/letters': () => ({ title: 'stranger', body: 'stranger' }),
  'PATCH /api/letters/:id': () => ({ title: 'stranger', body: 'stranger' }),
  'POST /api/relationships/:id/good-moments': () => ({ at: daysFromNow(-1), text: 'stranger' }),
  'PATCH /api/good-moments/:id': () => ({ text: 'stranger' }),
  'POST /api/relationships/:id/agenda': () => ({ text: 'stranger' }),
  'PATCH /api/agenda-items/:id': () => ({ done: true }),
  'PUT /api/relationships/:id/agreement': () => ({
    replyTimeHours: 1,
    contact: 'stranger',
    availability: 'stranger',
    scheduling: 'stranger',
    roomRules: 'stranger',
    emergency: 'stranger',
  }),
  'POST /api/relationships/:id/agreement/acknowledge': () => ({ version: 1 }),
  'POST /api/relationships/:id/messages': () => ({ body: 'stranger', urgent: true }),
  'POST /api/messages/:id/acknowledge': () => ({ note: 'stranger' }),
  'POST /api/messages/:id/call-back': () => ({ at: new Date().toISOString(), outcome: 'stranger' }),
  'POST /api/relationships/:id/slots': () => ({
    weekday: 5,
    time: '16:00',
    timezone: 'UTC',
    everyWeeks: 1,
    durationMinutes: 50,
    startsOn: daysFromNow(1).slice(0, 10),
  }),
  'POST /api/relationships/:id/appointment-requests': () => ({
    options: [{ startsAt: daysFromNow(6), durationMinutes: 50 }],
  }),
  'POST /api/appointment-requests/:id/accept': () => ({ startsAt: daysFromNow(5, 2) }),
  'POST /api/appointment-requests/:id/decline': () => ({ note: 'stranger' }),
  'POST /api/couples/:id/appointments': () => ({ startsAt: daysFromNow(12), durationMinutes: 50 }),
  // Self-scoped probes aimed at A's world.
  'POST /api/notifications/seen': () => ({ relationshipId: id('relationship') }),
  'POST /api/time-off': () => ({ from: daysFromNow(-1), to: daysFromNow(120), note: 'stranger' }),
  'POST /api/couples': () => ({
    relationshipIds: [id('relationship'), w.needles['id of C’s relationship']],
  }),
  'POST /api/parts': () => ({ name: 'stranger' }),
  'POST /api/relationships': () => ({ therapistName: 'stranger' }),
  'POST /api/open-times': () => ({ startsAt: daysFromNow(40), durationMinutes: 50 }),
};

const STATE_CHANGING = new Set<Method>(['POST', 'PUT', 'PATCH', 'DELETE']);

function call(who: Person | null, c: RouteCase) {
  const options: InjectOptions = {
    method: c.method,
    url: c.url(id),
    remoteAddress: someAddress(),
  };
  if (STATE_CHANGING.has(c.method)) options.payload = BODIES[c.key]?.() ?? {};
  return who ? who.request(options) : t.app.inject(options);
}

/** Which of A's world's values appear in the answer (ids in the request path excepted). */
function leaks(response: LightMyRequestResponse, allowed: string[]): string[] {
  const text = response.body;
  return Object.entries(w.needles)
    .filter(([, value]) => !allowed.includes(value) && text.includes(value))
    .map(([label]) => label);
}

/** `{error: {code, message, fields?}}` and nothing else. */
function expectBareError(response: LightMyRequestResponse) {
  expect(response.headers['content-type'], response.body).toMatch(/^application\/json/);
  const body = response.json<Record<string, unknown>>();
  expect(Object.keys(body)).toEqual(['error']);
  const error = body.error as Record<string, unknown>;
  expect(typeof error.code).toBe('string');
  expect(typeof error.message).toBe('string');
  for (const key of Object.keys(error)) expect(['code', 'message', 'fields']).toContain(key);
  if (error.fields !== undefined) {
    for (const value of Object.values(error.fields as object)) expect(typeof value).toBe('string');
  }
}

/** Every row of every table, as sorted JSON lines. */
async function snapshot(): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  for (const table of Object.values(schema)) {
    if (!is(table, PgTable)) continue;
    const rows = await t.services.db.select().from(table);
    out.set(
      getTableName(table),
      new Set(
        rows.map((row) =>
          JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)),
        ),
      ),
    );
  }
  return out;
}

/** Rows added, removed or changed between two snapshots that name any of A's world. */
function worldChanges(before: Map<string, Set<string>>, after: Map<string, Set<string>>) {
  const changes: string[] = [];
  for (const [table, rows] of after) {
    const old = before.get(table) ?? new Set<string>();
    const touches = (row: string) => w.worldIds.some((v) => row.includes(v));
    for (const row of rows) if (!old.has(row) && touches(row)) changes.push(`${table} + ${row}`);
    for (const row of old) if (!rows.has(row) && touches(row)) changes.push(`${table} - ${row}`);
  }
  return changes;
}

/** Tables the strangers' calls would write to if they were let through (A's world has rows in each). */
const WRITTEN_BY_STRANGERS_IF_ALLOWED = [
  'relationships',
  'invites',
  'appointments',
  'slots',
  'time_off',
  'open_times',
  'appointment_requests',
  'couples',
  'checkins',
  'parts',
  'ruptures',
  'repairs',
  'letters',
  'good_moments',
  'agenda_items',
  'agreements',
  'agreement_acknowledgements',
  'messages',
  'notifications',
  'audit_events',
];

const title = (c: RouteCase) => `${c.key}${c.variant ? ` [${c.variant}]` : ''}`;
const caseIt = (name: string) => (KNOWN_BUGS[name] ? it.fails : it);

beforeAll(async () => {
  w = await buildWorld();
}, 120_000);

describe('the route table', () => {
  it('places every route of the app (covered or explicitly excluded)', () => {
    expect(keys.length).toBeGreaterThan(50);
    expect([...keyProblems, ...caseProblems]).toEqual([]);
  });

  it('recorded every route the OpenAPI document describes', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    const described = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    expect(described.length).toBeGreaterThan(50);
    expect(described.filter((k) => !keys.includes(k as RouteKey))).toEqual([]);
  });
});

describe('strangers and the signed out on A’s objects', () => {
  let before: Map<string, Set<string>>;
  beforeAll(async () => {
    before = await snapshot();
  });

  const denied = cases.filter((c) => c.kind === 'object' || c.kind === 'stream');
  for (const c of denied) {
    const name = `signed out: ${title(c)}`;
    caseIt(name)(`${name} → 401`, async () => {
      const response = await call(null, c);
      expect(response.statusCode, response.body).toBe(401);
      expectBareError(response);
      expect(response.json<{ error: { code: string } }>().error.code).toBe('not_signed_in');
      expect(leaks(response, c.pathIds(id))).toEqual([]);
    });
  }

  for (const c of cases.filter((c) => c.kind === 'object')) {
    for (const actor of ['B', 'U', 'C'] as const) {
      if (actor === 'C' && C_IS_A_PARTNER[c.key]) continue;
      const name = `${actor}: ${title(c)}`;
      caseIt(name)(`${name} → 404, a bare error`, async () => {
        const response = await call(w[actor], c);
        const exception = DENIAL_EXCEPTIONS[`${actor} ${c.key}`];
        const allowed = [404, ...(exception ? [exception[0]] : [])];
        if (VALIDATES_BEFORE_AUTHORIZING[c.key]) allowed.push(400);
        expect(allowed, `${response.statusCode} ${response.body}`).toContain(response.statusCode);
        expectBareError(response);
        expect(leaks(response, c.pathIds(id))).toEqual([]);
      });
    }
  }

  it('their calls changed no row of A’s world', async () => {
    // The snapshot sees A's world, so a write to it would show.
    const touching = (table: string) =>
      [...(before.get(table) ?? [])].filter((row) => w.worldIds.some((v) => row.includes(v)));
    for (const table of WRITTEN_BY_STRANGERS_IF_ALLOWED) {
      expect(touching(table).length, table).toBeGreaterThan(0);
    }
    expect(worldChanges(before, await snapshot())).toEqual([]);
  });
});

/**
 * References to A's world inside bodies, sent by B on B's own relationship (or by B's therapist):
 * refused (400/404/409), exactly as a made-up id would be (no oracle), and nothing written.
 */
type Probe = {
  name: string;
  who: () => Person;
  method: Method;
  url: () => string;
  body: (foreign: string) => object;
  foreign: () => string;
};
const PROBES: Probe[] = [
  {
    name: 'B files a rupture naming A’s part',
    who: () => w.B,
    method: 'POST',
    url: () => `/api/relationships/${w.own.relationship}/ruptures`,
    body: (part) => ({
      title: 'x',
      occurredAt: daysFromNow(-1),
      whatHappened: 'x',
      intensity: 1,
      partIds: [part],
    }),
    foreign: () => id('part'),
  },
  {
    name: 'B files a rupture naming A’s appointment',
    who: () => w.B,
    method: 'POST',
    url: () => `/api/relationships/${w.own.relationship}/ruptures`,
    body: (appointmentId) => ({
      title: 'x',
      occurredAt: daysFromNow(-1),
      whatHappened: 'x',
      intensity: 1,
      appointmentId,
    }),
    foreign: () => id('pastAppointment'),
  },
  {
    name: 'B tags B’s rupture with A’s part',
    who: () => w.B,
    method: 'PATCH',
    url: () => `/api/ruptures/${w.own.rupture}`,
    body: (part) => ({ partIds: [part] }),
    foreign: () => id('part'),
  },
  {
    name: 'B writes a letter about A’s private rupture',
    who: () => w.B,
    method: 'POST',
    url: () => `/api/relationships/${w.own.relationship}/letters`,
    body: (ruptureId) => ({ title: 'x', body: 'x', ruptureId }),
    foreign: () => id('privateRupture'),
  },
  {
    name: 'B points B’s letter at A’s private rupture',
    who: () => w.B,
    method: 'PATCH',
    url: () => `/api/letters/${w.own.letter}`,
    body: (ruptureId) => ({ ruptureId }),
    foreign: () => id('privateRupture'),
  },
  {
    name: 'B puts A’s private rupture on B’s agenda',
    who: () => w.B,
    method: 'POST',
    url: () => `/api/relationships/${w.own.relationship}/agenda`,
    body: (ruptureId) => ({ text: 'x', ruptureId }),
    foreign: () => id('privateRupture'),
  },
  {
    name: 'B points B’s agenda item at A’s shared rupture',
    who: () => w.B,
    method: 'PATCH',
    url: () => `/api/agenda-items/${w.own.agendaItem}`,
    body: (ruptureId) => ({ ruptureId }),
    foreign: () => id('sharedRupture'),
  },
  {
    name: 'B sends A’s draft letter to B’s therapist',
    who: () => w.B,
    method: 'POST',
    url: () => `/api/relationships/${w.own.relationship}/messages`,
    body: (letterId) => ({ body: 'x', letterId }),
    foreign: () => id('letter'),
  },
  {
    name: 'B asks for T’s open time',
    who: () => w.B,
    method: 'POST',
    url: () => `/api/relationships/${w.own.relationship}/appointment-requests`,
    body: (openTimeId) => ({ openTimeId }),
    foreign: () => id('openTime'),
  },
  {
    name: 'B’s therapist joins B with A for couples appointments',
    who: () => w.TB,
    method: 'POST',
    url: () => '/api/couples',
    body: (other) => ({ relationshipIds: [w.own.relationship, other] }),
    foreign: () => id('relationship'),
  },
  {
    name: 'T joins A with B (not T’s client) for couples appointments',
    who: () => w.T,
    method: 'POST',
    url: () => '/api/couples',
    body: (other) => ({ relationshipIds: [id('relationship'), other] }),
    foreign: () => w.own.relationship,
  },
];

describe('references to A’s world inside strangers’ bodies', () => {
  let before: Map<string, Set<string>>;
  beforeAll(async () => {
    before = await snapshot();
  });

  for (const probe of PROBES) {
    caseIt(probe.name)(`${probe.name}: refused like a made-up id`, async () => {
      const send = (foreign: string) =>
        probe.who().request({
          method: probe.method,
          url: probe.url(),
          payload: probe.body(foreign),
          remoteAddress: someAddress(),
        });
      const response = await send(probe.foreign());
      expect([400, 404, 409], response.body).toContain(response.statusCode);
      expectBareError(response);
      expect(leaks(response, [probe.foreign()])).toEqual([]);
      const madeUp = await send(randomUUID());
      expect(response.statusCode, madeUp.body).toBe(madeUp.statusCode);
      expect(response.json<{ error: object }>().error).toEqual(
        madeUp.json<{ error: object }>().error,
      );
    });
  }

  it('nothing of A’s world was written', async () => {
    expect(worldChanges(before, await snapshot())).toEqual([]);
  });
});

describe('public routes, signed out', () => {
  for (const c of cases.filter((c) => c.kind === 'public')) {
    it(`${title(c)}: never 5xx, nothing of A’s`, async () => {
      const response = await call(null, c);
      expect(response.statusCode, response.body).toBeLessThan(500);
      expect(leaks(response, [])).toEqual([]);
    });
  }
});

describe('self-scoped routes', () => {
  let before: Map<string, Set<string>>;
  beforeAll(async () => {
    before = await snapshot();
  });

  for (const c of cases.filter((c) => c.kind === 'self')) {
    it(`signed out: ${title(c)} → 401`, async () => {
      const response = await call(null, c);
      expect(response.statusCode, response.body).toBe(401);
      expectBareError(response);
    });
    for (const actor of ['B', 'U'] as const) {
      const name = `${actor}: ${title(c)}`;
      caseIt(name)(`${name}: its own data only, nothing of A’s`, async () => {
        const response = await call(w[actor], c);
        expect(response.statusCode, response.body).toBeLessThan(500);
        if (response.statusCode >= 400) expectBareError(response);
        expect(leaks(response, [])).toEqual([]);
      });
    }
  }

  it('strangers’ own writes changed no row of A’s world', async () => {
    expect(worldChanges(before, await snapshot())).toEqual([]);
  });
});

describe('the members’ GET sweep', () => {
  const gets = cases.filter(
    (c) => c.method === 'GET' && (c.kind === 'object' || c.kind === 'self'),
  );
  for (const c of gets) {
    for (const member of ['A', 'T'] as const) {
      const name = `${member}: ${title(c)}`;
      const reason =
        MEMBER_404[`${member} ${c.key} [${c.variant}]`] ?? MEMBER_404[`${member} ${c.key}`];
      caseIt(name)(`${name} → ${reason ? `404 (${reason})` : '2xx'}`, async () => {
        const response = await call(w[member], c);
        if (reason) {
          expect(response.statusCode, response.body).toBe(404);
          expectBareError(response);
        } else {
          expect(response.statusCode, response.body).toBeGreaterThanOrEqual(200);
          expect(response.statusCode, response.body).toBeLessThan(300);
        }
      });
    }
  }
});

/**
 * The other member of the relationship on writes that are not theirs (API.md's "who" column):
 * refused, with a bare error, and nothing written. Listed by hand: which member may write is
 * the route's own rule.
 */
const WRONG_MEMBER: [member: 'A' | 'T', key: RouteKey, variant: string | null, status: number][] = [
  ['T', 'PATCH /api/relationships/:id', null, 404],
  ['T', 'POST /api/relationships/:id/invites', null, 404],
  ['T', 'POST /api/relationships/:id/ruptures', null, 404],
  ['T', 'PATCH /api/ruptures/:id', null, 404],
  ['T', 'DELETE /api/ruptures/:id', null, 404],
  ['T', 'POST /api/ruptures/:id/repairs', 'private', 404],
  ['T', 'PATCH /api/repairs/:id', null, 400], // note: only whoever wrote the step changes its note
  ['T', 'DELETE /api/repairs/:id', null, 404],
  ['T', 'PATCH /api/checkins/:id', null, 404],
  ['T', 'PATCH /api/parts/:id', null, 404],
  ['T', 'DELETE /api/parts/:id', null, 404],
  ['T', 'POST /api/relationships/:id/letters', null, 404],
  ['T', 'PATCH /api/letters/:id', null, 404],
  ['T', 'POST /api/relationships/:id/good-moments', null, 404],
  ['T', 'PATCH /api/good-moments/:id', null, 404],
  ['T', 'DELETE /api/good-moments/:id', null, 404],
  ['T', 'POST /api/relationships/:id/agenda', null, 404],
  ['T', 'PATCH /api/agenda-items/:id', null, 404],
  ['T', 'DELETE /api/agenda-items/:id', null, 404],
  ['T', 'POST /api/relationships/:id/appointment-requests', null, 404],
  ['T', 'POST /api/appointment-requests/:id/withdraw', null, 404],
  ['T', 'POST /api/messages/:id/read', 'from T', 400], // own_message: the sender is a member, told it is their own
  ['T', 'POST /api/messages/:id/acknowledge', 'from T', 400], // own_message: the sender is a member, told it is their own
  ['A', 'PUT /api/relationships/:id/agreement', null, 404],
  ['A', 'POST /api/relationships/:id/slots', null, 404],
  ['A', 'DELETE /api/slots/:id', null, 404],
  ['A', 'DELETE /api/time-off/:id', null, 404],
  ['A', 'DELETE /api/open-times/:id', null, 404],
  ['A', 'POST /api/appointment-requests/:id/accept', null, 404],
  ['A', 'POST /api/appointment-requests/:id/decline', null, 404],
  ['A', 'POST /api/messages/:id/call-back', 'from A (urgent)', 404],
  ['A', 'POST /api/messages/:id/read', 'from A (urgent)', 400], // own_message: the sender is a member, told it is their own
  ['A', 'POST /api/messages/:id/acknowledge', 'from A (urgent)', 400], // own_message: the sender is a member, told it is their own
  ['A', 'POST /api/couples/:id/appointments', null, 404],
];

describe('the other member on writes that are not theirs', () => {
  let before: Map<string, Set<string>>;
  beforeAll(async () => {
    before = await snapshot();
  });

  for (const [member, key, variant, status] of WRONG_MEMBER) {
    const matching = cases.filter((c) => c.key === key && (!variant || c.variant === variant));
    it(`${member}: ${key}${variant ? ` [${variant}]` : ''} → ${status}`, async () => {
      expect(matching.length, `${key} [${variant}] is not a route`).toBeGreaterThan(0);
      for (const c of matching) {
        const response = await call(w[member], c);
        expect(response.statusCode, `${title(c)}: ${response.body}`).toBe(status);
        expectBareError(response);
      }
    });
  }

  it('nothing of A’s world was written', async () => {
    expect(worldChanges(before, await snapshot())).toEqual([]);
  });
});

describe('the detectors themselves', () => {
  it('see a write to A’s world and A’s data in an answer (positive controls)', async () => {
    const before = await snapshot();
    const patched = await w.A.request({
      method: 'PATCH',
      url: `/api/agenda-items/${id('agendaItem')}`,
      payload: { done: true },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(worldChanges(before, await snapshot()).length).toBeGreaterThan(0);

    const read = await w.A.request({ method: 'GET', url: `/api/ruptures/${id('privateRupture')}` });
    expect(read.statusCode, read.body).toBe(200);
    expect(leaks(read, [id('privateRupture')])).toEqual(
      expect.arrayContaining(['privateTitle', 'privateText', 'id of part']),
    );
  });
});
