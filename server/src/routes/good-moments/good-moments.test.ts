import { randomUUID } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goodMoments, relationships } from '../../db/schema.ts';
import type { Person } from '../../test/factories.ts';
import { startTestApp, type TestApp } from '../../test/harness.ts';
import {
  anonymous,
  buildRelationship,
  type ConnectedWorld,
  daysFromNow,
  expectInvalid,
  expectNotFound,
  expectSignedOut,
} from '../../test/world.ts';

let t: TestApp;
let otherClient: Person;

beforeAll(async () => {
  t = await startTestApp();
  otherClient = (await buildRelationship(t.app)).client;
});
afterAll(async () => {
  await t?.close();
});

type GoodMomentJson = {
  id: string;
  relationshipId: string;
  at: string;
  text: string;
  createdAt: string;
};

const post = (person: Person, relationshipId: string, payload: object) =>
  person.request({
    method: 'POST',
    url: `/api/relationships/${relationshipId}/good-moments`,
    payload,
  });
const list = (person: Person, relationshipId: string) =>
  person.request({ method: 'GET', url: `/api/relationships/${relationshipId}/good-moments` });
const patch = (person: Person, id: string, payload: object) =>
  person.request({ method: 'PATCH', url: `/api/good-moments/${id}`, payload });
const remove = (person: Person, id: string) =>
  person.request({ method: 'DELETE', url: `/api/good-moments/${id}`, payload: {} });

const momentOf = (response: LightMyRequestResponse) =>
  response.json<{ goodMoment: GoodMomentJson }>().goodMoment;

async function keep(
  person: Person,
  relationshipId: string,
  body: { at?: string; text?: string } = {},
): Promise<GoodMomentJson> {
  const response = await post(person, relationshipId, {
    at: daysFromNow(-1),
    text: 'She remembered what I said last week.',
    ...body,
  });
  expect(response.statusCode, response.body).toBe(201);
  return momentOf(response);
}

async function itemsOf(person: Person, relationshipId: string): Promise<GoodMomentJson[]> {
  const response = await list(person, relationshipId);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ items: GoodMomentJson[] }>().items;
}

async function storedCount(relationshipId: string): Promise<number> {
  const [row] = await t.services.db
    .select({ n: count() })
    .from(goodMoments)
    .where(eq(goodMoments.relationshipId, relationshipId));
  return row?.n ?? 0;
}

async function stored(id: string) {
  const [row] = await t.services.db.select().from(goodMoments).where(eq(goodMoments.id, id));
  return row;
}

async function versionOf(relationshipId: string): Promise<number> {
  const [row] = await t.services.db
    .select({ version: relationships.version })
    .from(relationships)
    .where(eq(relationships.id, relationshipId));
  return row?.version ?? -1;
}

const connected = (): Promise<ConnectedWorld> => buildRelationship(t.app, { mode: 'connected' });

describe('POST /api/relationships/:id/good-moments', () => {
  it('keeps a good moment with exactly the documented fields, its time in UTC', async () => {
    const { client, relationship } = await connected();
    const before = await versionOf(relationship.id);
    const response = await post(client, relationship.id, {
      at: '2025-03-04T18:30:00+02:00',
      text: 'He said he was glad I told him.',
    });
    expect(response.statusCode, response.body).toBe(201);
    const goodMoment = momentOf(response);
    expect(Object.keys(goodMoment).sort()).toEqual([
      'at',
      'createdAt',
      'id',
      'relationshipId',
      'text',
    ]);
    expect(goodMoment).toMatchObject({
      relationshipId: relationship.id,
      at: '2025-03-04T16:30:00.000Z',
      text: 'He said he was glad I told him.',
    });
    expect(new Date(goodMoment.createdAt).toISOString()).toBe(goodMoment.createdAt);
    expect(await versionOf(relationship.id)).toBeGreaterThan(before);
  });

  it('accepts a time up to a day ahead (time zones), not more', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    await keep(client, relationship.id, { at: daysFromNow(0, 23) });
    expectInvalid(await post(client, relationship.id, { at: daysFromNow(2), text: 'Later.' }), [
      'at',
    ]);
    expect(await storedCount(relationship.id)).toBe(1);
  });

  it.each([
    ['an empty body', {}, ['at', 'text']],
    ['empty text', { text: '' }, ['text']],
    ['blank text', { text: ' \n ' }, ['text']],
    ['text over 100,000 characters', { text: 'x'.repeat(100_001) }, ['text']],
    ['text as a number', { text: 42 }, ['text']],
    ['a time as words', { at: 'yesterday' }, ['at']],
    ['a time without an offset', { at: '2025-03-04T18:30:00' }, ['at']],
    ['a time as a number', { at: 1_700_000_000_000 }, ['at']],
    ['an unknown field', { relationshipId: randomUUID() }, ['relationshipId']],
  ])('refuses %s with 400 naming the field, keeping nothing', async (_name, change, fields) => {
    const { client, relationship } = await buildRelationship(t.app);
    const payload =
      Object.keys(change).length === 0
        ? {}
        : { at: daysFromNow(-1), text: 'It went well.', ...change };
    expectInvalid(await post(client, relationship.id, payload), fields);
    expect(await storedCount(relationship.id)).toBe(0);
  });

  it('is 404 for the connected therapist, another client and malformed ids; 401 signed out', async () => {
    const { client, therapist, relationship } = await connected();
    const body = { at: daysFromNow(-1), text: 'It went well.' };
    expectNotFound(await post(therapist, relationship.id, body));
    expectNotFound(await post(otherClient, relationship.id, body));
    expectNotFound(await post(client, 'nope', body));
    expectNotFound(await post(client, randomUUID(), body));
    expectSignedOut(
      await anonymous(t.app, 'POST', `/api/relationships/${relationship.id}/good-moments`, body),
    );
    expect(await storedCount(relationship.id)).toBe(0);
  });
});

describe('GET /api/relationships/:id/good-moments', () => {
  it('lists the good moments of the relationship, the most recent first', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const older = await keep(client, relationship.id, { at: daysFromNow(-30), text: 'Older.' });
    const newest = await keep(client, relationship.id, { at: daysFromNow(-1), text: 'Newest.' });
    const middle = await keep(client, relationship.id, { at: daysFromNow(-7), text: 'Middle.' });
    // Another relationship of the same client keeps its own.
    const second = await buildRelationship(t.app, { client });
    const elsewhere = await keep(client, second.relationship.id);

    expect(await itemsOf(client, relationship.id)).toEqual([newest, middle, older]);
    expect(await itemsOf(client, second.relationship.id)).toEqual([elsewhere]);
  });

  it('is 404 for the connected therapist, another client and malformed ids; 401 signed out', async () => {
    const { client, therapist, relationship } = await connected();
    await keep(client, relationship.id, { text: 'Private warmth.' });
    for (const outsider of [therapist, otherClient]) {
      const response = await list(outsider, relationship.id);
      expectNotFound(response);
      expect(response.body).not.toContain('Private warmth.');
    }
    expectNotFound(await list(client, 'nope'));
    expectSignedOut(
      await anonymous(t.app, 'GET', `/api/relationships/${relationship.id}/good-moments`),
    );
  });
});

describe('PATCH /api/good-moments/:id', () => {
  it('changes the text and the time, raising the relationship version', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const moment = await keep(client, relationship.id, { at: daysFromNow(-3) });
    const before = await versionOf(relationship.id);
    const response = await patch(client, moment.id, {
      text: 'She laughed with me.',
      at: '2025-01-02T09:00:00-05:00',
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(momentOf(response)).toEqual({
      ...moment,
      text: 'She laughed with me.',
      at: '2025-01-02T14:00:00.000Z',
    });
    expect(await versionOf(relationship.id)).toBeGreaterThan(before);
    const onlyText = momentOf(await patch(client, moment.id, { text: 'Laughing together.' }));
    expect(onlyText.at).toBe('2025-01-02T14:00:00.000Z');
    expect(await itemsOf(client, relationship.id)).toEqual([onlyText]);
  });

  it('answers an empty change with the good moment as it is', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const moment = await keep(client, relationship.id);
    const response = await patch(client, moment.id, {});
    expect(response.statusCode).toBe(200);
    expect(momentOf(response)).toEqual(moment);
  });

  it.each([
    ['empty text', { text: '' }, ['text']],
    ['text over 100,000 characters', { text: 'x'.repeat(100_001) }, ['text']],
    ['text as null', { text: null }, ['text']],
    ['a time two days ahead', { at: daysFromNow(2) }, ['at']],
    ['a malformed time', { at: '2025-13-40T00:00:00Z' }, ['at']],
    ['an unknown field', { createdAt: daysFromNow(-9) }, ['createdAt']],
  ])('refuses %s with 400 naming the field, changing nothing', async (_name, payload, fields) => {
    const { client, relationship } = await buildRelationship(t.app);
    const moment = await keep(client, relationship.id);
    const before = await stored(moment.id);
    expectInvalid(await patch(client, moment.id, payload), fields);
    expect(await stored(moment.id)).toEqual(before);
  });

  it('is 404 for the connected therapist, another client and malformed ids; 401 signed out', async () => {
    const { client, therapist, relationship } = await connected();
    const moment = await keep(client, relationship.id);
    const before = await stored(moment.id);
    for (const outsider of [therapist, otherClient]) {
      expectNotFound(await patch(outsider, moment.id, { text: 'Changed.' }));
    }
    expectNotFound(await patch(client, 'nope', { text: 'Changed.' }));
    expectNotFound(await patch(client, relationship.id, { text: 'Changed.' }));
    expectSignedOut(
      await anonymous(t.app, 'PATCH', `/api/good-moments/${moment.id}`, { text: 'Changed.' }),
    );
    expect(await stored(moment.id)).toEqual(before);
  });
});

describe('DELETE /api/good-moments/:id', () => {
  it('deletes the good moment (204), raising the relationship version', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const gone = await keep(client, relationship.id);
    const kept = await keep(client, relationship.id, { at: daysFromNow(-2) });
    const before = await versionOf(relationship.id);
    const response = await remove(client, gone.id);
    expect(response.statusCode, response.body).toBe(204);
    expect(response.body).toBe('');
    expect(await itemsOf(client, relationship.id)).toEqual([kept]);
    expect(await versionOf(relationship.id)).toBeGreaterThan(before);
    expectNotFound(await remove(client, gone.id));
  });

  it('is 404 for the connected therapist, another client and malformed ids; 401 signed out', async () => {
    const { client, therapist, relationship } = await connected();
    const moment = await keep(client, relationship.id);
    for (const outsider of [therapist, otherClient]) {
      expectNotFound(await remove(outsider, moment.id));
    }
    expectNotFound(await remove(client, 'nope'));
    expectSignedOut(
      await t.app.inject({ method: 'DELETE', url: `/api/good-moments/${moment.id}` }),
    );
    expect(await stored(moment.id)).toBeDefined();
  });
});
