import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantModerator } from '../community/moderators.ts';
import { openDatabase } from '../db/client.ts';
import { SEALED_COLUMNS } from '../db/schema.ts';
import { buildClient, type Person } from '../test/factories.ts';
import {
  databaseKind,
  type FreshDatabase,
  freshDatabase,
  startTestApp,
  type TestApp,
} from '../test/harness.ts';
import { addAppointment, buildRelationship, checkIn, daysFromNow } from '../test/world.ts';
import { SEALED_PREFIX } from './cipher.ts';
import { sealedTables } from './reseal.ts';

/**
 * "The database files and a pg_dump contain none of that text in plain": every sealed column
 * gets a word nobody else writes, through the API where one writes it and through Drizzle for
 * the rest; then the data directory (PGlite) or a pg_dump (PostgreSQL) is searched for those
 * words, beside a word in an unsealed column that must be found, so the search can fail.
 */

let t: TestApp;
let fresh: FreshDatabase;
let dataDir: string | undefined;

beforeAll(async () => {
  if (databaseKind === 'pglite') {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'attune-at-rest-'));
    const database = await openDatabase({ databaseUrl: undefined, dataDir });
    fresh = { database, url: undefined, drop: () => database.close() };
  } else {
    fresh = await freshDatabase();
  }
  t = await startTestApp({ fresh });
});

afterAll(async () => {
  await t?.close();
  await fresh?.drop().catch(() => {});
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

const tag = randomUUID().slice(0, 8);
/** Every word written; those written through the API are overwritten later, but not in the WAL. */
const written: string[] = [];
const word = (what: string) => {
  const w = `PLAIN${tag}${what.replace(/[^a-z]/gi, '')}`;
  written.push(w);
  return w;
};

const post = async (person: Person, url: string, payload: object, status = 201) => {
  const response = await person.request({ method: 'POST', url, payload });
  expect(response.statusCode, `${url}: ${response.body}`).toBe(status);
  return response.json();
};

/** A connected relationship with a row in every table that has sealed columns. */
async function writeEverything() {
  const { client, therapist, relationship } = await buildRelationship(t.app, {
    mode: 'connected',
    therapistName: `CONTROL${tag}`,
  });
  const rel = relationship.id;
  const past = await addAppointment(client, rel, { startsAt: daysFromNow(-7) });
  await checkIn(client, past.id, { note: word('checkin api') });
  const part = (await post(client, '/api/parts', { name: word('part api') })).part;
  const rupture = (
    await post(client, `/api/relationships/${rel}/ruptures`, {
      title: word('rupture title api'),
      occurredAt: daysFromNow(-6),
      whatHappened: word('what happened api'),
      intensity: 3,
      partIds: [part.id],
      visibility: 'shared',
    })
  ).rupture;
  await post(therapist, `/api/ruptures/${rupture.id}/repairs`, {
    at: daysFromNow(-5),
    kind: 'therapist-explained',
    by: 'therapist',
    note: word('repair api'),
  });
  await post(client, `/api/relationships/${rel}/letters`, {
    title: word('letter title api'),
    body: word('letter body api'),
  });
  await post(client, `/api/relationships/${rel}/good-moments`, {
    at: daysFromNow(-3),
    text: word('moment api'),
  });
  await post(client, `/api/relationships/${rel}/agenda`, { text: word('agenda api') });
  const agreement = await therapist.request({
    method: 'PUT',
    url: `/api/relationships/${rel}/agreement`,
    payload: {
      replyTimeHours: 48,
      contact: word('contact api'),
      availability: 'Weekdays.',
      scheduling: 'Weekly.',
      roomRules: '',
      emergency: 'Call 112.',
    },
  });
  expect(agreement.statusCode, agreement.body).toBe(201);
  await post(client, `/api/relationships/${rel}/messages`, { body: word('message api') });
  await post(therapist, '/api/time-off', {
    from: daysFromNow(30),
    to: daysFromNow(37),
    note: word('time off api'),
  });
  await post(client, `/api/relationships/${rel}/appointment-requests`, {
    options: [{ startsAt: daysFromNow(10), durationMinutes: 50 }],
    note: word('request api'),
  });
  // The community: a profile with a bio and mute words, an anonymous ask (title, content
  // warning; sealed asker, the asker's own list) and its answer, an at-risk report with a note
  // (a care notification), a suspension with a reason (notification and moderation log).
  const moderator = await buildClient(t.app, `Mod-${tag}`);
  await grantModerator(t.services.db, moderator.email);
  const profile = (p: Person, pseudonym: string) =>
    p.request({
      method: 'PUT',
      url: '/api/community/profile',
      payload: { pseudonym, askBoxOpen: true, allowAnonymous: true, bio: word(`bio ${pseudonym}`) },
    });
  expect((await profile(client, `asker${tag}`)).statusCode).toBe(200);
  expect((await profile(therapist, `answerer${tag}`)).statusCode).toBe(200);
  const muted = await client.request({
    method: 'PUT',
    url: '/api/community/mute-words',
    payload: { words: [word('muteword')] },
  });
  expect(muted.statusCode, muted.body).toBe(200);
  const ask = (
    await post(client, '/api/community/questions', {
      title: word('ask title api'),
      body: word('ask body api'),
      contentWarning: word('ask warning api'),
      to: `answerer${tag}`,
      anonymous: true,
    })
  ).question;
  await post(therapist, `/api/community/questions/${ask.id}/answers`, {
    body: word('answer body api'),
    contentWarning: word('answer warning api'),
  });
  await post(therapist, '/api/community/reports', {
    targetType: 'question',
    targetId: ask.id,
    reason: 'at-risk',
    note: word('report note api'),
  });
  const suspended = await moderator.request({
    method: 'POST',
    url: '/api/community/moderation/actions',
    payload: {
      targetType: 'profile',
      targetId: `answerer${tag}`,
      action: 'suspend',
      reason: word('moderation reason api'),
    },
  });
  expect(suspended.statusCode, suspended.body).toBe(200);
  return { client, rel };
}

/** Gives every sealed column of one row of its table a word of its own, through Drizzle. */
async function markEveryColumn(): Promise<void> {
  for (const { table, name, id, columns } of sealedTables()) {
    const [row] = (await t.services.db.select({ id }).from(table).limit(1)) as { id: string }[];
    expect(row, `a row in ${name}`).toBeDefined();
    const values: Record<string, unknown> = {};
    for (const [key, column] of columns) {
      const marker = word(`${name} ${column.name}`);
      values[key] = key === 'rules' ? [{ text: marker, appliesTo: 'both' }] : marker;
    }
    await t.services.db.update(table).set(values).where(eq(id, row!.id));
  }
}

/** Every file under a directory, whole. */
function filesUnder(dir: string): Buffer[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).flatMap((entry) => {
    if (!entry.isFile()) return [];
    return [fs.readFileSync(path.join(entry.parentPath, entry.name))];
  });
}

describe('encryption at rest', () => {
  let world: Awaited<ReturnType<typeof writeEverything>>;

  beforeAll(async () => {
    world = await writeEverything();
    await markEveryColumn();
  });

  it('covers every column the schema seals, in every table that has one', () => {
    const listed = sealedTables().flatMap(({ name, columns }) =>
      columns.map(([, column]) => `${name}.${column.name}`),
    );
    expect(listed.sort()).toEqual([...SEALED_COLUMNS].sort());
    expect(listed).toEqual(
      expect.arrayContaining([
        'ruptures.what_happened',
        'repairs.note',
        'checkins.note',
        'letters.body',
        'messages.body',
        'good_moments.text',
        'parts.name',
        'agenda_items.text',
      ]),
    );
  });

  it('stores every value of a sealed column sealed, and the API still reads it', async () => {
    for (const { name, columns } of sealedTables()) {
      for (const [, column] of columns as [string, PgColumn][]) {
        const result = await t.services.db.execute(
          sql.raw(
            `select "${column.name}"::text as value from "${name}" where "${column.name}" is not null`,
          ),
        );
        const values = (result as unknown as { rows: { value: string }[] }).rows.map(
          (r) => r.value,
        );
        expect(values.length, `${name}.${column.name} has values`).toBeGreaterThan(0);
        for (const value of values) expect(value.startsWith(SEALED_PREFIX)).toBe(true);
      }
    }
    const messages = await world.client.request({
      method: 'GET',
      url: `/api/relationships/${world.rel}/messages`,
    });
    expect(messages.body).toContain(word('messages body'));
    const parts = await world.client.request({ method: 'GET', url: '/api/parts' });
    expect(parts.body).toContain(word('parts name'));
  });

  it('leaves none of the text in plain in the database files or a dump', async () => {
    const control = `CONTROL${tag}`;
    let haystacks: Buffer[];
    if (databaseKind === 'pglite') {
      // Closing writes everything out; the search is of the files as a stolen disk holds them.
      await t.close();
      await fresh.database.close();
      haystacks = filesUnder(dataDir!);
    } else {
      const dump = spawnSync('pg_dump', ['--no-owner', fresh.url!], { encoding: 'buffer' });
      expect(dump.status, String(dump.stderr)).toBe(0);
      haystacks = [dump.stdout];
    }
    const found = (needle: string) => haystacks.some((file) => file.includes(needle));
    expect(found(control), 'the unsealed control word is found').toBe(true);
    expect(found(SEALED_PREFIX), 'sealed values are found').toBe(true);
    const plain = [...new Set(written)].filter(found);
    expect(plain).toEqual([]);
  });
});
