import { randomUUID } from 'node:crypto';
import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appointmentRequests, appointments, notifications, openTimes } from '../../db/schema.ts';
import { buildTherapist, type Person } from '../../test/factories.ts';
import { startTestApp, type TestApp } from '../../test/harness.ts';
import {
  type AppointmentJson,
  anonymous,
  auditRowsOf,
  buildRelationship,
  type ConnectedWorld,
  daysFromNow,
  expectError,
  expectInvalid,
  expectNotFound,
  expectSignedOut,
} from '../../test/world.ts';

let t: TestApp;
let stranger: Person;
let otherClient: Person;

beforeAll(async () => {
  t = await startTestApp();
  stranger = (await buildRelationship(t.app, { mode: 'connected' })).therapist;
  otherClient = (await buildRelationship(t.app, { mode: 'connected' })).client;
});
afterAll(async () => {
  await t?.close();
});

type RequestJson = {
  id: string;
  relationshipId: string;
  options: { startsAt: string; durationMinutes: number }[];
  note: string | null;
  openTimeId: string | null;
  status: 'open' | 'accepted' | 'declined' | 'withdrawn';
  responseNote: string | null;
  appointmentId: string | null;
  createdAt: string;
  decidedAt: string | null;
};
type OpenTimeJson = { id: string; startsAt: string; durationMinutes: number; taken: boolean };

const ask = (person: Person, relationshipId: string, payload: object) =>
  person.request({
    method: 'POST',
    url: `/api/relationships/${relationshipId}/appointment-requests`,
    payload,
  });
const list = (person: Person, relationshipId: string) =>
  person.request({
    method: 'GET',
    url: `/api/relationships/${relationshipId}/appointment-requests`,
  });
const answer = (
  person: Person,
  id: string,
  action: 'accept' | 'decline' | 'withdraw',
  payload: object = {},
) => person.request({ method: 'POST', url: `/api/appointment-requests/${id}/${action}`, payload });
const publish = (person: Person, payload: object) =>
  person.request({ method: 'POST', url: '/api/open-times', payload });

const inTwoDays = daysFromNow(2);
const valid = {
  options: [
    { startsAt: inTwoDays, durationMinutes: 50 },
    { startsAt: daysFromNow(3), durationMinutes: 30 },
  ],
  note: 'After the hard week, I would like to talk sooner.',
};

async function asked(world: ConnectedWorld, payload: object = valid): Promise<RequestJson> {
  const response = await ask(world.client, world.relationship.id, payload);
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ request: RequestJson }>().request;
}

async function openTime(therapist: Person, days = 4, durationMinutes = 45): Promise<OpenTimeJson> {
  const response = await publish(therapist, { startsAt: daysFromNow(days), durationMinutes });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ openTime: OpenTimeJson }>().openTime;
}

const requestCount = async (relationshipId: string) =>
  (
    await t.services.db
      .select({ n: count() })
      .from(appointmentRequests)
      .where(eq(appointmentRequests.relationshipId, relationshipId))
  )[0]!.n;

const noticesOf = (userId: string, kind: string) =>
  t.services.db
    .select()
    .from(notifications)
    .where(and(eq(notifications.userId, userId), eq(notifications.kind, kind)));

describe('POST /api/relationships/:id/appointment-requests', () => {
  it('records an open request with the documented fields and tells the therapist', async () => {
    const world = await buildRelationship(t.app, { mode: 'connected' });
    const request = await asked(world, {
      ...valid,
      options: [{ startsAt: '2099-01-05T17:00:00+01:00', durationMinutes: 50 }],
    });
    expect(Object.keys(request).sort()).toEqual([
      'appointmentId',
      'createdAt',
      'decidedAt',
      'id',
      'note',
      'openTimeId',
      'options',
      'relationshipId',
      'responseNote',
      'status',
    ]);
    expect(request).toMatchObject({
      relationshipId: world.relationship.id,
      options: [{ startsAt: '2099-01-05T16:00:00.000Z', durationMinutes: 50 }],
      note: valid.note,
      status: 'open',
      openTimeId: null,
      appointmentId: null,
      decidedAt: null,
    });
    const notices = await noticesOf(world.therapist.id, 'appointment-request');
    expect(notices).toMatchObject([
      { relationshipId: world.relationship.id, subjectId: request.id },
    ]);
  });

  it('refuses times in the past, bad lengths, too many options and long notes, writing nothing', async () => {
    const world = await buildRelationship(t.app, { mode: 'connected' });
    const cases: [object, string[]][] = [
      [
        {
          options: [
            { startsAt: inTwoDays, durationMinutes: 50 },
            { startsAt: daysFromNow(-1), durationMinutes: 50 },
          ],
        },
        ['options.1.startsAt'],
      ],
      [{ options: [{ startsAt: daysFromNow(-1), durationMinutes: 50 }] }, ['options.0.startsAt']],
      [{ options: [{ startsAt: inTwoDays, durationMinutes: 4 }] }, ['options.0.durationMinutes']],
      [{ options: [{ startsAt: inTwoDays, durationMinutes: 601 }] }, ['options.0.durationMinutes']],
      [{ options: [{ startsAt: 'tomorrow', durationMinutes: 50 }] }, ['options.0.startsAt']],
      [{ options: [] }, ['options']],
      [{ options: Array(6).fill({ startsAt: inTwoDays, durationMinutes: 50 }) }, ['options']],
      [{}, ['options']],
      [{ ...valid, note: 'x'.repeat(2001) }, ['note']],
      [{ ...valid, colour: 'blue' }, ['colour']],
    ];
    for (const [payload, fields] of cases) {
      expectInvalid(await ask(world.client, world.relationship.id, payload), fields);
    }
    expect(await requestCount(world.relationship.id)).toBe(0);
  });

  it('is 404 for the therapist, a solo client, strangers, a malformed id; 401 signed out', async () => {
    const world = await buildRelationship(t.app, { mode: 'connected' });
    const solo = await buildRelationship(t.app);
    expectNotFound(await ask(world.therapist, world.relationship.id, valid));
    expectNotFound(await ask(solo.client, solo.relationship.id, valid));
    expectNotFound(await ask(stranger, world.relationship.id, valid));
    expectNotFound(await ask(otherClient, world.relationship.id, valid));
    expectNotFound(await ask(world.client, 'not-an-id', valid));
    expectSignedOut(
      await anonymous(
        t.app,
        'POST',
        `/api/relationships/${world.relationship.id}/appointment-requests`,
        valid,
      ),
    );
    expect(await requestCount(world.relationship.id)).toBe(0);
    expect(await requestCount(solo.relationship.id)).toBe(0);
  });

  it('is 409 relationship_ended once the client ended the relationship', async () => {
    const world = await buildRelationship(t.app, { mode: 'connected' });
    const ended = await world.client.request({
      method: 'PATCH',
      url: `/api/relationships/${world.relationship.id}`,
      payload: { status: 'ended' },
    });
    expect(ended.statusCode, ended.body).toBe(200);
    expectError(await ask(world.client, world.relationship.id, valid), 409, 'relationship_ended');
    expect(await requestCount(world.relationship.id)).toBe(0);
  });

  it('asks for an open time of the therapist, which is then the option', async () => {
    const world = await buildRelationship(t.app, { mode: 'connected' });
    const open = await openTime(world.therapist, 5, 40);
    const request = await asked(world, { openTimeId: open.id, note: 'This one suits me.' });
    expect(request).toMatchObject({
      openTimeId: open.id,
      options: [{ startsAt: open.startsAt, durationMinutes: 40 }],
    });
  });

  it('is 404 for an open time of another therapist, a taken or past one, or a bad id', async () => {
    const world = await buildRelationship(t.app, { mode: 'connected' });
    const others = await openTime(stranger);
    const past = await openTime(world.therapist);
    await t.services.db
      .update(openTimes)
      .set({ startsAt: new Date(daysFromNow(-1)) })
      .where(eq(openTimes.id, past.id));
    const taken = await openTime(world.therapist);
    await t.services.db
      .update(openTimes)
      .set({ takenAt: new Date() })
      .where(eq(openTimes.id, taken.id));
    for (const id of [others.id, past.id, taken.id, randomUUID(), 'nope']) {
      expectNotFound(await ask(world.client, world.relationship.id, { openTimeId: id }));
    }
    expect(await requestCount(world.relationship.id)).toBe(0);
  });
});

describe('GET /api/relationships/:id/appointment-requests', () => {
  it('lists newest first to both members, recording the therapist’s reading', async () => {
    const world = await buildRelationship(t.app, { mode: 'connected' });
    const first = await asked(world);
    const second = await asked(world, {
      options: [{ startsAt: daysFromNow(6), durationMinutes: 50 }],
    });
    for (const person of [world.client, world.therapist]) {
      const response = await list(person, world.relationship.id);
      expect(response.statusCode).toBe(200);
      expect(response.json<{ items: RequestJson[] }>().items.map((r) => r.id)).toEqual([
        second.id,
        first.id,
      ]);
    }
    const audits = await auditRowsOf(t.services, world.relationship.id);
    expect(audits.filter((a) => a.action === 'read')).toMatchObject([
      { actorId: world.therapist.id, action: 'read', subjectType: 'appointment-requests' },
    ]);
  });

  it('is 404 for strangers, another client and a malformed id; 401 signed out', async () => {
    const world = await buildRelationship(t.app, { mode: 'connected' });
    expectNotFound(await list(stranger, world.relationship.id));
    expectNotFound(await list(otherClient, world.relationship.id));
    expectNotFound(await list(world.client, 'x'));
    expectSignedOut(
      await anonymous(
        t.app,
        'GET',
        `/api/relationships/${world.relationship.id}/appointment-requests`,
      ),
    );
  });
});

describe('POST /api/appointment-requests/:id/accept', () => {
  it('makes an extra appointment, closes the request and tells the client', async () => {
    const world = await buildRelationship(t.app, { mode: 'connected' });
    const request = await asked(world);
    const response = await answer(world.therapist, request.id, 'accept', {
      startsAt: valid.options[1]!.startsAt,
      note: 'See you then.',
    });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json<{ request: RequestJson; appointment: AppointmentJson }>();
    expect(body.appointment).toMatchObject({
      relationshipId: world.relationship.id,
      kind: 'extra',
      status: 'scheduled',
      durationMinutes: 30,
    });
    expect(body.request).toMatchObject({
      status: 'accepted',
      appointmentId: body.appointment.id,
      responseNote: 'See you then.',
      decidedAt: expect.any(String),
    });
    expect(await noticesOf(world.client.id, 'request-answered')).toMatchObject([
      { subjectId: request.id },
    ]);
    expectError(
      await answer(world.therapist, request.id, 'accept', { startsAt: daysFromNow(4) }),
      409,
      'request_closed',
    );
    expectError(await answer(world.therapist, request.id, 'decline'), 409, 'request_closed');
    expectError(await answer(world.client, request.id, 'withdraw'), 409, 'request_closed');
  });

  it('takes a null note as no note (what the web app sends when none was written)', async () => {
    const world = await buildRelationship(t.app, { mode: 'connected' });
    const request = await asked(world);
    const response = await answer(world.therapist, request.id, 'accept', {
      startsAt: valid.options[0]!.startsAt,
      note: null,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json<{ request: RequestJson }>().request.responseNote).toBeNull();
  });

  it('takes the open time the request came from', async () => {
    const world = await buildRelationship(t.app, { mode: 'connected' });
    const open = await openTime(world.therapist, 5, 40);
    const request = await asked(world, { openTimeId: open.id });
    const response = await answer(world.therapist, request.id, 'accept', {
      startsAt: open.startsAt,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json<{ appointment: AppointmentJson }>().appointment.durationMinutes).toBe(40);
    const mine = await world.therapist.request({ method: 'GET', url: '/api/open-times' });
    expect(mine.json<{ items: OpenTimeJson[] }>().items).toMatchObject([
      { id: open.id, taken: true },
    ]);
    const theirs = await world.client.request({
      method: 'GET',
      url: `/api/relationships/${world.relationship.id}/open-times`,
    });
    expect(theirs.json<{ items: OpenTimeJson[] }>().items).toEqual([]);
  });

  it('lets exactly one of two accepts at once win', async () => {
    const world = await buildRelationship(t.app, { mode: 'connected' });
    const request = await asked(world);
    const results = await Promise.all([
      answer(world.therapist, request.id, 'accept', { startsAt: daysFromNow(2) }),
      answer(world.therapist, request.id, 'accept', { startsAt: daysFromNow(3) }),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const made = await t.services.db
      .select()
      .from(appointments)
      .where(eq(appointments.relationshipId, world.relationship.id));
    expect(made).toHaveLength(1);
    const [stored] = await t.services.db
      .select()
      .from(appointmentRequests)
      .where(eq(appointmentRequests.id, request.id));
    expect(stored?.appointmentId).toBe(made[0]!.id);
  });

  it('refuses a past time and bad input (400), the client and strangers (404), changing nothing', async () => {
    const world = await buildRelationship(t.app, { mode: 'connected' });
    const request = await asked(world);
    expectInvalid(
      await answer(world.therapist, request.id, 'accept', { startsAt: daysFromNow(-1) }),
      ['startsAt'],
    );
    expectInvalid(await answer(world.therapist, request.id, 'accept', {}), ['startsAt']);
    expectInvalid(
      await answer(world.therapist, request.id, 'accept', {
        startsAt: inTwoDays,
        durationMinutes: 700,
      }),
      ['durationMinutes'],
    );
    for (const person of [world.client, stranger, otherClient]) {
      expectNotFound(await answer(person, request.id, 'accept', { startsAt: inTwoDays }));
      expectNotFound(await answer(person, request.id, 'decline'));
    }
    expectNotFound(await answer(world.therapist, 'bad', 'accept', { startsAt: inTwoDays }));
    expectNotFound(await answer(world.therapist, randomUUID(), 'accept', { startsAt: inTwoDays }));
    expectSignedOut(
      await anonymous(t.app, 'POST', `/api/appointment-requests/${request.id}/accept`, {
        startsAt: inTwoDays,
      }),
    );
    const [stored] = await t.services.db
      .select()
      .from(appointmentRequests)
      .where(eq(appointmentRequests.id, request.id));
    expect(stored?.status).toBe('open');
  });
});

describe('decline and withdraw', () => {
  it('declines with a note and tells the client', async () => {
    const world = await buildRelationship(t.app, { mode: 'connected' });
    const request = await asked(world);
    const response = await answer(world.therapist, request.id, 'decline', {
      note: 'I am full that week.',
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json<{ request: RequestJson }>().request).toMatchObject({
      status: 'declined',
      responseNote: 'I am full that week.',
      appointmentId: null,
    });
    expect(await noticesOf(world.client.id, 'request-answered')).toHaveLength(1);
    const audits = await auditRowsOf(t.services, world.relationship.id);
    expect(audits.filter((a) => a.subjectType === 'appointment-request')).toMatchObject([
      { actorId: world.therapist.id, action: 'read', subjectId: request.id },
    ]);
  });

  it('lets only the client withdraw, once', async () => {
    const world = await buildRelationship(t.app, { mode: 'connected' });
    const request = await asked(world);
    expectNotFound(await answer(world.therapist, request.id, 'withdraw'));
    expectNotFound(await answer(otherClient, request.id, 'withdraw'));
    const response = await answer(world.client, request.id, 'withdraw');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json<{ request: RequestJson }>().request.status).toBe('withdrawn');
    expectError(await answer(world.client, request.id, 'withdraw'), 409, 'request_closed');
    expectError(
      await answer(world.therapist, request.id, 'accept', { startsAt: inTwoDays }),
      409,
      'request_closed',
    );
  });
});

describe('open times', () => {
  it('are the therapist’s: published, listed soonest first, removed', async () => {
    const therapist = await buildTherapist(t.app);
    const later = await openTime(therapist, 6);
    const sooner = await openTime(therapist, 2);
    expect(Object.keys(sooner).sort()).toEqual(['durationMinutes', 'id', 'startsAt', 'taken']);
    const response = await therapist.request({ method: 'GET', url: '/api/open-times' });
    expect(response.json<{ items: OpenTimeJson[] }>().items.map((o) => o.id)).toEqual([
      sooner.id,
      later.id,
    ]);
    expectNotFound(
      await stranger.request({ method: 'DELETE', url: `/api/open-times/${later.id}`, payload: {} }),
    );
    const removed = await therapist.request({
      method: 'DELETE',
      url: `/api/open-times/${later.id}`,
      payload: {},
    });
    expect(removed.statusCode).toBe(204);
    expectNotFound(
      await therapist.request({
        method: 'DELETE',
        url: `/api/open-times/${later.id}`,
        payload: {},
      }),
    );
    expectNotFound(
      await therapist.request({ method: 'DELETE', url: '/api/open-times/bad', payload: {} }),
    );
  });

  it('are shown to connected clients, not taken and still to come; 404 to others', async () => {
    const world = await buildRelationship(t.app, { mode: 'connected' });
    const open = await openTime(world.therapist);
    await openTime(stranger);
    const url = `/api/relationships/${world.relationship.id}/open-times`;
    const response = await world.client.request({ method: 'GET', url });
    expect(response.json<{ items: OpenTimeJson[] }>().items).toEqual([open]);
    expectNotFound(await world.therapist.request({ method: 'GET', url }));
    expectNotFound(await otherClient.request({ method: 'GET', url }));
    expectSignedOut(await anonymous(t.app, 'GET', url));
  });

  it('are refused to clients (404), and in the past or of a bad length (400)', async () => {
    const world = await buildRelationship(t.app, { mode: 'connected' });
    expectNotFound(await publish(world.client, { startsAt: inTwoDays, durationMinutes: 50 }));
    expectNotFound(await world.client.request({ method: 'GET', url: '/api/open-times' }));
    expectInvalid(
      await publish(world.therapist, { startsAt: daysFromNow(-1), durationMinutes: 50 }),
      ['startsAt'],
    );
    expectInvalid(await publish(world.therapist, { startsAt: inTwoDays, durationMinutes: 2 }), [
      'durationMinutes',
    ]);
    expectSignedOut(await anonymous(t.app, 'POST', '/api/open-times', { startsAt: inTwoDays }));
    const stored = await t.services.db
      .select()
      .from(openTimes)
      .where(eq(openTimes.therapistId, world.therapist.id));
    expect(stored).toEqual([]);
  });
});
