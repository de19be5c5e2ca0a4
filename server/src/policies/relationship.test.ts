import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionUser } from '../auth/sessions.ts';
import { relationships } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { buildTherapist, type Person } from '../test/factories.ts';
import { startTestApp, type TestApp } from '../test/harness.ts';
import {
  accept,
  addAppointment,
  buildRelationship,
  calm,
  daysFromNow,
  expectNotFound,
  invite,
  postCheckin,
} from '../test/world.ts';
import { authorize, isId, type Membership, may, memberOf, membership } from './relationship.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

type Ability = keyof typeof may;
type State = 'solo' | 'connected' | 'ended';
const WHO = [
  'client',
  'connected therapist',
  'therapist before connecting',
  'another client',
  'another therapist',
] as const;
type Who = (typeof WHO)[number];

const Y = true;
const N = false;
/**
 * The ability matrix: one row per ability, one column per person, in the order of WHO. While
 * solo nobody is the connected therapist yet (null). Denied means 404, never 403.
 */
const MATRIX: Record<State, Record<Ability, readonly (boolean | null)[]>> = {
  solo: {
    read: [Y, null, N, N, N],
    update: [Y, null, N, N, N],
    invite: [Y, null, N, N, N],
    addAppointment: [Y, null, N, N, N],
    checkIn: [Y, null, N, N, N],
  },
  connected: {
    read: [Y, Y, N, N, N],
    update: [Y, N, N, N, N],
    invite: [N, N, N, N, N],
    addAppointment: [Y, Y, N, N, N],
    checkIn: [Y, Y, N, N, N],
  },
  ended: {
    read: [Y, Y, N, N, N],
    update: [Y, N, N, N, N],
    invite: [N, N, N, N, N],
    addAppointment: [Y, Y, N, N, N],
    checkIn: [Y, Y, N, N, N],
  },
};

const userOf = (p: Person): SessionUser => ({
  id: p.id,
  email: p.email,
  displayName: p.displayName,
  role: p.role,
});

/** The relationship in the given state, and who is who. */
async function worldIn(state: State) {
  const { client, relationship } = await buildRelationship(t.app);
  const therapist = await buildTherapist(t.app);
  const hopeful = await buildTherapist(t.app);
  const theirCode = (await invite(client, relationship.id)).code;
  // A second code, never used: its holder stays a therapist before connecting.
  await invite(client, relationship.id);
  if (state !== 'solo') {
    expect((await accept(therapist, theirCode)).statusCode).toBe(200);
  }
  if (state === 'ended') {
    const ended = await client.request({
      method: 'PATCH',
      url: `/api/relationships/${relationship.id}`,
      payload: { status: 'ended' },
    });
    expect(ended.statusCode).toBe(200);
  }
  const another = await buildRelationship(t.app, { mode: 'connected' });
  const people: Record<Who, Person | null> = {
    client,
    'connected therapist': state === 'solo' ? null : therapist,
    'therapist before connecting': state === 'solo' ? therapist : hopeful,
    'another client': another.client,
    'another therapist': another.therapist,
  };
  return { client, relationshipId: relationship.id, people };
}

/** Through the policy functions: allowed, or denied with a 404. */
async function decide(actor: Person, relationshipId: string, ability: Ability): Promise<boolean> {
  try {
    authorize(await membership(t.services.db, userOf(actor), relationshipId), ability);
    return true;
  } catch (error) {
    if (error instanceof AppError && error.status === 404) return false;
    throw error;
  }
}

/** Through the API: the route that needs the ability. */
async function attempt(
  actor: Person,
  world: { client: Person; relationshipId: string },
  ability: Ability,
): Promise<LightMyRequestResponse> {
  const url = `/api/relationships/${world.relationshipId}`;
  switch (ability) {
    case 'read':
      return actor.request({ method: 'GET', url });
    case 'update':
      return actor.request({ method: 'PATCH', url, payload: {} });
    case 'invite':
      return actor.request({ method: 'POST', url: `${url}/invites`, payload: {} });
    case 'addAppointment':
      return actor.request({
        method: 'POST',
        url: `${url}/appointments`,
        payload: { startsAt: daysFromNow(1), durationMinutes: 50, kind: 'individual' },
      });
    case 'checkIn': {
      const appointment = await addAppointment(world.client, world.relationshipId, {
        startsAt: daysFromNow(-1),
      });
      return postCheckin(actor, appointment.id, calm);
    }
  }
}

describe('the relationship ability matrix', () => {
  it('has a row for every ability in `may`, in every state', () => {
    for (const rows of Object.values(MATRIX)) {
      expect(Object.keys(rows).sort()).toEqual(Object.keys(may).sort());
      for (const row of Object.values(rows)) expect(row).toHaveLength(WHO.length);
    }
  });

  it.each(['solo', 'connected', 'ended'] as const)(
    'holds through the policy and through the API while %s',
    async (state) => {
      const world = await worldIn(state);
      const abilities = Object.keys(may) as Ability[];
      const byPolicy: Record<string, (boolean | null)[]> = {};
      const byApi: Record<string, (boolean | null)[]> = {};
      for (const ability of abilities) {
        byPolicy[ability] = [];
        byApi[ability] = [];
        for (const who of WHO) {
          const actor = world.people[who];
          if (!actor) {
            byPolicy[ability].push(null);
            byApi[ability].push(null);
            continue;
          }
          byPolicy[ability].push(await decide(actor, world.relationshipId, ability));
          const response = await attempt(actor, world, ability);
          if (response.statusCode === 404) expectNotFound(response);
          else
            expect(response.statusCode, `${ability} by ${who}: ${response.body}`).toBeLessThan(300);
          byApi[ability].push(response.statusCode < 300);
        }
      }
      expect(byPolicy).toEqual(MATRIX[state]);
      expect(byApi).toEqual(MATRIX[state]);
    },
  );
});

describe('membership', () => {
  it('is 404 for ids that are not ids, before asking the database', async () => {
    const { client } = await buildRelationship(t.app);
    for (const id of ['nope', '', '123', `${'a'.repeat(36)}`, "' or 1=1 --"]) {
      expect(isId(id)).toBe(false);
      await expect(membership(t.services.db, userOf(client), id)).rejects.toMatchObject({
        status: 404,
      });
    }
    expect(isId('0b1e7a4c-2f3d-4e5f-8a9b-0c1d2e3f4a5b')).toBe(true);
  });

  it("gives the member's role and the relationship row", async () => {
    const { client, therapist, relationship } = await buildRelationship(t.app, {
      mode: 'connected',
    });
    const asClient = await membership(t.services.db, userOf(client), relationship.id);
    expect(asClient.role).toBe('client');
    expect(asClient.relationship.id).toBe(relationship.id);
    const asTherapist = await membership(t.services.db, userOf(therapist), relationship.id);
    expect(asTherapist.role).toBe('therapist');
    expect(asTherapist.actor.id).toBe(therapist.id);
  });

  it('scopes a list to what the actor belongs to (memberOf)', async () => {
    const { client, therapist, relationship } = await buildRelationship(t.app, {
      mode: 'connected',
    });
    const solo = await buildRelationship(t.app, { client });
    const rowsFor = async (p: Person) =>
      (
        await t.services.db
          .select()
          .from(relationships)
          .where(memberOf(userOf(p)))
      )
        .map((r) => r.id)
        .sort();
    expect(await rowsFor(client)).toEqual([relationship.id, solo.relationship.id].sort());
    expect(await rowsFor(therapist)).toEqual([relationship.id]);
  });

  it('authorize answers 404, never 403', () => {
    const denied = {
      role: 'therapist',
      relationship: { mode: 'connected', status: 'active' },
    } as unknown as Membership;
    let thrown: unknown;
    try {
      authorize(denied, 'update');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect(thrown).toMatchObject({ status: 404, code: 'not_found' });
  });
});
