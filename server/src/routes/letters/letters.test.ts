import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { extractText, getDocumentProxy, getMeta } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { auditEvents, letters, relationships, ruptures } from '../../db/schema.ts';
import type { Person } from '../../test/factories.ts';
import { startTestApp, type TestApp } from '../../test/harness.ts';
import {
  anonymous,
  buildRelationship,
  expectError,
  expectInvalid,
  expectNotFound,
  expectSignedOut,
} from '../../test/world.ts';
import type { Letter } from './schema.ts';

type LetterJson = z.infer<typeof Letter>;

let t: TestApp;
let otherClient: Person;
let stranger: Person;

beforeAll(async () => {
  t = await startTestApp();
  otherClient = (await buildRelationship(t.app)).client;
  stranger = (await buildRelationship(t.app, { mode: 'connected' })).therapist;
});
afterAll(async () => {
  await t?.close();
});

const LETTER_CHANGED =
  'This letter was changed somewhere else (another tab or device). Nothing was lost: both versions are kept on your screen.';

const post = (person: Person, relationshipId: string, payload: object) =>
  person.request({ method: 'POST', url: `/api/relationships/${relationshipId}/letters`, payload });
const list = (person: Person, relationshipId: string) =>
  person.request({ method: 'GET', url: `/api/relationships/${relationshipId}/letters` });
const getOne = (person: Person, id: string) =>
  person.request({ method: 'GET', url: `/api/letters/${id}` });
const patch = (person: Person, id: string, payload: object) =>
  person.request({ method: 'PATCH', url: `/api/letters/${id}`, payload });
const exportAs = (person: Person, id: string, query: string) =>
  person.request({ method: 'GET', url: `/api/letters/${id}/export?${query}` });

const letterOf = (response: LightMyRequestResponse) =>
  response.json<{ letter: LetterJson }>().letter;

async function write(
  person: Person,
  relationshipId: string,
  payload: { title?: string; body?: string; ruptureId?: string | null } = {},
): Promise<LetterJson> {
  const response = await post(person, relationshipId, {
    title: 'About Monday',
    body: 'Dear Sam,\n\nI have been thinking about Monday.',
    ...payload,
  });
  expect(response.statusCode, response.body).toBe(201);
  return letterOf(response);
}

async function save(person: Person, id: string, payload: object): Promise<LetterJson> {
  const response = await patch(person, id, payload);
  expect(response.statusCode, response.body).toBe(200);
  return letterOf(response);
}

const stored = async (id: string) => {
  const [row] = await t.services.db.select().from(letters).where(eq(letters.id, id));
  return row;
};
const storedFor = (relationshipId: string) =>
  t.services.db.select().from(letters).where(eq(letters.relationshipId, relationshipId));
const versionOf = async (relationshipId: string) => {
  const [row] = await t.services.db
    .select({ version: relationships.version })
    .from(relationships)
    .where(eq(relationships.id, relationshipId));
  return row?.version;
};
const auditCount = async (relationshipId: string) =>
  (
    await t.services.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.relationshipId, relationshipId))
  ).length;

/** A rupture record written straight into the database (its routes are not needed here). */
async function addRupture(relationshipId: string): Promise<string> {
  const id = randomUUID();
  await t.services.db.insert(ruptures).values({
    id,
    relationshipId,
    title: 'When the session ended early',
    occurredAt: new Date('2026-03-01T10:00:00Z'),
    whatHappened: 'We stopped ten minutes early.',
    intensity: 3,
    status: 'open',
    visibility: 'private',
  });
  return id;
}

const connected = () => buildRelationship(t.app, { mode: 'connected' });

/** A letter of exactly `words` words in several scripts, with paragraphs, under 100,000 characters. */
function longLetter(words: number): string {
  const vocabulary = [
    'I',
    'was',
    'hurt',
    'when',
    'you',
    'said',
    'it —',
    '“yes”,',
    '«да»',
    'λέξη',
    'müde…',
    'ok',
    '🌱',
    'não',
    'ёж',
    '‘so’',
  ];
  const parts: string[] = [];
  for (let i = 0; i < words; i++) {
    const word = vocabulary[i % vocabulary.length] ?? 'ok';
    const end = i === words - 1 ? '' : i % 150 === 149 ? '\n\n' : i % 37 === 36 ? '\n' : ' ';
    parts.push(word + end);
  }
  return parts.join('');
}

describe('POST /api/relationships/:id/letters', () => {
  it('writes a draft with exactly the documented fields, and raises the relationship version', async () => {
    const { client, relationship } = await connected();
    const before = await versionOf(relationship.id);
    const response = await post(client, relationship.id, {
      title: '  After Monday  ',
      body: 'Dear Sam,\n\nI left feeling unseen.',
    });
    expect(response.statusCode, response.body).toBe(201);
    const letter = letterOf(response);
    expect(Object.keys(letter).sort()).toEqual([
      'body',
      'createdAt',
      'id',
      'relationshipId',
      'revision',
      'ruptureId',
      'sentAt',
      'title',
      'updatedAt',
    ]);
    expect(letter).toMatchObject({
      relationshipId: relationship.id,
      ruptureId: null,
      title: 'After Monday',
      body: 'Dear Sam,\n\nI left feeling unseen.',
      revision: 1,
      sentAt: null,
    });
    expect(new Date(letter.createdAt).toISOString()).toBe(letter.createdAt);
    expect(new Date(letter.updatedAt).toISOString()).toBe(letter.updatedAt);
    expect(await stored(letter.id)).toMatchObject({ title: 'After Monday', revision: 1 });
    expect(await versionOf(relationship.id)).toBeGreaterThan(before ?? 0);
  });

  it('takes an empty body, a 200-character title and a 100,000-character body', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    expect((await write(client, relationship.id, { body: '' })).body).toBe('');
    const title = 'T'.repeat(200);
    const body = 'b'.repeat(100_000);
    const letter = await write(client, relationship.id, { title, body });
    expect(letter.title).toBe(title);
    expect((await stored(letter.id))?.body).toBe(body);
  });

  it('links a rupture record of the same relationship', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const ruptureId = await addRupture(relationship.id);
    const letter = await write(client, relationship.id, { ruptureId });
    expect(letter.ruptureId).toBe(ruptureId);
    expect((await write(client, relationship.id, { ruptureId: null })).ruptureId).toBeNull();
  });

  it("refuses a rupture of another relationship, even the same client's, with 400, writing nothing", async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const elsewhere = await buildRelationship(t.app);
    const mineElsewhere = await buildRelationship(t.app, { client });
    for (const ruptureId of [
      await addRupture(elsewhere.relationship.id),
      await addRupture(mineElsewhere.relationship.id),
      randomUUID(),
      relationship.id,
      'nope',
    ]) {
      expectInvalid(await post(client, relationship.id, { title: 'x', body: 'y', ruptureId }), [
        'ruptureId',
      ]);
    }
    expect(await storedFor(relationship.id)).toEqual([]);
  });

  it.each([
    ['an empty title', { title: '' }, 'title'],
    ['a title of spaces', { title: '   ' }, 'title'],
    ['a 201-character title', { title: 'T'.repeat(201) }, 'title'],
    ['a title over two lines', { title: 'One\nTwo' }, 'title'],
    ['a title as a number', { title: 5 }, 'title'],
    ['a title as null', { title: null }, 'title'],
    ['no title', { title: undefined }, 'title'],
    ['no body', { body: undefined }, 'body'],
    ['a body of 100,001 characters', { body: 'b'.repeat(100_001) }, 'body'],
    ['a body as a list', { body: ['Dear Sam'] }, 'body'],
    ['a body with a null character', { body: 'a\u0000b' }, 'body'],
    ['a body with a lone surrogate', { body: 'a\ud800b' }, 'body'],
    ['a rupture id as a number', { ruptureId: 7 }, 'ruptureId'],
    ['a revision', { revision: 3 }, 'revision'],
    ['a sentAt', { sentAt: '2026-03-01T10:00:00Z' }, 'sentAt'],
  ])('refuses %s with 400 naming the field, writing nothing', async (_name, change, field) => {
    const { client, relationship } = await buildRelationship(t.app);
    const payload = { title: 'About Monday', body: 'Dear Sam,', ...change };
    expectInvalid(await post(client, relationship.id, payload), [field]);
    expect(await storedFor(relationship.id)).toEqual([]);
  });

  it('is 404 for the connected therapist, a stranger and another client, writing nothing', async () => {
    const { client, therapist, relationship } = await connected();
    const before = await versionOf(relationship.id);
    for (const outsider of [therapist, stranger, otherClient]) {
      expectNotFound(await post(outsider, relationship.id, { title: 'Mine', body: 'x' }));
    }
    expect(await storedFor(relationship.id)).toEqual([]);
    expect(await versionOf(relationship.id)).toBe(before);
    await write(client, relationship.id);
  });

  it('is 404 for a malformed or unknown relationship, 401 when signed out', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    expectNotFound(await post(client, 'nope', { title: 'x', body: 'y' }));
    expectNotFound(await post(client, randomUUID(), { title: 'x', body: 'y' }));
    expectSignedOut(
      await anonymous(t.app, 'POST', `/api/relationships/${relationship.id}/letters`, {
        title: 'x',
        body: 'y',
      }),
    );
    expect(await storedFor(relationship.id)).toEqual([]);
  });
});

describe('GET /api/relationships/:id/letters and /api/letters/:id', () => {
  it("lists the relationship's letters, most recently changed first, and reads one", async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const other = await buildRelationship(t.app, { client });
    const first = await write(client, relationship.id, { title: 'First' });
    const second = await write(client, relationship.id, { title: 'Second' });
    await write(client, other.relationship.id, { title: 'Elsewhere' });
    const firstAgain = await save(client, first.id, { body: 'Changed.' });

    const response = await list(client, relationship.id);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ items: [firstAgain, second] });
    expect((await getOne(client, second.id)).json()).toEqual({ letter: second });
  });

  it('is 404 for the connected therapist, a stranger and another client; 401 signed out; nothing recorded', async () => {
    const { client, therapist, relationship } = await connected();
    const letter = await write(client, relationship.id, { body: 'Only mine.' });
    const audited = await auditCount(relationship.id);
    for (const outsider of [therapist, stranger, otherClient]) {
      const listed = await list(outsider, relationship.id);
      expectNotFound(listed);
      expect(listed.body).not.toContain('Only mine.');
      expectNotFound(await getOne(outsider, letter.id));
    }
    expectSignedOut(await anonymous(t.app, 'GET', `/api/relationships/${relationship.id}/letters`));
    expectSignedOut(await anonymous(t.app, 'GET', `/api/letters/${letter.id}`));
    expect(await auditCount(relationship.id)).toBe(audited);
  });

  it('is 404 for malformed ids, unknown ids and ids of other things', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    expectNotFound(await list(client, 'nope'));
    expectNotFound(await getOne(client, 'nope'));
    expectNotFound(await getOne(client, randomUUID()));
    expectNotFound(await getOne(client, relationship.id));
    expectNotFound(await getOne(client, await addRupture(relationship.id)));
  });

  it('keeps a 20,000-word letter exactly as written', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const body = `  ${longLetter(20_000)}\r\n\tlast line with trailing spaces   \n\n`;
    expect(body.split(/\s+/).filter(Boolean).length).toBeGreaterThanOrEqual(20_000);
    expect(body.length).toBeLessThanOrEqual(100_000);
    const letter = await write(client, relationship.id, { body });
    expect(letter.body).toBe(body);
    expect(letterOf(await getOne(client, letter.id)).body).toBe(body);
    const changed = `${body}P.S. ✓`;
    expect((await save(client, letter.id, { body: changed, baseRevision: 1 })).body).toBe(changed);
    const listed = (await list(client, relationship.id)).json<{ items: LetterJson[] }>();
    expect(listed.items.map((l) => l.body)).toEqual([changed]);
  });
});

describe('PATCH /api/letters/:id', () => {
  it('saves changes, raising the revision by one each time and the relationship version', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const letter = await write(client, relationship.id);
    const version = await versionOf(relationship.id);
    const retitled = await save(client, letter.id, { title: ' Monday, again ', baseRevision: 1 });
    expect(retitled).toMatchObject({ title: 'Monday, again', body: letter.body, revision: 2 });
    expect(retitled.updatedAt >= letter.updatedAt).toBe(true);
    expect(await versionOf(relationship.id)).toBeGreaterThan(version ?? 0);
    const rewritten = await save(client, letter.id, { body: 'Second draft.' });
    expect(rewritten).toMatchObject({ title: 'Monday, again', body: 'Second draft.', revision: 3 });
    expect(await stored(letter.id)).toMatchObject({ body: 'Second draft.', revision: 3 });
    expect((await getOne(client, letter.id)).json()).toEqual({ letter: rewritten });
  });

  it('is harmless twice: the same body again keeps the revision, whatever baseRevision says', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const letter = await write(client, relationship.id);
    const once = await save(client, letter.id, { body: 'New words.', baseRevision: 1 });
    const version = await versionOf(relationship.id);
    const twice = await save(client, letter.id, { body: 'New words.', baseRevision: 1 });
    expect(once.revision).toBe(2);
    expect(twice).toEqual(once);
    expect(await save(client, letter.id, { body: 'New words.' })).toEqual(once);
    expect(await save(client, letter.id, { title: letter.title, baseRevision: 99 })).toEqual(once);
    expect(await save(client, letter.id, {})).toEqual(once);
    expect(await versionOf(relationship.id)).toBe(version);
    expect((await stored(letter.id))?.revision).toBe(2);
  });

  it('answers 409 letter_changed with the current letter to a save over a newer revision, keeping it', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const letter = await write(client, relationship.id, { body: 'From the first tab.' });
    const elsewhere = await save(client, letter.id, {
      body: 'From the second tab.',
      baseRevision: 1,
    });
    const response = await patch(client, letter.id, {
      body: 'From the first tab, edited.',
      baseRevision: 1,
    });
    expectError(response, 409, 'letter_changed');
    expect(response.json()).toEqual({
      error: { code: 'letter_changed', message: LETTER_CHANGED },
      letter: elsewhere,
    });
    expect(await stored(letter.id)).toMatchObject({ body: 'From the second tab.', revision: 2 });
    const merged = await save(client, letter.id, { body: 'Both, merged.', baseRevision: 2 });
    expect(merged.revision).toBe(3);
  });

  it('lets exactly one of two saves made on the same revision win', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const letter = await write(client, relationship.id);
    const answers = await Promise.all(
      ['Tab one.', 'Tab two.', 'Tab three.'].map((body) =>
        patch(client, letter.id, { body, baseRevision: 1 }),
      ),
    );
    const won = answers.filter((r) => r.statusCode === 200).map(letterOf);
    expect(won).toHaveLength(1);
    expect(answers.filter((r) => r.statusCode === 409)).toHaveLength(2);
    expect(await stored(letter.id)).toMatchObject({ body: won[0]?.body, revision: 2 });
  });

  it('links and unlinks a rupture of the same relationship, and refuses one of another', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const letter = await write(client, relationship.id);
    const ruptureId = await addRupture(relationship.id);
    expect((await save(client, letter.id, { ruptureId })).ruptureId).toBe(ruptureId);
    const unlinked = await save(client, letter.id, { ruptureId: null });
    expect(unlinked).toMatchObject({ ruptureId: null, revision: 3 });
    const foreign = await addRupture((await buildRelationship(t.app)).relationship.id);
    for (const id of [foreign, 'nope', randomUUID()]) {
      expectInvalid(await patch(client, letter.id, { ruptureId: id, body: 'x' }), ['ruptureId']);
    }
    expect(await stored(letter.id)).toMatchObject({ ruptureId: null, revision: 3 });
  });

  it.each([
    ['an empty title', { title: ' ' }, 'title'],
    ['a 201-character title', { title: 'T'.repeat(201) }, 'title'],
    ['a body of 100,001 characters', { body: 'b'.repeat(100_001) }, 'body'],
    ['a body as null', { body: null }, 'body'],
    ['a baseRevision as text', { baseRevision: '1' }, 'baseRevision'],
    ['a baseRevision of 1.5', { baseRevision: 1.5 }, 'baseRevision'],
    ['a revision', { revision: 7 }, 'revision'],
    ['a move to another relationship', { relationshipId: randomUUID() }, 'relationshipId'],
  ])('refuses %s with 400 naming the field, changing nothing', async (_name, payload, field) => {
    const { client, relationship } = await buildRelationship(t.app);
    const letter = await write(client, relationship.id);
    expectInvalid(await patch(client, letter.id, payload), [field]);
    expect((await getOne(client, letter.id)).json()).toEqual({ letter });
  });

  it('is 404 for the connected therapist, a stranger and another client, changing nothing', async () => {
    const { client, therapist, relationship } = await connected();
    const letter = await write(client, relationship.id);
    const version = await versionOf(relationship.id);
    for (const outsider of [therapist, stranger, otherClient]) {
      expectNotFound(await patch(outsider, letter.id, { body: 'Not theirs.' }));
    }
    expect(await stored(letter.id)).toMatchObject({ body: letter.body, revision: 1 });
    expect(await versionOf(relationship.id)).toBe(version);
  });

  it('is 404 for a malformed or unknown id, 401 when signed out', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const letter = await write(client, relationship.id);
    expectNotFound(await patch(client, 'nope', { body: 'x' }));
    expectNotFound(await patch(client, randomUUID(), { body: 'x' }));
    expectSignedOut(await anonymous(t.app, 'PATCH', `/api/letters/${letter.id}`, { body: 'x' }));
    expect((await stored(letter.id))?.body).toBe(letter.body);
  });
});

describe('GET /api/letters/:id/export', () => {
  /** A letter last written on the evening of 2 March 2026 (UTC). */
  async function dated(
    world: { client: Person; relationship: { id: string } },
    title: string,
    body: string,
  ) {
    const letter = await write(world.client, world.relationship.id, { title, body });
    await t.services.db
      .update(letters)
      .set({ updatedAt: new Date('2026-03-02T22:30:00Z') })
      .where(eq(letters.id, letter.id));
    return letter;
  }

  it('gives Markdown: the title as a heading, the date, then the body exactly as written', async () => {
    const world = await buildRelationship(t.app);
    const body =
      'Dear Sam,\n\nWhen you said “we’re out of time” — I froze.\n\n* not a list\n  Robin';
    const letter = await dated(world, 'After Monday: part 2', body);
    const response = await exportAs(world.client, letter.id, 'format=md');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(
      'attachment; filename="after-monday-part-2.md"',
    );
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toBe(`# After Monday: part 2\n\n2 March 2026\n\n${body}\n`);

    const tokyo = await exportAs(world.client, letter.id, 'format=md&timeZone=Asia%2FTokyo');
    expect(tokyo.body).toBe(`# After Monday: part 2\n\n3 March 2026\n\n${body}\n`);
  });

  it('keeps an empty body empty and a closing line break single', async () => {
    const world = await buildRelationship(t.app);
    const empty = await dated(world, 'Nothing yet', '');
    expect((await exportAs(world.client, empty.id, 'format=md')).body).toBe(
      '# Nothing yet\n\n2 March 2026\n',
    );
    const ended = await dated(world, 'Ended', 'Last line.\n');
    expect((await exportAs(world.client, ended.id, 'format=md')).body).toBe(
      '# Ended\n\n2 March 2026\n\nLast line.\n',
    );
  });

  it('names the file after the title, keeping other scripts in filename*', async () => {
    const world = await buildRelationship(t.app);
    const letter = await write(world.client, world.relationship.id, { title: 'Γράμμα — Café' });
    const response = await exportAs(world.client, letter.id, 'format=pdf');
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename="cafe.pdf"; filename*=UTF-8''${encodeURIComponent('γράμμα-café.pdf')}`,
    );
    const meta = await getMeta(new Uint8Array(response.rawPayload));
    expect(meta.info.Title).toBe('Γράμμα — Café');
    const cyrillic = await write(world.client, world.relationship.id, { title: 'Письмо' });
    expect(
      (await exportAs(world.client, cyrillic.id, 'format=md')).headers['content-disposition'],
    ).toBe(`attachment; filename="letter.md"; filename*=UTF-8''${encodeURIComponent('письмо.md')}`);
  });

  it('gives a real PDF that keeps Latin, Greek, Cyrillic and typographic punctuation', async () => {
    const world = await buildRelationship(t.app);
    const title = 'After Monday';
    const body =
      'Dear Sam,\n\nCafé, naïve, Ærøskøbing, Łódź — “quoted” ‘single’ «guillemets» … – ‐\n\nΚαλημέρα σας. Привет, как дела? Ёлка.';
    const letter = await dated(world, title, body);
    const response = await exportAs(world.client, letter.id, 'format=pdf');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    expect(response.headers['content-disposition']).toBe('attachment; filename="after-monday.pdf"');
    const pdf = response.rawPayload;
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.toString('latin1')).toMatch(/\/Title \d+ 0 R/);
    expect(pdf.toString('latin1')).toContain('/FontFile2');

    const document = await getDocumentProxy(new Uint8Array(pdf));
    expect((await getMeta(document)).info).toMatchObject({ Title: title, Creator: 'Attune' });
    const { totalPages, text } = await extractText(document, { mergePages: true });
    expect(totalPages).toBe(1);
    const words = text.replace(/\s+/g, ' ');
    for (const expected of [
      'After Monday',
      '2 March 2026',
      'Dear Sam,',
      'Café, naïve, Ærøskøbing, Łódź — “quoted” ‘single’ «guillemets» … – ‐',
      'Καλημέρα σας. Привет, как дела? Ёлка.',
      '1 / 1',
    ]) {
      expect(words).toContain(expected);
    }
  });

  it('lays a 20,000-word letter over numbered A4 pages', async () => {
    const world = await buildRelationship(t.app);
    const letter = await dated(world, 'The long one', longLetter(20_000));
    const response = await exportAs(world.client, letter.id, 'format=pdf');
    expect(response.statusCode).toBe(200);
    const pdf = response.rawPayload;
    const raw = pdf.toString('latin1');
    const pages = raw.match(/\/Type \/Page\b(?!s)/g)?.length ?? 0;
    expect(pages).toBeGreaterThan(15);
    expect(raw).toMatch(/\/MediaBox \[0 0 595\.2\d* 841\.8\d*\]/);

    const document = await getDocumentProxy(new Uint8Array(pdf));
    const { totalPages, text } = await extractText(document);
    expect(totalPages).toBe(pages);
    expect(text[pages - 1]).toContain(`${pages} / ${pages}`);
    expect(text.join(' ')).toContain('λέξη');
  });

  it('lays out long runs without spaces (a link, a held-down key) without running out of memory', async () => {
    const world = await buildRelationship(t.app);
    const run = 'x'.repeat(50_000);
    const joined = 'word\u00a0'.repeat(8_000);
    const letter = await dated(world, 'W'.repeat(200), `${run}\n\n${joined}`);
    const response = await exportAs(world.client, letter.id, 'format=pdf');
    expect(response.statusCode).toBe(200);
    const document = await getDocumentProxy(new Uint8Array(response.rawPayload));
    const { totalPages, text } = await extractText(document, { mergePages: true });
    expect(totalPages).toBeGreaterThan(5);
    expect(text.replace(/[\s\u200b]/g, '')).toContain('x'.repeat(1_000));
  });

  it('refuses an unknown or missing format and an unknown time zone with 400', async () => {
    const world = await buildRelationship(t.app);
    const letter = await write(world.client, world.relationship.id);
    expectInvalid(await exportAs(world.client, letter.id, 'format=docx'), ['format']);
    expectInvalid(await exportAs(world.client, letter.id, ''), ['format']);
    expectInvalid(await exportAs(world.client, letter.id, 'format=md&timeZone=Mars%2FOlympus'), [
      'timeZone',
    ]);
    expectInvalid(await exportAs(world.client, letter.id, 'format=md&inline=1'), ['inline']);
  });

  it('is 404 for the connected therapist, a stranger, another client and malformed ids; 401 signed out', async () => {
    const { client, therapist, relationship } = await connected();
    const letter = await write(client, relationship.id, { body: 'Only mine.' });
    for (const outsider of [therapist, stranger, otherClient]) {
      for (const format of ['md', 'pdf']) {
        const response = await exportAs(outsider, letter.id, `format=${format}`);
        expectNotFound(response);
        expect(response.body).not.toContain('Only mine.');
      }
    }
    expectNotFound(await exportAs(client, 'nope', 'format=md'));
    expectNotFound(await exportAs(client, randomUUID(), 'format=pdf'));
    expectSignedOut(await anonymous(t.app, 'GET', `/api/letters/${letter.id}/export?format=md`));
  });

  it('writes nothing: no revision, no version, no audit', async () => {
    const { client, relationship } = await connected();
    const letter = await write(client, relationship.id);
    const version = await versionOf(relationship.id);
    const audited = await auditCount(relationship.id);
    await exportAs(client, letter.id, 'format=md');
    await exportAs(client, letter.id, 'format=pdf');
    await list(client, relationship.id);
    await getOne(client, letter.id);
    expect(await versionOf(relationship.id)).toBe(version);
    expect(await auditCount(relationship.id)).toBe(audited);
    expect((await getOne(client, letter.id)).json()).toEqual({ letter });
  });
});

describe('the OpenAPI description', () => {
  it('describes the letter routes under the letters tag, the export as Markdown or PDF', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    const paths = response.json<{
      paths: Record<
        string,
        Record<string, { tags?: string[]; responses: Record<string, { content?: object }> }>
      >;
    }>().paths;
    expect(paths['/api/relationships/{id}/letters']?.post?.tags).toEqual(['letters']);
    expect(paths['/api/letters/{id}']?.patch?.responses['409']).toBeDefined();
    expect(
      Object.keys(paths['/api/letters/{id}/export']?.get?.responses['200']?.content ?? {}),
    ).toEqual(['text/markdown', 'application/pdf']);
  });
});
