import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { auditEvents, users } from '../../db/schema.ts';
import { buildClient, buildTherapist, type Person, sessionCookieOf } from '../../test/factories.ts';
import { startTestApp, type TestApp } from '../../test/harness.ts';
import {
  anonymous,
  buildRelationship,
  daysFromNow,
  expectInvalid,
  expectSignedOut,
} from '../../test/world.ts';
import type { AuditList } from './schema.ts';

type ListJson = z.infer<typeof AuditList>;
type EventJson = ListJson['items'][number];

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

const listRaw = (person: Person, query = '') =>
  person.request({ method: 'GET', url: `/api/me/audit${query}` });
async function list(person: Person, query = '') {
  const response = await listRaw(person, query);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<ListJson>();
}
/** Every event of the person, page by page of `limit`, following the cursors to the end. */
async function all(person: Person, limit: number) {
  const pages: EventJson[][] = [];
  let cursor: string | null = null;
  do {
    const query: string = `?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = await list(person, query);
    expect(page.items.length).toBeLessThanOrEqual(limit);
    pages.push(page.items);
    cursor = page.nextCursor;
  } while (cursor && pages.length < 100);
  return pages;
}
const get = async (person: Person, url: string) => {
  const response = await person.request({ method: 'GET', url });
  expect(response.statusCode, response.body).toBe(200);
};
/** A shared rupture the client wrote, which the therapist may read. */
async function sharedRupture(client: Person, relationshipId: string) {
  const response = await client.request({
    method: 'POST',
    url: `/api/relationships/${relationshipId}/ruptures`,
    payload: {
      title: 'The shoes',
      occurredAt: daysFromNow(-2),
      whatHappened: 'A remark about my shoes.',
      intensity: 2,
      visibility: 'shared',
    },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ rupture: { id: string } }>().rupture;
}
/** Writes audit rows directly, at the given moments (ISO, up to the microsecond). */
async function rowsAt(subject: Person, actorId: string | null, moments: string[]) {
  const ids: string[] = [];
  for (const [i, at] of moments.entries()) {
    const id = randomUUID();
    ids.push(id);
    await t.services.db.execute(
      sql`insert into audit_events (id, at, actor_id, subject_user_id, action, subject_type, subject_id)
          values (${id}::uuid, ${at}::timestamptz, ${actorId}::uuid, ${subject.id}::uuid, 'read', 'checkin', ${`c${i}`})`,
    );
  }
  return ids;
}

describe('GET /api/me/audit', () => {
  it('answers 401 when signed out', async () => {
    expectSignedOut(await anonymous(t.app, 'GET', '/api/me/audit'));
    expectSignedOut(await anonymous(t.app, 'GET', '/api/me/audit?limit=1'));
  });

  it('shows each person only the reads of their own data, by whom, in words the web can use', async () => {
    const therapistA = await buildTherapist(t.app, 'Dr. Lee');
    const therapistB = await buildTherapist(t.app, 'Dr. Okafor');
    const one = await buildRelationship(t.app, {
      mode: 'connected',
      clientName: 'Robin',
      therapist: therapistA,
    });
    const two = await buildRelationship(t.app, {
      mode: 'connected',
      clientName: 'Kim',
      therapist: therapistA,
    });
    const three = await buildRelationship(t.app, {
      mode: 'connected',
      client: two.client,
      therapist: therapistB,
    });
    const rupture = await sharedRupture(one.client, one.relationship.id);

    await get(therapistA, `/api/relationships/${one.relationship.id}/page`);
    await get(therapistA, `/api/ruptures/${rupture.id}`);
    await get(therapistA, `/api/relationships/${two.relationship.id}/checkins`);
    await get(therapistB, `/api/relationships/${three.relationship.id}/messages`);
    // Reading your own data is not an event for anyone.
    await get(one.client, `/api/relationships/${one.relationship.id}/page`);
    await get(one.client, `/api/ruptures/${rupture.id}`);

    const robin = await list(one.client);
    expect(robin.nextCursor).toBeNull();
    const dr = { id: therapistA.id, displayName: 'Dr. Lee', role: 'therapist' };
    expect(robin.items).toEqual([
      {
        at: expect.any(String),
        actor: dr,
        action: 'read',
        subjectType: 'rupture',
        subjectId: rupture.id,
        relationshipId: one.relationship.id,
      },
      {
        at: expect.any(String),
        actor: dr,
        action: 'read',
        subjectType: 'relationship-page',
        subjectId: null,
        relationshipId: one.relationship.id,
      },
      {
        at: expect.any(String),
        actor: dr,
        action: 'connect',
        subjectType: 'relationship',
        subjectId: one.relationship.id,
        relationshipId: one.relationship.id,
      },
    ]);

    const kim = await list(two.client);
    expect(kim.items.map((e) => [e.actor?.displayName, e.action, e.subjectType])).toEqual([
      ['Dr. Okafor', 'read', 'messages'],
      ['Dr. Lee', 'read', 'checkins'],
      ['Dr. Okafor', 'connect', 'relationship'],
      ['Dr. Lee', 'connect', 'relationship'],
    ]);
    for (const event of kim.items) {
      expect([two.relationship.id, three.relationship.id]).toContain(event.relationshipId);
    }

    // The therapists read; nobody read theirs.
    expect(await list(therapistA)).toEqual({ items: [], nextCursor: null });
    expect(await list(therapistB)).toEqual({ items: [], nextCursor: null });
    // Someone with no relationship at all sees nothing of anyone's.
    const stranger = await buildClient(t.app, 'Sasha');
    expect(await list(stranger)).toEqual({ items: [], nextCursor: null });

    // No email or other detail of the reader leaves the server.
    const raw = (await listRaw(one.client)).body;
    expect(raw).not.toContain(therapistA.email);
    expect(raw).not.toContain('@');
  });

  it('lists newest first, the same moment ordered by id, never another person’s rows', async () => {
    const client = await buildClient(t.app);
    const other = await buildClient(t.app);
    const reader = await buildTherapist(t.app);
    const early = await rowsAt(client, reader.id, ['2026-03-01T10:00:00.000001Z']);
    const tied = await rowsAt(client, reader.id, [
      '2026-03-02T10:00:00.5Z',
      '2026-03-02T10:00:00.5Z',
      '2026-03-02T10:00:00.5Z',
    ]);
    const late = await rowsAt(client, reader.id, ['2026-03-03T09:00:00Z']);
    await rowsAt(other, reader.id, ['2026-03-02T12:00:00Z', '2026-03-04T12:00:00Z']);

    const { items } = await list(client);
    expect(items.map((e) => e.at)).toEqual([
      '2026-03-03T09:00:00.000Z',
      '2026-03-02T10:00:00.500Z',
      '2026-03-02T10:00:00.500Z',
      '2026-03-02T10:00:00.500Z',
      '2026-03-01T10:00:00.000Z',
    ]);
    const tiedSubjects = items.slice(1, 4).map((e) => e.subjectId);
    const byId = [...tied].sort().reverse();
    expect(tiedSubjects).toEqual(byId.map((id) => `c${tied.indexOf(id)}`));
    expect(early).toHaveLength(1);
    expect(late).toHaveLength(1);
    expect((await list(other)).items).toHaveLength(2);
  });

  it('pages through every event once, across ties and microseconds, without gaps', async () => {
    const client = await buildClient(t.app);
    const other = await buildClient(t.app);
    const reader = await buildTherapist(t.app);
    // Moments that differ below the millisecond, and several at one moment, make page edges hard.
    const moments = [
      '2026-04-01T08:00:00.123000Z',
      '2026-04-01T08:00:00.123400Z',
      '2026-04-01T08:00:00.123456Z',
      '2026-04-01T08:00:00.123456Z',
      '2026-04-01T08:00:00.123457Z',
      '2026-04-01T08:00:00.124Z',
      '2026-04-02T08:00:00Z',
      '2026-04-02T08:00:00Z',
      '2026-04-02T08:00:00Z',
      '2026-04-03T08:00:00Z',
      '2026-04-04T08:00:00Z',
    ];
    await rowsAt(client, reader.id, moments);
    await rowsAt(other, reader.id, moments);
    const whole = (await list(client)).items;
    expect(whole).toHaveLength(moments.length);
    for (const limit of [1, 2, 3, 4, 5, 11, 12]) {
      const pages = await all(client, limit);
      const seen = pages.flat();
      expect(seen).toEqual(whole);
      expect(new Set(seen.map((e) => e.subjectId)).size).toBe(moments.length);
      expect(pages.length).toBe(Math.max(1, Math.ceil(moments.length / limit)));
    }
    // The last page says there is nothing more.
    const exact = await list(client, `?limit=${moments.length}`);
    expect(exact.nextCursor).toBeNull();
    const first = await list(client, '?limit=4');
    expect(first.nextCursor).toEqual(expect.any(String));
    // Another person's cursor only ever pages through the caller's own rows.
    const borrowed = await list(other, `?cursor=${encodeURIComponent(first.nextCursor!)}`);
    expect(borrowed.items.length).toBeGreaterThan(0);
    const otherIds = new Set((await list(other)).items.map((e) => JSON.stringify(e)));
    for (const event of borrowed.items) expect(otherIds.has(JSON.stringify(event))).toBe(true);
  });

  it('uses 50 by default and allows at most 200', async () => {
    const client = await buildClient(t.app);
    const reader = await buildTherapist(t.app);
    const base = Date.parse('2026-05-01T00:00:00Z');
    await t.services.db.insert(auditEvents).values(
      Array.from({ length: 205 }, (_, i) => ({
        id: randomUUID(),
        at: new Date(base + i * 1000),
        actorId: reader.id,
        subjectUserId: client.id,
        action: 'read',
        subjectType: 'checkins',
        subjectId: null,
      })),
    );
    const first = await list(client);
    expect(first.items).toHaveLength(50);
    expect(first.nextCursor).toEqual(expect.any(String));
    const most = await list(client, '?limit=200');
    expect(most.items).toHaveLength(200);
    const rest = await list(client, `?limit=200&cursor=${encodeURIComponent(most.nextCursor!)}`);
    expect(rest.items).toHaveLength(5);
    expect(rest.nextCursor).toBeNull();
  });

  it('names nobody when the reader’s account has been erased', async () => {
    const client = await buildClient(t.app);
    const reader = await buildTherapist(t.app, 'Dr. Gone');
    await rowsAt(client, reader.id, ['2026-06-01T08:00:00Z']);
    // As erasure does it: the audit trail refuses changes outside a declared erasure.
    await t.services.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('attune.erasure', 'on', true)`);
      await tx.delete(users).where(eq(users.id, reader.id));
    });
    const { items } = await list(client);
    expect(items).toEqual([expect.objectContaining({ actor: null, action: 'read' })]);
  });

  const bogus = (text: string) => Buffer.from(text).toString('base64url');
  it.each([
    ['a limit of 0', '?limit=0', 'limit'],
    ['a limit over 200', '?limit=201', 'limit'],
    ['a limit as words', '?limit=many', 'limit'],
    ['a fractional limit', '?limit=2.5', 'limit'],
    ['a cursor that is not one', '?cursor=not-a-cursor', 'cursor'],
    ['a cursor with a bad time', `?cursor=${bogus(`2026-13-45|${randomUUID()}`)}`, 'cursor'],
    ['a cursor with a bad id', `?cursor=${bogus('2026-04-01T08:00:00.000000Z|abc')}`, 'cursor'],
    [
      'a cursor with extra parts',
      `?cursor=${bogus(`2026-04-01T08:00:00.000000Z|${randomUUID()}|x`)}`,
      'cursor',
    ],
    ['a cursor that is too long', `?cursor=${'a'.repeat(201)}`, 'cursor'],
    ['an unknown parameter', '?after=1', 'after'],
  ])('refuses %s with 400', async (_name, query, field) => {
    const client = await buildClient(t.app);
    expectInvalid(await listRaw(client, query), [field]);
  });

  it('is described in the OpenAPI document under privacy', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    const doc = response.json<{ paths: Record<string, { get?: { tags?: string[] } }> }>();
    expect(doc.paths['/api/me/audit']?.get?.tags).toEqual(['privacy']);
  });
});

describe('sign-in events in the audit trail', () => {
  const login = (person: Person, password = person.password) =>
    t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: person.email, password },
    });
  const actions = async (person: Person, query: string) =>
    (await list(person, query)).items.map((e) => [e.action, e.subjectType, e.actor?.id ?? null]);

  it('records sign-ins, failed attempts and sign-outs for the person, who alone sees them', async () => {
    const person = await buildClient(t.app);
    const other = await buildClient(t.app);
    expect((await login(person, 'not my password at all')).statusCode).toBe(401);
    const signedIn = await login(person);
    expect(signedIn.statusCode).toBe(200);
    const cookie = sessionCookieOf(signedIn.headers['set-cookie']);
    const out = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie },
      payload: {},
    });
    expect(out.statusCode).toBe(204);
    expect(await actions(person, '?kind=account')).toEqual([
      ['sign-out', 'account', person.id],
      ['sign-in', 'account', person.id],
      ['sign-in-failed', 'account', person.id],
    ]);
    // Reads by others and sign-ins are told apart; nobody else sees them.
    expect(await actions(person, '?kind=records')).toEqual([]);
    expect(await actions(other, '')).toEqual([]);
  });

  it('records nothing for an email without an account', async () => {
    const before = await t.services.db.select({ id: auditEvents.id }).from(auditEvents);
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: `nobody-${randomUUID()}@example.test`, password: 'whatever it is 123' },
    });
    expect(response.statusCode).toBe(401);
    const after = await t.services.db.select({ id: auditEvents.id }).from(auditEvents);
    expect(after.length).toBe(before.length);
  });

  it('records a password change and ended sign-ins', async () => {
    const person = await buildClient(t.app);
    const changed = await person.request({
      method: 'PUT',
      url: '/api/me/password',
      payload: { currentPassword: person.password, newPassword: 'another long passphrase 7' },
    });
    expect(changed.statusCode, changed.body).toBe(204);
    const cookie = sessionCookieOf(changed.headers['set-cookie']);
    const everywhere = await t.app.inject({
      method: 'POST',
      url: '/api/me/sessions/sign-out-everywhere',
      headers: { cookie },
      payload: {},
    });
    expect(everywhere.statusCode).toBe(204);
    const events = await t.app.inject({
      method: 'GET',
      url: '/api/me/audit?kind=account',
      headers: { cookie },
    });
    expect(events.json<ListJson>().items.map((e) => e.action)).toEqual([
      'signed-out-everywhere',
      'password-changed',
    ]);
  });

  it('refuses an unknown kind with 400', async () => {
    const person = await buildClient(t.app);
    const response = await listRaw(person, '?kind=everything');
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toHaveProperty('kind');
  });
});

describe('the audit trail is append-only', () => {
  it('refuses UPDATE, DELETE and TRUNCATE of audit rows outside an erasure', async () => {
    const client = await buildClient(t.app);
    const reader = await buildTherapist(t.app);
    await rowsAt(client, reader.id, ['2026-06-02T08:00:00Z']);
    const db = t.services.db;
    await expect(db.execute(sql`update audit_events set action = 'nothing'`)).rejects.toThrow();
    await expect(db.execute(sql`delete from audit_events`)).rejects.toThrow();
    await expect(db.execute(sql`truncate audit_events`)).rejects.toThrow();
    const { items } = await list(client);
    expect(items).toEqual([expect.objectContaining({ action: 'read' })]);
  });
});
