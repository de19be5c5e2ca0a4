import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invites, relationships } from '../../db/schema.ts';
import { buildClient, buildTherapist, type Person } from '../../test/factories.ts';
import { startTestApp, type TestApp } from '../../test/harness.ts';
import {
  accept,
  addAppointment,
  anonymous,
  auditRowsOf,
  buildRelationship,
  type CheckinJson,
  checkIn,
  connect,
  daysFromNow,
  expectError,
  expectInvalid,
  expectNotFound,
  expectSignedOut,
  invite,
  type RelationshipJson,
  someAddress,
} from '../../test/world.ts';

let t: TestApp;
/** Outsiders with worlds of their own: a therapist connected elsewhere, and another client. */
let stranger: Person;
let otherClient: Person;

beforeAll(async () => {
  t = await startTestApp();
  stranger = (await buildRelationship(t.app, { mode: 'connected' })).therapist;
  otherClient = (await buildRelationship(t.app)).client;
});
afterAll(async () => {
  await t?.close();
});

const CODE = /^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/;
const DAY = 86_400_000;

const get = (person: Person, id: string) =>
  person.request({ method: 'GET', url: `/api/relationships/${id}` });
const list = async (person: Person) => {
  const response = await person.request({ method: 'GET', url: '/api/relationships' });
  expect(response.statusCode).toBe(200);
  return response.json<{ items: RelationshipJson[] }>().items;
};
const patch = (person: Person, id: string, payload: object) =>
  person.request({ method: 'PATCH', url: `/api/relationships/${id}`, payload });
const postInvite = (person: Person, id: string, payload: object = {}) =>
  person.request({ method: 'POST', url: `/api/relationships/${id}/invites`, payload });
const stored = async (id: string) => {
  const [row] = await t.services.db.select().from(relationships).where(eq(relationships.id, id));
  return row!;
};
const invitesOf = (id: string) =>
  t.services.db.select().from(invites).where(eq(invites.relationshipId, id));

describe('POST /api/relationships', () => {
  it('records a solo relationship for the client, with exactly the documented fields', async () => {
    const client = await buildClient(t.app);
    const response = await client.request({
      method: 'POST',
      url: '/api/relationships',
      payload: { therapistName: '  Dr. Lee  ' },
    });
    expect(response.statusCode).toBe(201);
    const { relationship } = response.json<{ relationship: RelationshipJson }>();
    expect(Object.keys(relationship).sort()).toEqual([
      'clientId',
      'createdAt',
      'id',
      'mode',
      'sensitivity',
      'status',
      'therapistId',
      'therapistName',
    ]);
    expect(relationship).toMatchObject({
      clientId: client.id,
      therapistId: null,
      therapistName: 'Dr. Lee',
      mode: 'solo',
      status: 'active',
      sensitivity: 'standard',
    });
    expect(new Date(relationship.createdAt).toISOString()).toBe(relationship.createdAt);
    expect((await get(client, relationship.id)).json()).toEqual({ relationship });
  });

  it('is for clients: a therapist gets 404 and nothing is recorded', async () => {
    const therapist = await buildTherapist(t.app);
    const response = await therapist.request({
      method: 'POST',
      url: '/api/relationships',
      payload: { therapistName: 'Myself' },
    });
    expectNotFound(response);
    const all = await t.services.db
      .select()
      .from(relationships)
      .where(eq(relationships.clientId, therapist.id));
    expect(all).toEqual([]);
  });

  it('answers 401 when signed out', async () => {
    expectSignedOut(await anonymous(t.app, 'POST', '/api/relationships', { therapistName: 'Sam' }));
  });

  it.each([
    ['a missing name', {}, ['therapistName']],
    ['a blank name', { therapistName: '   ' }, ['therapistName']],
    ['a name over 200 characters', { therapistName: 'x'.repeat(201) }, ['therapistName']],
    ['a name that is not text', { therapistName: 7 }, ['therapistName']],
    ['an unknown field', { therapistName: 'Sam', mode: 'connected' }, ['mode']],
    ['a therapist id', { therapistName: 'Sam', therapistId: 'x' }, ['therapistId']],
  ])('refuses %s with 400 naming the field', async (_name, payload, fields) => {
    const client = await buildClient(t.app);
    const response = await client.request({ method: 'POST', url: '/api/relationships', payload });
    expectInvalid(response, fields);
    expect(await list(client)).toEqual([]);
  });

  it('accepts a name of exactly 200 characters', async () => {
    const client = await buildClient(t.app);
    const response = await client.request({
      method: 'POST',
      url: '/api/relationships',
      payload: { therapistName: 'x'.repeat(200) },
    });
    expect(response.statusCode).toBe(201);
  });
});

describe('GET /api/relationships', () => {
  it("lists only the caller's relationships, active ones first, newest first", async () => {
    const client = await buildClient(t.app);
    const create = async (therapistName: string) =>
      (await buildRelationship(t.app, { client, therapistName })).relationship;
    const first = await create('First');
    const second = await create('Second');
    const third = await create('Third');
    expectNotFound(await patch(otherClient, first.id, { status: 'ended' }));
    expect((await patch(client, second.id, { status: 'ended' })).statusCode).toBe(200);
    const items = await list(client);
    expect(items.map((r) => r.therapistName)).toEqual(['Third', 'First', 'Second']);
    expect(items.map((r) => r.id)).toEqual([third.id, first.id, second.id]);
    const others = await list(otherClient);
    expect(others.map((r) => r.id)).not.toContain(first.id);
    expect(others.every((r) => r.clientId === otherClient.id)).toBe(true);
  });

  it('lists for a therapist only the relationships they joined, not one they were merely invited to', async () => {
    const { therapist, relationship } = await buildRelationship(t.app, { mode: 'connected' });
    const pending = await buildRelationship(t.app);
    await invite(pending.client, pending.relationship.id);
    const items = await list(therapist);
    expect(items.map((r) => r.id)).toEqual([relationship.id]);
    expect(items[0]).toMatchObject({ mode: 'connected', therapistId: therapist.id });
  });

  it('lists nothing for someone new', async () => {
    expect(await list(await buildTherapist(t.app))).toEqual([]);
    expect(await list(await buildClient(t.app))).toEqual([]);
  });

  it('answers 401 when signed out', async () => {
    expectSignedOut(await anonymous(t.app, 'GET', '/api/relationships'));
  });
});

describe('GET /api/relationships/:id', () => {
  it('answers its members: the client, and the therapist once connected', async () => {
    const { client, therapist, relationship } = await buildRelationship(t.app, {
      mode: 'connected',
    });
    for (const member of [client, therapist]) {
      const response = await get(member, relationship.id);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ relationship });
    }
  });

  it('is 404 for a stranger therapist, another client, and a therapist holding an unused invite', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const invited = await buildTherapist(t.app);
    await invite(client, relationship.id);
    for (const outsider of [stranger, otherClient, invited]) {
      expectNotFound(await get(outsider, relationship.id));
    }
  });

  it('is 404 for an id that is not an id, or that does not exist', async () => {
    const { client } = await buildRelationship(t.app);
    expectNotFound(await get(client, 'nope'));
    expectNotFound(await get(client, '00000000-0000-4000-8000-000000000000'));
    expectNotFound(await get(client, "1' or '1'='1"));
  });

  it('answers 401 when signed out, before saying whether it exists', async () => {
    const { relationship } = await buildRelationship(t.app);
    expectSignedOut(await anonymous(t.app, 'GET', `/api/relationships/${relationship.id}`));
    expectSignedOut(await anonymous(t.app, 'GET', '/api/relationships/nope'));
  });
});

describe('PATCH /api/relationships/:id', () => {
  it("changes the therapist's name and the sensitivity", async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const response = await patch(client, relationship.id, {
      therapistName: 'Dr. Sam Lee',
      sensitivity: 'sensitive',
    });
    expect(response.statusCode).toBe(200);
    const changed = response.json<{ relationship: RelationshipJson }>().relationship;
    expect(changed).toEqual({
      ...relationship,
      therapistName: 'Dr. Sam Lee',
      sensitivity: 'sensitive',
    });
    expect((await get(client, relationship.id)).json()).toEqual({ relationship: changed });
    const back = await patch(client, relationship.id, { sensitivity: 'standard' });
    expect(back.json<{ relationship: RelationshipJson }>().relationship.sensitivity).toBe(
      'standard',
    );
  });

  it('answers an empty change with the relationship as it is', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const response = await patch(client, relationship.id, {});
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ relationship });
  });

  it('ends a relationship and keeps its history for both members', async () => {
    const { client, therapist, relationship } = await buildRelationship(t.app, {
      mode: 'connected',
    });
    const appointment = await addAppointment(client, relationship.id, {
      startsAt: daysFromNow(-7),
    });
    const mine = await checkIn(client, appointment.id, { shared: true });
    const theirs = await checkIn(therapist, appointment.id);

    const response = await patch(client, relationship.id, { status: 'ended' });
    expect(response.statusCode).toBe(200);
    expect(response.json<{ relationship: RelationshipJson }>().relationship).toEqual({
      ...relationship,
      status: 'ended',
    });
    expect((await stored(relationship.id)).endedAt).toBeInstanceOf(Date);

    for (const member of [client, therapist]) {
      expect((await get(member, relationship.id)).statusCode).toBe(200);
      const appointments = await member.request({
        method: 'GET',
        url: `/api/relationships/${relationship.id}/appointments`,
      });
      expect(appointments.json<{ items: { id: string }[] }>().items.map((a) => a.id)).toEqual([
        appointment.id,
      ]);
      const checkins = await member.request({
        method: 'GET',
        url: `/api/relationships/${relationship.id}/checkins`,
      });
      expect(
        checkins
          .json<{ items: CheckinJson[] }>()
          .items.map((c) => c.id)
          .sort(),
      ).toEqual([mine.id, theirs.id].sort());
    }
    // Ended is not gone: still listed, after the active ones.
    expect((await list(client)).map((r) => r.id)).toContain(relationship.id);

    const reopened = await patch(client, relationship.id, { status: 'active' });
    expect(reopened.json<{ relationship: RelationshipJson }>().relationship.status).toBe('active');
    expect((await stored(relationship.id)).endedAt).toBeNull();
  });

  it('is for the client: the connected therapist gets 404 and nothing changes', async () => {
    const { therapist, relationship } = await buildRelationship(t.app, { mode: 'connected' });
    expectNotFound(
      await patch(therapist, relationship.id, { status: 'ended', therapistName: 'Me' }),
    );
    expect(await stored(relationship.id)).toMatchObject({
      status: 'active',
      therapistName: relationship.therapistName,
      endedAt: null,
    });
  });

  it('is 404 for a stranger therapist and another client, and nothing changes', async () => {
    const { relationship } = await buildRelationship(t.app);
    for (const outsider of [stranger, otherClient]) {
      expectNotFound(
        await patch(outsider, relationship.id, { status: 'ended', sensitivity: 'sensitive' }),
      );
    }
    expect(await stored(relationship.id)).toMatchObject({
      status: 'active',
      sensitivity: 'standard',
    });
  });

  it('is 404 for a malformed id and 401 when signed out', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    expectNotFound(await patch(client, 'nope', { status: 'ended' }));
    expectSignedOut(
      await anonymous(t.app, 'PATCH', `/api/relationships/${relationship.id}`, {
        status: 'ended',
      }),
    );
    expect((await stored(relationship.id)).status).toBe('active');
  });

  it.each([
    ['an unknown status', { status: 'paused' }, ['status']],
    ['an unknown sensitivity', { sensitivity: 'high' }, ['sensitivity']],
    ['a blank name', { therapistName: '' }, ['therapistName']],
    ['a change of mode', { mode: 'connected' }, ['mode']],
    ['a therapist id', { therapistId: '00000000-0000-4000-8000-000000000000' }, ['therapistId']],
    ['several bad fields', { status: 1, sensitivity: null }, ['status', 'sensitivity']],
  ])('refuses %s with 400 naming the fields, changing nothing', async (_name, payload, fields) => {
    const { client, relationship } = await buildRelationship(t.app);
    expectInvalid(await patch(client, relationship.id, payload), fields);
    expect(await stored(relationship.id)).toMatchObject({
      mode: 'solo',
      status: 'active',
      sensitivity: 'standard',
      therapistId: null,
    });
  });
});

describe('POST /api/relationships/:id/invites', () => {
  it('makes a single-use XXXX-XXXX-XXXX code valid for 7 days, storing only its hash', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const before = Date.now();
    const response = await postInvite(client, relationship.id);
    const after = Date.now();
    expect(response.statusCode).toBe(201);
    const { invite: made } = response.json<{ invite: { code: string; expiresAt: string } }>();
    expect(Object.keys(made).sort()).toEqual(['code', 'expiresAt']);
    expect(made.code).toMatch(CODE);
    const expires = new Date(made.expiresAt).getTime();
    expect(expires).toBeGreaterThanOrEqual(before + 7 * DAY);
    expect(expires).toBeLessThanOrEqual(after + 7 * DAY);
    const rows = await invitesOf(relationship.id);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(made.code.replaceAll('-', ''));
    expect(JSON.stringify(rows)).not.toContain(made.code);
  });

  it('makes a different code each time', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const codes = new Set<string>();
    for (let i = 0; i < 5; i++) codes.add((await invite(client, relationship.id)).code);
    expect(codes.size).toBe(5);
  });

  it('accepts a bodyless POST sent as {}', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const response = await client.request({
      method: 'POST',
      url: `/api/relationships/${relationship.id}/invites`,
      headers: { 'content-type': 'application/json' },
      payload: '',
    });
    expect(response.statusCode).toBe(201);
  });

  it('is 404 once connected, once ended, and for the connected therapist', async () => {
    const connected = await buildRelationship(t.app, { mode: 'connected' });
    expectNotFound(await postInvite(connected.client, connected.relationship.id));
    expectNotFound(await postInvite(connected.therapist, connected.relationship.id));
    const ended = await buildRelationship(t.app);
    await patch(ended.client, ended.relationship.id, { status: 'ended' });
    expectNotFound(await postInvite(ended.client, ended.relationship.id));
    expect(await invitesOf(ended.relationship.id)).toEqual([]);
  });

  it('is 404 for a stranger therapist and another client, and makes no invite', async () => {
    const { relationship } = await buildRelationship(t.app);
    for (const outsider of [stranger, otherClient]) {
      expectNotFound(await postInvite(outsider, relationship.id));
    }
    expect(await invitesOf(relationship.id)).toEqual([]);
  });

  it('is 404 for a malformed id, 401 when signed out, 400 for a body with fields', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    expectNotFound(await postInvite(client, 'nope'));
    expectSignedOut(
      await anonymous(t.app, 'POST', `/api/relationships/${relationship.id}/invites`, {}),
    );
    expectInvalid(await postInvite(client, relationship.id, { expiresInDays: 365 }), [
      'expiresInDays',
    ]);
    expect(await invitesOf(relationship.id)).toEqual([]);
  });
});

describe('POST /api/invites/:code/accept', () => {
  it('connects the therapist, for both of them, and records the connection for the client', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const therapist = await buildTherapist(t.app);
    const { code } = await invite(client, relationship.id);
    const response = await accept(therapist, code);
    expect(response.statusCode).toBe(200);
    const connected = response.json<{ relationship: RelationshipJson }>().relationship;
    expect(connected).toEqual({ ...relationship, mode: 'connected', therapistId: therapist.id });
    expect((await get(client, relationship.id)).json()).toEqual({ relationship: connected });
    expect((await get(therapist, relationship.id)).json()).toEqual({ relationship: connected });
    expect((await invitesOf(relationship.id))[0]?.usedAt).toBeInstanceOf(Date);
    const audit = await auditRowsOf(t.services, relationship.id);
    expect(audit).toEqual([
      expect.objectContaining({
        actorId: therapist.id,
        subjectUserId: client.id,
        action: 'connect',
      }),
    ]);
  });

  it.each([
    ['lower case', (code: string) => code.toLowerCase()],
    ['without dashes', (code: string) => code.replaceAll('-', '')],
    ['lower case without dashes', (code: string) => code.replaceAll('-', '').toLowerCase()],
    ['dashed differently', (code: string) => code.replaceAll('-', '').replace(/(..)/g, '$1-')],
  ])('takes the code %s', async (_name, spell) => {
    const { client, relationship } = await buildRelationship(t.app);
    const therapist = await buildTherapist(t.app);
    const { code } = await invite(client, relationship.id);
    const response = await accept(therapist, spell(code));
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json<{ relationship: RelationshipJson }>().relationship.therapistId).toBe(
      therapist.id,
    );
  });

  it('is single use: a second therapist gets 404 and the first stays connected', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const first = await buildTherapist(t.app);
    const second = await buildTherapist(t.app);
    const { code } = await invite(client, relationship.id);
    expect((await accept(first, code)).statusCode).toBe(200);
    expectNotFound(await accept(second, code));
    expectNotFound(await accept(first, code));
    expect((await stored(relationship.id)).therapistId).toBe(first.id);
    expectNotFound(await get(second, relationship.id));
  });

  it('does not let another outstanding invite take over a connected relationship', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const first = await buildTherapist(t.app);
    const second = await buildTherapist(t.app);
    const one = await invite(client, relationship.id);
    const two = await invite(client, relationship.id);
    expect((await accept(first, one.code)).statusCode).toBe(200);
    expectNotFound(await accept(second, two.code));
    expect(await stored(relationship.id)).toMatchObject({
      therapistId: first.id,
      mode: 'connected',
    });
    expectNotFound(await get(second, relationship.id));
  });

  it('is 404 for an expired code, which leaves the relationship solo; a new code works', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const therapist = await buildTherapist(t.app);
    const { code } = await invite(client, relationship.id);
    await t.services.db
      .update(invites)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(invites.relationshipId, relationship.id));
    expectNotFound(await accept(therapist, code));
    expect(await stored(relationship.id)).toMatchObject({ mode: 'solo', therapistId: null });
    expect((await invitesOf(relationship.id))[0]?.usedAt).toBeNull();
    expectNotFound(await get(therapist, relationship.id));
    const fresh = await invite(client, relationship.id);
    expect((await accept(therapist, fresh.code)).statusCode).toBe(200);
  });

  it('is 404 for an invite to a relationship the client has since ended', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const therapist = await buildTherapist(t.app);
    const { code } = await invite(client, relationship.id);
    await patch(client, relationship.id, { status: 'ended' });
    expectNotFound(await accept(therapist, code));
    expect(await stored(relationship.id)).toMatchObject({ mode: 'solo', therapistId: null });
  });

  it.each([
    ['an unknown code', 'ABCD-EFGH-JKMN'],
    ['a malformed code', 'nope'],
    ['a code too long', 'ABCD-EFGH-JKMN-PQRS'],
    ['an empty-looking code', '----'],
  ])('is 404 for %s', async (_name, code) => {
    expectNotFound(await accept(await buildTherapist(t.app), code));
  });

  it('is for therapists: a client accepting gets 404 and the code still works afterwards', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const { code } = await invite(client, relationship.id);
    expectNotFound(await accept(otherClient, code));
    expectNotFound(await accept(client, code));
    expect(await stored(relationship.id)).toMatchObject({ mode: 'solo', therapistId: null });
    const therapist = await buildTherapist(t.app);
    expect((await accept(therapist, code)).statusCode).toBe(200);
  });

  it('answers 401 when signed out, and the code still works afterwards', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const { code } = await invite(client, relationship.id);
    expectSignedOut(await anonymous(t.app, 'POST', `/api/invites/${code}/accept`, {}));
    expect((await accept(await buildTherapist(t.app), code)).statusCode).toBe(200);
  });

  it('refuses a body with fields (400) without using the code', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const therapist = await buildTherapist(t.app);
    const { code } = await invite(client, relationship.id);
    const response = await therapist.request({
      method: 'POST',
      url: `/api/invites/${code}/accept`,
      payload: { relationshipId: relationship.id },
      remoteAddress: someAddress(),
    });
    expectInvalid(response, ['relationshipId']);
    expect((await stored(relationship.id)).mode).toBe('solo');
    expect((await accept(therapist, code)).statusCode).toBe(200);
  });

  it('slows down guessing: past 20 tries a minute from one address, 429 with Retry-After', async () => {
    const guesser = await buildTherapist(t.app);
    const address = someAddress();
    for (let i = 0; i < 20; i++) expectNotFound(await accept(guesser, 'ABCD-EFGH-JKMN', address));
    const limited = await accept(guesser, 'ABCD-EFGH-JKMN', address);
    expectError(limited, 429, 'too_many_requests');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('a client with two relationships', () => {
  it('keeps the past therapist while connecting a new one, each seeing only their own', async () => {
    const client = await buildClient(t.app, 'Jordan');
    const past = await buildRelationship(t.app, {
      client,
      therapistName: 'Dr. Past',
      mode: 'connected',
    });
    const before = await addAppointment(client, past.relationship.id, {
      startsAt: daysFromNow(-60),
    });
    expect((await patch(client, past.relationship.id, { status: 'ended' })).statusCode).toBe(200);

    const current = await buildRelationship(t.app, { client, therapistName: 'Dr. Now' });
    const now = await buildTherapist(t.app);
    await connect(client, current.relationship.id, now);

    const mine = await list(client);
    expect(mine.map((r) => [r.therapistName, r.status, r.therapistId])).toEqual([
      ['Dr. Now', 'active', now.id],
      ['Dr. Past', 'ended', past.therapist.id],
    ]);

    // The past therapist keeps the history they shared, and nothing of the new relationship.
    expect((await get(past.therapist, past.relationship.id)).statusCode).toBe(200);
    const history = await past.therapist.request({
      method: 'GET',
      url: `/api/relationships/${past.relationship.id}/appointments`,
    });
    expect(history.json<{ items: { id: string }[] }>().items.map((a) => a.id)).toEqual([before.id]);
    expectNotFound(await get(past.therapist, current.relationship.id));
    expect((await list(past.therapist)).map((r) => r.id)).toEqual([past.relationship.id]);
    expectNotFound(
      await past.therapist.request({
        method: 'GET',
        url: `/api/relationships/${current.relationship.id}/checkins`,
      }),
    );

    // The new therapist sees the new relationship only.
    expectNotFound(await get(now, past.relationship.id));
    expect((await list(now)).map((r) => r.id)).toEqual([current.relationship.id]);

    // The caseload holds active relationships only.
    const caseload = async (therapist: Person) =>
      (await therapist.request({ method: 'GET', url: '/api/caseload' })).json<{
        items: { relationship: { id: string } }[];
      }>().items;
    expect(await caseload(past.therapist)).toEqual([]);
    expect((await caseload(now)).map((i) => i.relationship.id)).toEqual([current.relationship.id]);
  });
});
