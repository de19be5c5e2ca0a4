import { randomUUID } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agendaItems, relationships, ruptures } from '../../db/schema.ts';
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

type AgendaItemJson = {
  id: string;
  relationshipId: string;
  text: string;
  ruptureId: string | null;
  done: boolean;
  doneAt: string | null;
  createdAt: string;
  updatedAt: string;
};
type SuggestionJson = { ruptureId: string; title: string; text: string };
type AgendaJson = { items: AgendaItemJson[]; suggestions: SuggestionJson[] };
type Status = 'open' | 'repairing' | 'repaired' | 'unresolved';

const get = (person: Person, relationshipId: string) =>
  person.request({ method: 'GET', url: `/api/relationships/${relationshipId}/agenda` });
const post = (person: Person, relationshipId: string, payload: object) =>
  person.request({ method: 'POST', url: `/api/relationships/${relationshipId}/agenda`, payload });
const patch = (person: Person, id: string, payload: object) =>
  person.request({ method: 'PATCH', url: `/api/agenda-items/${id}`, payload });
const remove = (person: Person, id: string) =>
  person.request({ method: 'DELETE', url: `/api/agenda-items/${id}`, payload: {} });

const itemOf = (response: LightMyRequestResponse) => response.json<{ item: AgendaItemJson }>().item;

async function add(
  person: Person,
  relationshipId: string,
  body: { text?: string; ruptureId?: string | null; done?: boolean } = {},
): Promise<AgendaItemJson> {
  const response = await post(person, relationshipId, {
    text: 'Ask about the new room rules.',
    ...body,
  });
  expect(response.statusCode, response.body).toBe(201);
  return itemOf(response);
}

async function agendaOf(person: Person, relationshipId: string): Promise<AgendaJson> {
  const response = await get(person, relationshipId);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<AgendaJson>();
}

async function storedCount(relationshipId: string): Promise<number> {
  const [row] = await t.services.db
    .select({ n: count() })
    .from(agendaItems)
    .where(eq(agendaItems.relationshipId, relationshipId));
  return row?.n ?? 0;
}

async function stored(id: string) {
  const [row] = await t.services.db.select().from(agendaItems).where(eq(agendaItems.id, id));
  return row;
}

async function versionOf(relationshipId: string): Promise<number> {
  const [row] = await t.services.db
    .select({ version: relationships.version })
    .from(relationships)
    .where(eq(relationships.id, relationshipId));
  return row?.version ?? -1;
}

/** A rupture row written directly (the ruptures API is not ours to test here). */
async function addRupture(
  relationshipId: string,
  {
    title = 'The shoes',
    status = 'open',
    daysAgo = 3,
  }: { title?: string; status?: Status; daysAgo?: number } = {},
): Promise<string> {
  const id = randomUUID();
  await t.services.db.insert(ruptures).values({
    id,
    relationshipId,
    title,
    occurredAt: new Date(daysFromNow(-daysAgo)),
    whatHappened: 'Something happened between us.',
    intensity: 3,
    status,
    visibility: 'private',
  });
  return id;
}

const connected = (): Promise<ConnectedWorld> => buildRelationship(t.app, { mode: 'connected' });

describe('GET /api/relationships/:id/agenda', () => {
  it('lists items not done first, each group in the order they were added', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const first = await add(client, relationship.id, { text: 'First.' });
    const doneEarly = await add(client, relationship.id, { text: 'Done early.', done: true });
    const second = await add(client, relationship.id, { text: 'Second.' });
    const third = await add(client, relationship.id, { text: 'Third.' });
    const closed = itemOf(await patch(client, first.id, { done: true }));

    const { items } = await agendaOf(client, relationship.id);
    expect(items.map((i) => i.text)).toEqual(['Second.', 'Third.', 'First.', 'Done early.']);
    expect(items).toEqual([second, third, closed, doneEarly]);
  });

  it('suggests each open or repairing rupture not yet on the agenda, the most recent first, naming its title', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const older = await addRupture(relationship.id, {
      title: 'The cancelled session',
      daysAgo: 20,
    });
    const repairing = await addRupture(relationship.id, {
      title: 'The unanswered email',
      status: 'repairing',
      daysAgo: 10,
    });
    const newest = await addRupture(relationship.id, { title: 'The shoes', daysAgo: 1 });
    await addRupture(relationship.id, { title: 'Mended', status: 'repaired', daysAgo: 2 });
    await addRupture(relationship.id, { title: 'Let go', status: 'unresolved', daysAgo: 3 });
    const other = await buildRelationship(t.app, { client });
    await addRupture(other.relationship.id, { title: 'Another therapist', daysAgo: 1 });

    const { items, suggestions } = await agendaOf(client, relationship.id);
    expect(items).toEqual([]);
    expect(suggestions).toEqual([
      { ruptureId: newest, title: 'The shoes', text: 'Talk about "The shoes"' },
      {
        ruptureId: repairing,
        title: 'The unanswered email',
        text: 'Talk about "The unanswered email"',
      },
      {
        ruptureId: older,
        title: 'The cancelled session',
        text: 'Talk about "The cancelled session"',
      },
    ]);
    expect((await agendaOf(client, other.relationship.id)).suggestions.map((s) => s.title)).toEqual(
      ['Another therapist'],
    );
  });

  it('drops a suggestion once an item links its rupture, done or not, and brings it back when unlinked', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const shoes = await addRupture(relationship.id, { title: 'The shoes', daysAgo: 1 });
    const email = await addRupture(relationship.id, { title: 'The email', daysAgo: 2 });
    const titles = async () =>
      (await agendaOf(client, relationship.id)).suggestions.map((s) => s.ruptureId);
    expect(await titles()).toEqual([shoes, email]);

    const item = await add(client, relationship.id, { text: 'The shoes', ruptureId: shoes });
    expect(item.ruptureId).toBe(shoes);
    expect(await titles()).toEqual([email]);
    await patch(client, item.id, { done: true });
    expect(await titles()).toEqual([email]);
    await add(client, relationship.id, { text: 'The email', ruptureId: email, done: true });
    expect(await titles()).toEqual([]);

    await patch(client, item.id, { ruptureId: null });
    expect(await titles()).toEqual([shoes]);
  });

  it('is 404 for the connected therapist, another client and malformed ids; 401 signed out', async () => {
    const { client, therapist, relationship } = await connected();
    await add(client, relationship.id, { text: 'Only mine to see.' });
    await addRupture(relationship.id, { title: 'A private rupture' });
    for (const outsider of [therapist, otherClient]) {
      const response = await get(outsider, relationship.id);
      expectNotFound(response);
      expect(response.body).not.toContain('Only mine to see.');
      expect(response.body).not.toContain('A private rupture');
    }
    expectNotFound(await get(client, 'nope'));
    expectNotFound(await get(client, randomUUID()));
    expectSignedOut(await anonymous(t.app, 'GET', `/api/relationships/${relationship.id}/agenda`));
  });
});

describe('POST /api/relationships/:id/agenda', () => {
  it('adds an item with exactly the documented fields, raising the relationship version', async () => {
    const { client, relationship } = await connected();
    const rupture = await addRupture(relationship.id);
    const before = await versionOf(relationship.id);
    const response = await post(client, relationship.id, {
      text: '  Bring up the shoes. ',
      ruptureId: rupture,
    });
    expect(response.statusCode, response.body).toBe(201);
    const item = itemOf(response);
    expect(Object.keys(item).sort()).toEqual([
      'createdAt',
      'done',
      'doneAt',
      'id',
      'relationshipId',
      'ruptureId',
      'text',
      'updatedAt',
    ]);
    expect(item).toMatchObject({
      relationshipId: relationship.id,
      text: 'Bring up the shoes.',
      ruptureId: rupture,
      done: false,
      doneAt: null,
    });
    expect(new Date(item.createdAt).toISOString()).toBe(item.createdAt);
    expect(new Date(item.updatedAt).toISOString()).toBe(item.updatedAt);
    expect(await versionOf(relationship.id)).toBeGreaterThan(before);
  });

  it('adds an item already done, with when', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const item = await add(client, relationship.id, { done: true, ruptureId: null });
    expect(item.done).toBe(true);
    expect(item.ruptureId).toBeNull();
    expect(new Date(item.doneAt ?? '').toISOString()).toBe(item.doneAt);
  });

  it("refuses a rupture of another relationship, the client's own included, writing nothing", async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const second = await buildRelationship(t.app, { client });
    const elsewhere = await addRupture(second.relationship.id);
    const stranger = await addRupture((await buildRelationship(t.app)).relationship.id);
    for (const ruptureId of [elsewhere, stranger, randomUUID(), 'nope', '']) {
      expectInvalid(await post(client, relationship.id, { text: 'Talk.', ruptureId }), [
        'ruptureId',
      ]);
    }
    expect(await storedCount(relationship.id)).toBe(0);
  });

  it.each([
    ['an empty body', {}, ['text']],
    ['empty text', { text: '' }, ['text']],
    ['blank text', { text: '   ' }, ['text']],
    ['text over 100,000 characters', { text: 'x'.repeat(100_001) }, ['text']],
    ['text as a list', { text: ['a'] }, ['text']],
    ['done as text', { text: 'Talk.', done: 'yes' }, ['done']],
    ['a rupture id as a number', { text: 'Talk.', ruptureId: 5 }, ['ruptureId']],
    ['an unknown field', { text: 'Talk.', doneAt: daysFromNow(-1) }, ['doneAt']],
  ])('refuses %s with 400 naming the field, writing nothing', async (_name, payload, fields) => {
    const { client, relationship } = await buildRelationship(t.app);
    expectInvalid(await post(client, relationship.id, payload), fields);
    expect(await storedCount(relationship.id)).toBe(0);
  });

  it('is 404 for the connected therapist, another client and malformed ids; 401 signed out', async () => {
    const { client, therapist, relationship } = await connected();
    const body = { text: 'Talk.' };
    expectNotFound(await post(therapist, relationship.id, body));
    expectNotFound(await post(otherClient, relationship.id, body));
    expectNotFound(await post(client, 'nope', body));
    expectSignedOut(
      await anonymous(t.app, 'POST', `/api/relationships/${relationship.id}/agenda`, body),
    );
    expect(await storedCount(relationship.id)).toBe(0);
  });
});

describe('PATCH /api/agenda-items/:id', () => {
  it('marks an item done with when, and not done again, clearing when', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const item = await add(client, relationship.id);
    const before = await versionOf(relationship.id);
    const done = itemOf(await patch(client, item.id, { done: true }));
    expect(done).toMatchObject({ id: item.id, done: true, text: item.text });
    expect(Date.parse(done.doneAt ?? '')).toBeGreaterThanOrEqual(Date.parse(item.createdAt));
    expect(await versionOf(relationship.id)).toBeGreaterThan(before);
    // Saying it again keeps when it was done.
    expect(itemOf(await patch(client, item.id, { done: true })).doneAt).toBe(done.doneAt);

    const undone = itemOf(await patch(client, item.id, { done: false }));
    expect(undone).toMatchObject({ done: false, doneAt: null });
    expect(await stored(item.id)).toMatchObject({ done: false, doneAt: null });
  });

  it('changes the text and links or unlinks a rupture of the relationship', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const rupture = await addRupture(relationship.id);
    const item = await add(client, relationship.id);
    const linked = itemOf(await patch(client, item.id, { text: 'The shoes.', ruptureId: rupture }));
    expect(linked).toMatchObject({ text: 'The shoes.', ruptureId: rupture, done: false });
    const unlinked = itemOf(await patch(client, item.id, { ruptureId: null }));
    expect(unlinked).toMatchObject({ text: 'The shoes.', ruptureId: null });
    expect((await agendaOf(client, relationship.id)).items).toEqual([unlinked]);
  });

  it('answers an empty change with the item as it is', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const item = await add(client, relationship.id);
    const response = await patch(client, item.id, {});
    expect(response.statusCode).toBe(200);
    expect(itemOf(response)).toEqual(item);
  });

  it.each([
    ['empty text', { text: '' }, ['text']],
    ['text over 100,000 characters', { text: 'x'.repeat(100_001) }, ['text']],
    ['done as null', { done: null }, ['done']],
    ['done as a number', { done: 1 }, ['done']],
    ['a malformed rupture id', { ruptureId: 'nope' }, ['ruptureId']],
    ['an unknown rupture', { ruptureId: randomUUID() }, ['ruptureId']],
    ['an unknown field', { relationshipId: randomUUID() }, ['relationshipId']],
  ])('refuses %s with 400 naming the field, changing nothing', async (_name, payload, fields) => {
    const { client, relationship } = await buildRelationship(t.app);
    const item = await add(client, relationship.id);
    const before = await stored(item.id);
    expectInvalid(await patch(client, item.id, payload), fields);
    expect(await stored(item.id)).toEqual(before);
  });

  it("refuses linking another relationship's rupture, changing nothing", async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const second = await buildRelationship(t.app, { client });
    const elsewhere = await addRupture(second.relationship.id);
    const item = await add(client, relationship.id);
    const before = await stored(item.id);
    expectInvalid(await patch(client, item.id, { ruptureId: elsewhere }), ['ruptureId']);
    expect(await stored(item.id)).toEqual(before);
  });

  it('is 404 for the connected therapist, another client and malformed ids; 401 signed out', async () => {
    const { client, therapist, relationship } = await connected();
    const item = await add(client, relationship.id);
    const before = await stored(item.id);
    for (const outsider of [therapist, otherClient]) {
      expectNotFound(await patch(outsider, item.id, { done: true }));
    }
    expectNotFound(await patch(client, 'nope', { done: true }));
    expectNotFound(await patch(client, relationship.id, { done: true }));
    expectSignedOut(
      await anonymous(t.app, 'PATCH', `/api/agenda-items/${item.id}`, { done: true }),
    );
    expect(await stored(item.id)).toEqual(before);
  });
});

describe('DELETE /api/agenda-items/:id', () => {
  it('deletes the item (204), and its rupture is suggested again', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const rupture = await addRupture(relationship.id, { title: 'The shoes' });
    const item = await add(client, relationship.id, { ruptureId: rupture });
    const kept = await add(client, relationship.id, { text: 'Kept.' });
    const before = await versionOf(relationship.id);
    const response = await remove(client, item.id);
    expect(response.statusCode, response.body).toBe(204);
    expect(response.body).toBe('');
    expect(await agendaOf(client, relationship.id)).toEqual({
      items: [kept],
      suggestions: [{ ruptureId: rupture, title: 'The shoes', text: 'Talk about "The shoes"' }],
    });
    expect(await versionOf(relationship.id)).toBeGreaterThan(before);
    expectNotFound(await remove(client, item.id));
  });

  it('is 404 for the connected therapist, another client and malformed ids; 401 signed out', async () => {
    const { client, therapist, relationship } = await connected();
    const item = await add(client, relationship.id);
    for (const outsider of [therapist, otherClient]) {
      expectNotFound(await remove(outsider, item.id));
    }
    expectNotFound(await remove(client, 'nope'));
    expectSignedOut(await t.app.inject({ method: 'DELETE', url: `/api/agenda-items/${item.id}` }));
    expect(await stored(item.id)).toBeDefined();
  });
});
