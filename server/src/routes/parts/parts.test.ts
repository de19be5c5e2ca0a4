import { randomUUID } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parts, relationships, ruptureParts, ruptures } from '../../db/schema.ts';
import { buildClient, buildTherapist, type Person } from '../../test/factories.ts';
import { startTestApp, type TestApp } from '../../test/harness.ts';
import {
  anonymous,
  buildRelationship,
  daysFromNow,
  expectError,
  expectInvalid,
  expectNotFound,
  expectSignedOut,
} from '../../test/world.ts';
import { checkOwnParts } from './routes.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

type PartJson = {
  id: string;
  name: string;
  description: string | null;
  createdAt: string;
  updatedAt: string;
  ruptureCount: number;
};

const postPart = (person: Person, payload: object) =>
  person.request({ method: 'POST', url: '/api/parts', payload });
const listParts = (person: Person) => person.request({ method: 'GET', url: '/api/parts' });
const patchPart = (person: Person, id: string, payload: object) =>
  person.request({ method: 'PATCH', url: `/api/parts/${id}`, payload });
const deletePart = (person: Person, id: string) =>
  person.request({ method: 'DELETE', url: `/api/parts/${id}`, payload: {} });

async function addPart(person: Person, name: string, description?: string): Promise<PartJson> {
  const response = await postPart(person, { name, ...(description ? { description } : {}) });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ part: PartJson }>().part;
}

async function partsOf(person: Person): Promise<PartJson[]> {
  const response = await listParts(person);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ items: PartJson[] }>().items;
}

const partOf = (response: LightMyRequestResponse) => response.json<{ part: PartJson }>().part;

async function partCount(clientId: string): Promise<number> {
  const [row] = await t.services.db
    .select({ n: count() })
    .from(parts)
    .where(eq(parts.clientId, clientId));
  return row?.n ?? 0;
}

async function stored(id: string) {
  const [row] = await t.services.db.select().from(parts).where(eq(parts.id, id));
  return row;
}

async function versionOf(relationshipId: string): Promise<number> {
  const [row] = await t.services.db
    .select({ version: relationships.version })
    .from(relationships)
    .where(eq(relationships.id, relationshipId));
  return row?.version ?? -1;
}

/** A rupture row naming `partIds`, written directly (the ruptures API is not ours to test here). */
async function addRupture(relationshipId: string, partIds: string[] = []): Promise<string> {
  const id = randomUUID();
  await t.services.db.insert(ruptures).values({
    id,
    relationshipId,
    title: 'The shoes',
    occurredAt: new Date(daysFromNow(-3)),
    whatHappened: 'She took her shoes off.',
    intensity: 3,
    status: 'open',
    visibility: 'private',
  });
  if (partIds.length > 0) {
    await t.services.db
      .insert(ruptureParts)
      .values(partIds.map((partId) => ({ ruptureId: id, partId })));
  }
  return id;
}

async function tagsOf(ruptureId: string): Promise<string[]> {
  const rows = await t.services.db
    .select({ partId: ruptureParts.partId })
    .from(ruptureParts)
    .where(eq(ruptureParts.ruptureId, ruptureId));
  return rows.map((r) => r.partId).sort();
}

describe('POST /api/parts', () => {
  it('keeps a part with exactly the documented fields, its name trimmed', async () => {
    const client = await buildClient(t.app);
    const response = await postPart(client, {
      name: '  The Protector ',
      description: 'Steps in when I feel cornered.',
    });
    expect(response.statusCode, response.body).toBe(201);
    const part = partOf(response);
    expect(Object.keys(part).sort()).toEqual([
      'createdAt',
      'description',
      'id',
      'name',
      'ruptureCount',
      'updatedAt',
    ]);
    expect(part).toMatchObject({
      name: 'The Protector',
      description: 'Steps in when I feel cornered.',
      ruptureCount: 0,
    });
    expect(new Date(part.createdAt).toISOString()).toBe(part.createdAt);
    expect(new Date(part.updatedAt).toISOString()).toBe(part.updatedAt);
    expect(await stored(part.id)).toMatchObject({ clientId: client.id, name: 'The Protector' });
  });

  it('stores a missing or blank description as none', async () => {
    const client = await buildClient(t.app);
    expect((await addPart(client, 'Little one')).description).toBeNull();
    const blank = await postPart(client, { name: 'Critic', description: '  ' });
    expect(partOf(blank).description).toBeNull();
    const none = await postPart(client, { name: 'Manager', description: null });
    expect(partOf(none).description).toBeNull();
  });

  it('answers 409 part_exists to a name the client already uses, whatever its case', async () => {
    const client = await buildClient(t.app);
    await addPart(client, 'Protector');
    expectError(await postPart(client, { name: 'protector' }), 409, 'part_exists');
    expectError(await postPart(client, { name: ' PROTECTOR ' }), 409, 'part_exists');
    expect(await partCount(client.id)).toBe(1);
    // Another client's parts are no obstacle.
    const other = await buildClient(t.app);
    expect((await addPart(other, 'Protector')).name).toBe('Protector');
  });

  it.each([
    ['an empty body', {}, ['name']],
    ['an empty name', { name: '' }, ['name']],
    ['a blank name', { name: '   ' }, ['name']],
    ['a name over 200 characters', { name: 'x'.repeat(201) }, ['name']],
    ['a name as a number', { name: 7 }, ['name']],
    ['a name as null', { name: null }, ['name']],
    ['a description as a number', { name: 'Critic', description: 5 }, ['description']],
    [
      'a description over 100,000 characters',
      { name: 'Critic', description: 'x'.repeat(100_001) },
      ['description'],
    ],
    ['an unknown field', { name: 'Critic', clientId: randomUUID() }, ['clientId']],
  ])('refuses %s with 400 naming the field, keeping nothing', async (_name, payload, fields) => {
    const client = await buildClient(t.app);
    expectInvalid(await postPart(client, payload), fields);
    expect(await partCount(client.id)).toBe(0);
  });

  it('accepts a name of exactly 200 characters', async () => {
    const client = await buildClient(t.app);
    expect((await addPart(client, 'y'.repeat(200))).name).toHaveLength(200);
  });

  it('does not exist for a therapist, connected or not (404), and is 401 signed out', async () => {
    const { therapist } = await buildRelationship(t.app, { mode: 'connected' });
    const loner = await buildTherapist(t.app);
    for (const person of [therapist, loner]) {
      expectNotFound(await postPart(person, { name: 'Protector' }));
      expect(await partCount(person.id)).toBe(0);
    }
    expectSignedOut(await anonymous(t.app, 'POST', '/api/parts', { name: 'Protector' }));
  });
});

describe('GET /api/parts', () => {
  it("lists the client's own parts, those that come up most first, then by name", async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const second = await buildRelationship(t.app, { client });
    const critic = await addPart(client, 'Critic');
    const angry = await addPart(client, 'angry one');
    const little = await addPart(client, 'Little one');
    const banker = await addPart(client, 'Banker');
    const archer = await addPart(client, 'archer');
    await addPart(client, 'Dreamer');
    await addRupture(relationship.id, [little.id, critic.id]);
    await addRupture(relationship.id, [little.id, archer.id]);
    // Ruptures of every one of the client's relationships count.
    await addRupture(second.relationship.id, [little.id, critic.id]);
    await addRupture(second.relationship.id, [banker.id]);

    const items = await partsOf(client);
    expect(items.map((p) => [p.name, p.ruptureCount])).toEqual([
      ['Little one', 3],
      ['Critic', 2],
      ['archer', 1],
      ['Banker', 1],
      ['angry one', 0],
      ['Dreamer', 0],
    ]);
    expect(items.find((p) => p.id === angry.id)).toEqual(angry);
  });

  it("counts only the client's own ruptures", async () => {
    const { client } = await buildRelationship(t.app);
    const part = await addPart(client, 'Protector');
    // A tag on someone else's rupture (it cannot happen through the API) is not theirs to count.
    const other = await buildRelationship(t.app);
    await addRupture(other.relationship.id, [part.id]);
    expect((await partsOf(client)).map((p) => p.ruptureCount)).toEqual([0]);
  });

  it("never shows another client's parts", async () => {
    const client = await buildClient(t.app);
    const other = await buildClient(t.app);
    await addPart(other, 'Secret keeper');
    expect(await partsOf(client)).toEqual([]);
    const mine = await addPart(client, 'Protector');
    expect((await partsOf(client)).map((p) => p.id)).toEqual([mine.id]);
  });

  it('does not exist for a therapist (404), and is 401 signed out', async () => {
    const { client, therapist } = await buildRelationship(t.app, { mode: 'connected' });
    await addPart(client, 'Protector');
    const response = await listParts(therapist);
    expectNotFound(response);
    expect(response.body).not.toContain('Protector');
    expectSignedOut(await anonymous(t.app, 'GET', '/api/parts'));
  });
});

describe('PATCH /api/parts/:id', () => {
  it('renames a part and changes or clears its description', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const part = await addPart(client, 'Protector', 'Steps in.');
    await addRupture(relationship.id, [part.id]);
    const renamed = await patchPart(client, part.id, { name: ' Guardian ' });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(partOf(renamed)).toMatchObject({
      id: part.id,
      name: 'Guardian',
      description: 'Steps in.',
      ruptureCount: 1,
      createdAt: part.createdAt,
    });
    expect(Date.parse(partOf(renamed).updatedAt)).toBeGreaterThanOrEqual(
      Date.parse(part.updatedAt),
    );

    const described = partOf(await patchPart(client, part.id, { description: 'Keeps me safe.' }));
    expect(described).toMatchObject({ name: 'Guardian', description: 'Keeps me safe.' });
    const cleared = partOf(await patchPart(client, part.id, { description: null }));
    expect(cleared.description).toBeNull();
    expect((await stored(part.id))?.description).toBeNull();
    expect((await partsOf(client)).find((p) => p.id === part.id)).toEqual(cleared);
  });

  it('raises the version of the relationships whose ruptures name the part', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const part = await addPart(client, 'Protector');
    await addRupture(relationship.id, [part.id]);
    const before = await versionOf(relationship.id);
    expect((await patchPart(client, part.id, { name: 'Guardian' })).statusCode).toBe(200);
    expect(await versionOf(relationship.id)).toBeGreaterThan(before);
  });

  it('answers an empty change with the part as it is', async () => {
    const client = await buildClient(t.app);
    const part = await addPart(client, 'Protector');
    const response = await patchPart(client, part.id, {});
    expect(response.statusCode).toBe(200);
    expect(partOf(response)).toEqual(part);
  });

  it('allows changing only the case of its own name, and refuses another part’s name (409)', async () => {
    const client = await buildClient(t.app);
    const part = await addPart(client, 'Protector');
    await addPart(client, 'Critic');
    expect(partOf(await patchPart(client, part.id, { name: 'protector' })).name).toBe('protector');
    expectError(await patchPart(client, part.id, { name: 'CRITIC' }), 409, 'part_exists');
    expect((await stored(part.id))?.name).toBe('protector');
  });

  it.each([
    ['an empty name', { name: '' }, ['name']],
    ['a blank name', { name: '  ' }, ['name']],
    ['a name over 200 characters', { name: 'x'.repeat(201) }, ['name']],
    ['a name as null', { name: null }, ['name']],
    ['a description as a boolean', { description: true }, ['description']],
    [
      'a description over 100,000 characters',
      { description: 'x'.repeat(100_001) },
      ['description'],
    ],
    ['an unknown field', { ruptureCount: 9 }, ['ruptureCount']],
  ])('refuses %s with 400 naming the field, changing nothing', async (_name, payload, fields) => {
    const client = await buildClient(t.app);
    const part = await addPart(client, 'Protector', 'Steps in.');
    const before = await stored(part.id);
    expectInvalid(await patchPart(client, part.id, payload), fields);
    expect(await stored(part.id)).toEqual(before);
  });

  it('is 404 for another client, a connected therapist and malformed or unknown ids; 401 signed out', async () => {
    const { client, therapist } = await buildRelationship(t.app, { mode: 'connected' });
    const part = await addPart(client, 'Protector');
    const before = await stored(part.id);
    const other = await buildClient(t.app);
    for (const outsider of [other, therapist]) {
      expectNotFound(await patchPart(outsider, part.id, { name: 'Mine now' }));
    }
    expectNotFound(await patchPart(client, 'nope', { name: 'Guardian' }));
    expectNotFound(await patchPart(client, randomUUID(), { name: 'Guardian' }));
    expectSignedOut(await anonymous(t.app, 'PATCH', `/api/parts/${part.id}`, { name: 'Guardian' }));
    expect(await stored(part.id)).toEqual(before);
  });
});

describe('DELETE /api/parts/:id', () => {
  it('removes the part and its tags on ruptures, keeping the ruptures', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const part = await addPart(client, 'Protector');
    const kept = await addPart(client, 'Critic');
    const rupture = await addRupture(relationship.id, [part.id, kept.id]);
    const before = await versionOf(relationship.id);

    const response = await deletePart(client, part.id);
    expect(response.statusCode, response.body).toBe(204);
    expect(response.body).toBe('');
    expect(await stored(part.id)).toBeUndefined();
    expect(await tagsOf(rupture)).toEqual([kept.id]);
    const [row] = await t.services.db.select().from(ruptures).where(eq(ruptures.id, rupture));
    expect(row?.title).toBe('The shoes');
    expect(await versionOf(relationship.id)).toBeGreaterThan(before);
    expect((await partsOf(client)).map((p) => [p.name, p.ruptureCount])).toEqual([['Critic', 1]]);
    expectNotFound(await deletePart(client, part.id));
  });

  it('is 404 for another client, a connected therapist and malformed ids; 401 signed out', async () => {
    const { client, therapist } = await buildRelationship(t.app, { mode: 'connected' });
    const part = await addPart(client, 'Protector');
    const other = await buildClient(t.app);
    for (const outsider of [other, therapist]) expectNotFound(await deletePart(outsider, part.id));
    expectNotFound(await deletePart(client, 'nope'));
    expectSignedOut(await t.app.inject({ method: 'DELETE', url: `/api/parts/${part.id}` }));
    expect(await stored(part.id)).toBeDefined();
  });

  it('refuses a body with fields (400), deleting nothing', async () => {
    const client = await buildClient(t.app);
    const part = await addPart(client, 'Protector');
    expectInvalid(
      await client.request({ method: 'DELETE', url: `/api/parts/${part.id}`, payload: { x: 1 } }),
      ['x'],
    );
    expect(await stored(part.id)).toBeDefined();
  });
});

describe('checkOwnParts', () => {
  const refused = async (clientId: string, ids: string[]) => {
    const error = await checkOwnParts(t.services.db, clientId, ids).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      status: 400,
      code: 'invalid_input',
      fields: { partIds: expect.any(String) },
    });
  };

  it("accepts the client's own parts, repeated or none", async () => {
    const client = await buildClient(t.app);
    const a = await addPart(client, 'Protector');
    const b = await addPart(client, 'Critic');
    await expect(checkOwnParts(t.services.db, client.id, [a.id, b.id])).resolves.toBeUndefined();
    await expect(
      checkOwnParts(t.services.db, client.id, [a.id, a.id, b.id]),
    ).resolves.toBeUndefined();
    await expect(checkOwnParts(t.services.db, client.id, [])).resolves.toBeUndefined();
  });

  it("refuses another client's part, an unknown id and a malformed one", async () => {
    const client = await buildClient(t.app);
    const other = await buildClient(t.app);
    const mine = await addPart(client, 'Protector');
    const theirs = await addPart(other, 'Protector');
    await refused(client.id, [mine.id, theirs.id]);
    await refused(client.id, [theirs.id]);
    await refused(client.id, [mine.id, randomUUID()]);
    await refused(client.id, [mine.id, 'nope']);
    await refused(client.id, ["'; drop table parts; --"]);
  });

  it('refuses a part that no longer exists', async () => {
    const client = await buildClient(t.app);
    const part = await addPart(client, 'Protector');
    expect((await deletePart(client, part.id)).statusCode).toBe(204);
    await refused(client.id, [part.id]);
    expect(await partCount(client.id)).toBe(0);
  });
});
