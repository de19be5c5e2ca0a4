import { and, eq } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionUser } from '../auth/sessions.ts';
import { repairs, ruptures } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { buildTherapist, type Person } from '../test/factories.ts';
import { startTestApp, type TestApp } from '../test/harness.ts';
import {
  accept,
  buildRelationship,
  daysFromNow,
  expectInvalid,
  expectNotFound,
  invite,
} from '../test/world.ts';
import { type Membership, membership } from './relationship.ts';
import {
  canAddRepair,
  canChangeRepair,
  canEditRupture,
  canRateRepair,
  canSeeRupture,
  type RuptureRow,
  visibleRuptures,
} from './rupture.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

const ABILITIES = ['see', 'edit', 'addRepair', 'rate'] as const;
type Ability = (typeof ABILITIES)[number];
/** A record as the client left it: never shared, shared, or shared and then made private again. */
const RECORDS = ['private', 'shared', 'unshared'] as const;
type Kept = (typeof RECORDS)[number];
const WHO = [
  'client',
  'connected therapist',
  'another client',
  'another therapist',
  'therapist before connecting',
] as const;
type Who = (typeof WHO)[number];

/** Allowed. */
const Y = 'Y';
/** Denied as not found (404): the record does not exist for them. */
const N = 'N';
/** Denied as invalid input (400): they can see the step, but the answers are the client's. */
const R = 'R';
type Cell = typeof Y | typeof N | typeof R;

/** The ability matrix: one row per ability, one column per person, in the order of WHO. */
const MATRIX: Record<Kept, Record<Ability, readonly Cell[]>> = {
  private: {
    see: [Y, N, N, N, N],
    edit: [Y, N, N, N, N],
    addRepair: [Y, N, N, N, N],
    rate: [Y, N, N, N, N],
  },
  shared: {
    see: [Y, Y, N, N, N],
    edit: [Y, N, N, N, N],
    addRepair: [Y, Y, N, N, N],
    rate: [Y, R, N, N, N],
  },
  unshared: {
    see: [Y, N, N, N, N],
    edit: [Y, N, N, N, N],
    addRepair: [Y, N, N, N, N],
    rate: [Y, N, N, N, N],
  },
};

/** The policy functions, one per ability. */
const POLICY: Record<Ability, (m: Membership, rupture: RuptureRow) => boolean> = {
  see: canSeeRupture,
  edit: canEditRupture,
  addRepair: canAddRepair,
  rate: (m) => canRateRepair(m),
};

const userOf = (p: Person): SessionUser => ({
  id: p.id,
  email: p.email,
  displayName: p.displayName,
  role: p.role,
});

const stored = async (id: string) => {
  const [row] = await t.services.db.select().from(ruptures).where(eq(ruptures.id, id));
  if (!row) throw new Error(`no rupture ${id}`);
  return row;
};

/** A connected relationship with one record kept as asked, one step by the client on it, and who is who. */
async function worldWith(kept: Kept) {
  const { client, relationship } = await buildRelationship(t.app);
  const therapist = await buildTherapist(t.app);
  const hopeful = await buildTherapist(t.app);
  const theirCode = (await invite(client, relationship.id)).code;
  // A second code, never used: its holder stays a therapist before connecting.
  await invite(client, relationship.id);
  expect((await accept(therapist, theirCode)).statusCode).toBe(200);
  const another = await buildRelationship(t.app, { mode: 'connected' });

  const created = await client.request({
    method: 'POST',
    url: `/api/relationships/${relationship.id}/ruptures`,
    payload: {
      title: 'When she laughed',
      occurredAt: daysFromNow(-2),
      whatHappened: 'She laughed at the wrong moment.',
      intensity: 2,
      visibility: kept === 'private' ? 'private' : 'shared',
    },
  });
  expect(created.statusCode, created.body).toBe(201);
  const ruptureId = created.json<{ rupture: { id: string } }>().rupture.id;
  const step = await client.request({
    method: 'POST',
    url: `/api/ruptures/${ruptureId}/repairs`,
    payload: { at: daysFromNow(-1), kind: 'wrote-it-out', by: 'client' },
  });
  expect(step.statusCode, step.body).toBe(201);
  const stepId = step.json<{ repair: { id: string } }>().repair.id;
  if (kept === 'unshared') {
    const unshared = await client.request({
      method: 'PATCH',
      url: `/api/ruptures/${ruptureId}`,
      payload: { visibility: 'private' },
    });
    expect(unshared.statusCode, unshared.body).toBe(200);
  }
  const people: Record<Who, Person> = {
    client,
    'connected therapist': therapist,
    'another client': another.client,
    'another therapist': another.therapist,
    'therapist before connecting': hopeful,
  };
  return { relationshipId: relationship.id, ruptureId, stepId, people };
}

/** Through the policy functions, with membership first: non-members are 404 from membership. */
async function decide(actor: Person, ruptureId: string, ability: Ability): Promise<Cell> {
  const rupture = await stored(ruptureId);
  try {
    const m = await membership(t.services.db, userOf(actor), rupture.relationshipId);
    return POLICY[ability](m, rupture) ? Y : N;
  } catch (error) {
    if (error instanceof AppError && error.status === 404) return N;
    throw error;
  }
}

/** Through the API: the route that needs the ability. */
function attempt(
  actor: Person,
  who: Who,
  world: { ruptureId: string; stepId: string },
  ability: Ability,
): Promise<LightMyRequestResponse> {
  switch (ability) {
    case 'see':
      return actor.request({ method: 'GET', url: `/api/ruptures/${world.ruptureId}` });
    case 'edit':
      return actor.request({
        method: 'PATCH',
        url: `/api/ruptures/${world.ruptureId}`,
        payload: { reflection: `Written by ${who}.` },
      });
    case 'addRepair':
      return actor.request({
        method: 'POST',
        url: `/api/ruptures/${world.ruptureId}/repairs`,
        payload: { at: daysFromNow(-1), kind: 'explored-together', by: actor.role, note: who },
      });
    case 'rate':
      return actor.request({
        method: 'PATCH',
        url: `/api/repairs/${world.stepId}`,
        payload: { feltHeard: 3 },
      });
  }
}

/** What the answer says about the ability: allowed, not found, or refused as input. */
function cellOf(response: LightMyRequestResponse, ability: Ability, who: Who): Cell {
  if (response.statusCode === 404) {
    expectNotFound(response);
    return N;
  }
  if (response.statusCode === 400) {
    expectInvalid(response, ['feltHeard']);
    return R;
  }
  expect(response.statusCode, `${ability} by ${who}: ${response.body}`).toBeLessThan(300);
  return Y;
}

describe('the rupture ability matrix', () => {
  it('has a row for every ability, a column for every person, for every record', () => {
    for (const rows of Object.values(MATRIX)) {
      expect(Object.keys(rows).sort()).toEqual([...ABILITIES].sort());
      for (const row of Object.values(rows)) expect(row).toHaveLength(WHO.length);
    }
  });

  it.each(RECORDS)('holds through the policy and through the API for a %s record', async (kept) => {
    const world = await worldWith(kept);
    const byPolicy: Record<string, Cell[]> = {};
    const byApi: Record<string, Cell[]> = {};
    for (const ability of ABILITIES) {
      byPolicy[ability] = [];
      byApi[ability] = [];
      for (const who of WHO) {
        const actor = world.people[who];
        byPolicy[ability].push(await decide(actor, world.ruptureId, ability));
        byApi[ability].push(cellOf(await attempt(actor, who, world, ability), ability, who));
      }
    }
    // The policy says yes or no; the API also says how it refuses.
    const asPolicy = (rows: Record<Ability, readonly Cell[]>) =>
      Object.fromEntries(
        Object.entries(rows).map(([ability, row]) => [ability, row.map((c) => (c === Y ? Y : N))]),
      );
    expect(byPolicy).toEqual(asPolicy(MATRIX[kept]));
    expect(byApi).toEqual(MATRIX[kept]);

    // Only what was allowed left a trace.
    const row = await stored(world.ruptureId);
    expect(row.reflection).toBe('Written by client.');
    const steps = await t.services.db
      .select()
      .from(repairs)
      .where(eq(repairs.ruptureId, world.ruptureId));
    const allowedToAdd = WHO.filter((_, i) => MATRIX[kept].addRepair[i] === Y);
    expect(
      steps
        .map((s) => s.note)
        .filter((n) => n !== null)
        .sort(),
    ).toEqual([...allowedToAdd].sort());
  });
});

describe('visibleRuptures', () => {
  it("adds nothing for the client and keeps the therapist's list to shared records", async () => {
    const world = await worldWith('shared');
    const hidden = await world.people.client.request({
      method: 'POST',
      url: `/api/relationships/${world.relationshipId}/ruptures`,
      payload: {
        title: 'Not yet',
        occurredAt: daysFromNow(-1),
        whatHappened: '',
        intensity: 1,
      },
    });
    expect(hidden.statusCode, hidden.body).toBe(201);
    const hiddenId = hidden.json<{ rupture: { id: string } }>().rupture.id;
    const idsFor = async (who: Who) => {
      const m = await membership(t.services.db, userOf(world.people[who]), world.relationshipId);
      const rows = await t.services.db
        .select({ id: ruptures.id })
        .from(ruptures)
        .where(and(eq(ruptures.relationshipId, world.relationshipId), visibleRuptures(m)));
      return rows.map((r) => r.id).sort();
    };
    const m = await membership(t.services.db, userOf(world.people.client), world.relationshipId);
    expect(visibleRuptures(m)).toBeUndefined();
    expect(await idsFor('client')).toEqual([world.ruptureId, hiddenId].sort());
    expect(await idsFor('connected therapist')).toEqual([world.ruptureId]);
  });
});

describe('canChangeRepair', () => {
  it.each([
    ['client', 'client', true],
    ['client', 'therapist', false],
    ['therapist', 'therapist', true],
    ['therapist', 'client', false],
  ] as const)('a %s changing a step written by the %s: %s', (role, writer, allowed) => {
    const m = { role } as unknown as Membership;
    expect(canChangeRepair(m, { authorRole: writer })).toBe(allowed);
  });
});
