import { eq } from 'drizzle-orm';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appointments } from '../../db/schema.ts';
import { buildClient, buildTherapist, type Person } from '../../test/factories.ts';
import { startTestApp, type TestApp } from '../../test/harness.ts';
import {
  type AppointmentJson,
  addAppointment,
  anonymous,
  buildRelationship,
  daysFromNow,
  expectInvalid,
  expectNotFound,
  expectSignedOut,
  invite,
} from '../../test/world.ts';

let t: TestApp;
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

const create = (person: Person, relationshipId: string, payload: object) =>
  person.request({
    method: 'POST',
    url: `/api/relationships/${relationshipId}/appointments`,
    payload,
  });
const listRaw = (person: Person, relationshipId: string, query = '') =>
  person.request({
    method: 'GET',
    url: `/api/relationships/${relationshipId}/appointments${query}`,
  });
const list = async (person: Person, relationshipId: string, query = '') => {
  const response = await listRaw(person, relationshipId, query);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ items: AppointmentJson[] }>().items;
};
const patch = (person: Person, id: string, payload: object) =>
  person.request({ method: 'PATCH', url: `/api/appointments/${id}`, payload });
const storedOf = (relationshipId: string) =>
  t.services.db.select().from(appointments).where(eq(appointments.relationshipId, relationshipId));

const valid = { startsAt: '2026-11-16T16:00:00Z', durationMinutes: 50, kind: 'individual' };

describe('POST /api/relationships/:id/appointments', () => {
  it('records an appointment with exactly the documented fields, its time in UTC', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const response = await create(client, relationship.id, {
      startsAt: '2026-11-16T18:00:00+02:00',
      durationMinutes: 50,
      kind: 'couples',
    });
    expect(response.statusCode).toBe(201);
    const { appointment } = response.json<{ appointment: AppointmentJson }>();
    expect(Object.keys(appointment).sort()).toEqual([
      'cancelReason',
      'coupleAppointmentId',
      'durationMinutes',
      'id',
      'kind',
      'relationshipId',
      'slotId',
      'startsAt',
      'status',
    ]);
    expect(appointment).toMatchObject({
      slotId: null,
      cancelReason: null,
      coupleAppointmentId: null,
    });
    expect(appointment).toMatchObject({
      relationshipId: relationship.id,
      startsAt: '2026-11-16T16:00:00.000Z',
      durationMinutes: 50,
      kind: 'couples',
    });
    expect(await list(client, relationship.id)).toEqual([appointment]);
  });

  it('is held when it started in the past and scheduled when it is still to come', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const past = await addAppointment(client, relationship.id, { startsAt: daysFromNow(-1) });
    const future = await addAppointment(client, relationship.id, { startsAt: daysFromNow(1) });
    const longAgo = await addAppointment(client, relationship.id, {
      startsAt: '2020-01-06T09:00:00Z',
    });
    expect(past.status).toBe('held');
    expect(longAgo.status).toBe('held');
    expect(future.status).toBe('scheduled');
  });

  it('keeps a status given explicitly', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const cancelled = await addAppointment(client, relationship.id, {
      startsAt: daysFromNow(3),
      status: 'cancelled',
    });
    const missed = await addAppointment(client, relationship.id, {
      startsAt: daysFromNow(-3),
      status: 'missed',
    });
    expect(cancelled.status).toBe('cancelled');
    expect(missed.status).toBe('missed');
  });

  it('takes every kind, and lengths from 5 to 600 minutes', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    for (const [kind, durationMinutes] of [
      ['individual', 5],
      ['couples', 90],
      ['phone', 30],
      ['extra', 600],
    ] as const) {
      const made = await addAppointment(client, relationship.id, {
        startsAt: daysFromNow(2),
        kind,
        durationMinutes,
      });
      expect(made).toMatchObject({ kind, durationMinutes });
    }
  });

  it('lets both members of a connected relationship add appointments, seen by both', async () => {
    const { client, therapist, relationship } = await buildRelationship(t.app, {
      mode: 'connected',
    });
    const byClient = await addAppointment(client, relationship.id, { startsAt: daysFromNow(1) });
    const byTherapist = await addAppointment(therapist, relationship.id, {
      startsAt: daysFromNow(8),
    });
    const ids = [byClient.id, byTherapist.id];
    expect((await list(client, relationship.id)).map((a) => a.id)).toEqual(ids);
    expect((await list(therapist, relationship.id)).map((a) => a.id)).toEqual(ids);
  });

  it.each([
    ['an unknown kind', { ...valid, kind: 'group' }, ['kind']],
    ['a length of 0 minutes', { ...valid, durationMinutes: 0 }, ['durationMinutes']],
    ['a length of 601 minutes', { ...valid, durationMinutes: 601 }, ['durationMinutes']],
    ['a length of 2.5 minutes', { ...valid, durationMinutes: 2.5 }, ['durationMinutes']],
    ['a negative length', { ...valid, durationMinutes: -50 }, ['durationMinutes']],
    ['a length as text', { ...valid, durationMinutes: '50' }, ['durationMinutes']],
    ['a time without an offset', { ...valid, startsAt: '2026-11-16T16:00:00' }, ['startsAt']],
    ['a date without a time', { ...valid, startsAt: '2026-11-16' }, ['startsAt']],
    ['a time that is garbage', { ...valid, startsAt: 'next tuesday' }, ['startsAt']],
    ['a time that is impossible', { ...valid, startsAt: '2026-13-45T25:00:00Z' }, ['startsAt']],
    ['a time as a number', { ...valid, startsAt: 1_790_000_000_000 }, ['startsAt']],
    ['an unknown status', { ...valid, status: 'done' }, ['status']],
    ['an unknown field', { ...valid, location: 'Room 4' }, ['location']],
    ['a relationship id in the body', { ...valid, relationshipId: 'x' }, ['relationshipId']],
    ['nothing at all', {}, ['startsAt', 'durationMinutes', 'kind']],
  ])('refuses %s with 400 naming the field, recording nothing', async (_name, payload, fields) => {
    const { client, relationship } = await buildRelationship(t.app);
    expectInvalid(await create(client, relationship.id, payload), fields);
    expect(await storedOf(relationship.id)).toEqual([]);
  });

  it('is 404 for a stranger therapist, another client and an invited therapist, recording nothing', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const invited = await buildTherapist(t.app);
    await invite(client, relationship.id);
    for (const outsider of [stranger, otherClient, invited]) {
      expectNotFound(await create(outsider, relationship.id, valid));
    }
    expect(await storedOf(relationship.id)).toEqual([]);
  });

  it('is 404 for a malformed id, and 401 when signed out (recording nothing)', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    expectNotFound(await create(client, 'nope', valid));
    expectSignedOut(
      await anonymous(t.app, 'POST', `/api/relationships/${relationship.id}/appointments`, valid),
    );
    expect(await storedOf(relationship.id)).toEqual([]);
  });
});

describe('GET /api/relationships/:id/appointments', () => {
  it('lists by start time, whatever the order they were added in', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const third = await addAppointment(client, relationship.id, { startsAt: daysFromNow(10) });
    const first = await addAppointment(client, relationship.id, { startsAt: daysFromNow(-10) });
    const second = await addAppointment(client, relationship.id, {
      startsAt: daysFromNow(0, 2),
    });
    const items = await list(client, relationship.id);
    expect(items.map((a) => a.id)).toEqual([first.id, second.id, third.id]);
    const times = items.map((a) => a.startsAt);
    expect(times).toEqual([...times].sort());
  });

  it('takes a range that includes both of its ends', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const at = (day: number) => `2026-03-${String(day).padStart(2, '0')}T10:00:00.000Z`;
    for (const day of [1, 2, 3, 4, 5]) {
      await addAppointment(client, relationship.id, { startsAt: at(day) });
    }
    const days = async (query: string) =>
      (await list(client, relationship.id, query)).map((a) => Number(a.startsAt.slice(8, 10)));
    expect(await days(`?from=${at(2)}&to=${at(4)}`)).toEqual([2, 3, 4]);
    expect(await days(`?from=${at(3)}`)).toEqual([3, 4, 5]);
    expect(await days(`?to=${at(2)}`)).toEqual([1, 2]);
    expect(await days(`?from=${at(3)}&to=${at(3)}`)).toEqual([3]);
    // Just inside and just outside, with an offset.
    expect(
      await days(
        `?from=${encodeURIComponent('2026-03-02T12:00:00.001+02:00')}&to=${encodeURIComponent('2026-03-04T09:59:59.999Z')}`,
      ),
    ).toEqual([3]);
    expect(await days('?from=2026-04-01T00:00:00Z')).toEqual([]);
  });

  it.each([
    ['a start without an offset', '?from=2026-03-01T00:00:00', ['from']],
    ['an end that is garbage', '?to=soon', ['to']],
    ['an end before the start', '?from=2026-03-05T00:00:00Z&to=2026-03-01T00:00:00Z', ['to']],
    ['an unknown parameter', '?limit=5', ['limit']],
  ])('refuses %s with 400', async (_name, query, fields) => {
    const { client, relationship } = await buildRelationship(t.app);
    expectInvalid(await listRaw(client, relationship.id, query), fields);
  });

  it('is 404 for a stranger therapist, another client, a malformed id; 401 signed out', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    await addAppointment(client, relationship.id, { startsAt: daysFromNow(-1) });
    for (const outsider of [stranger, otherClient]) {
      expectNotFound(await listRaw(outsider, relationship.id));
    }
    expectNotFound(await listRaw(client, 'nope'));
    expectSignedOut(
      await anonymous(t.app, 'GET', `/api/relationships/${relationship.id}/appointments`),
    );
  });
});

describe('GET /api/appointments/:id', () => {
  it('answers the appointment to either member, and 404 to anyone else', async () => {
    const { client, therapist, relationship } = await buildRelationship(t.app, {
      mode: 'connected',
    });
    const made = await addAppointment(client, relationship.id, {
      startsAt: '2026-05-04T09:00:00Z',
    });
    for (const member of [client, therapist]) {
      const response = await member.request({ method: 'GET', url: `/api/appointments/${made.id}` });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ appointment: made });
    }
    const stranger = await buildTherapist(t.app);
    const other = await buildClient(t.app);
    for (const person of [stranger, other]) {
      expectNotFound(await person.request({ method: 'GET', url: `/api/appointments/${made.id}` }));
    }
    expectNotFound(await client.request({ method: 'GET', url: '/api/appointments/nope' }));
    expectSignedOut(await t.app.inject({ method: 'GET', url: `/api/appointments/${made.id}` }));
  });
});

describe('PATCH /api/appointments/:id', () => {
  it('changes the status, the time and the length, as either member', async () => {
    const { client, therapist, relationship } = await buildRelationship(t.app, {
      mode: 'connected',
    });
    const made = await addAppointment(client, relationship.id, {
      startsAt: '2026-05-04T09:00:00Z',
    });
    const byTherapist = await patch(therapist, made.id, { status: 'cancelled' });
    expect(byTherapist.statusCode).toBe(200);
    expect(byTherapist.json()).toEqual({
      appointment: { ...made, status: 'cancelled', cancelReason: 'therapist' },
    });

    const byClient = await patch(client, made.id, {
      status: 'scheduled',
      startsAt: '2026-05-05T11:30:00+01:00',
      durationMinutes: 75,
    });
    expect(byClient.statusCode).toBe(200);
    const moved = {
      ...made,
      status: 'scheduled',
      startsAt: '2026-05-05T10:30:00.000Z',
      durationMinutes: 75,
    };
    expect(byClient.json()).toEqual({ appointment: moved });
    expect(await list(therapist, relationship.id)).toEqual([moved]);

    for (const status of ['held', 'missed'] as const) {
      const response = await patch(client, made.id, { status });
      expect(response.json<{ appointment: AppointmentJson }>().appointment.status).toBe(status);
    }
  });

  it('records who cancelled: the caller’s role, cleared when it is scheduled again', async () => {
    const { client, relationship } = await buildRelationship(t.app, { mode: 'connected' });
    const made = await addAppointment(client, relationship.id, { startsAt: daysFromNow(2) });
    const cancelled = await patch(client, made.id, { status: 'cancelled' });
    expect(cancelled.json<{ appointment: AppointmentJson }>().appointment.cancelReason).toBe(
      'client',
    );
    await patch(client, made.id, { status: 'scheduled' });
    const [stored] = await t.services.db
      .select()
      .from(appointments)
      .where(eq(appointments.id, made.id));
    expect(stored).toMatchObject({ status: 'scheduled', cancelReason: null });
  });

  it('answers an empty change with the appointment as it is', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const made = await addAppointment(client, relationship.id, { startsAt: daysFromNow(2) });
    const response = await patch(client, made.id, {});
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ appointment: made });
  });

  it.each([
    ['an unknown status', { status: 'done' }, ['status']],
    ['a length of 0 minutes', { durationMinutes: 0 }, ['durationMinutes']],
    ['a length of 601 minutes', { durationMinutes: 601 }, ['durationMinutes']],
    ['a length of 2.5 minutes', { durationMinutes: 2.5 }, ['durationMinutes']],
    ['a time without an offset', { startsAt: '2026-05-05T11:30:00' }, ['startsAt']],
    ['a time that is garbage', { startsAt: 'tomorrow' }, ['startsAt']],
    ['a change of kind (not changeable)', { kind: 'phone' }, ['kind']],
    ['a move to another relationship', { relationshipId: 'x' }, ['relationshipId']],
  ])('refuses %s with 400 naming the field, changing nothing', async (_name, payload, fields) => {
    const { client, relationship } = await buildRelationship(t.app);
    const made = await addAppointment(client, relationship.id, { startsAt: daysFromNow(2) });
    expectInvalid(await patch(client, made.id, payload), fields);
    expect(await list(client, relationship.id)).toEqual([made]);
  });

  it('is 404 for a stranger therapist and another client, and changes nothing', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const made = await addAppointment(client, relationship.id, { startsAt: daysFromNow(2) });
    for (const outsider of [stranger, otherClient]) {
      expectNotFound(
        await patch(outsider, made.id, { status: 'cancelled', startsAt: '2030-01-01T00:00:00Z' }),
      );
    }
    expect(await list(client, relationship.id)).toEqual([made]);
  });

  it('is 404 for a therapist who has not accepted the invite yet', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const invited = await buildTherapist(t.app);
    await invite(client, relationship.id);
    const made = await addAppointment(client, relationship.id, { startsAt: daysFromNow(2) });
    expectNotFound(await patch(invited, made.id, { status: 'cancelled' }));
    expect(await list(client, relationship.id)).toEqual([made]);
  });

  it('is 404 for a malformed or unknown id, 401 when signed out', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const made = await addAppointment(client, relationship.id, { startsAt: daysFromNow(2) });
    expectNotFound(await patch(client, 'nope', { status: 'held' }));
    expectNotFound(await patch(client, relationship.id, { status: 'held' }));
    expectSignedOut(
      await anonymous(t.app, 'PATCH', `/api/appointments/${made.id}`, { status: 'held' }),
    );
    expect(await list(client, relationship.id)).toEqual([made]);
  });
});

describe('GET /api/appointments/:id/calendar.ics', () => {
  it('downloads the appointment as one "Therapy" event, to either member', async () => {
    const { client, therapist, relationship } = await buildRelationship(t.app, {
      mode: 'connected',
      clientName: 'Robin Privatename',
    });
    const made = await addAppointment(client, relationship.id, {
      startsAt: '2099-06-01T15:00:00+02:00',
      durationMinutes: 45,
    });
    for (const person of [client, therapist]) {
      const response = await person.request({
        method: 'GET',
        url: `/api/appointments/${made.id}/calendar.ics`,
      });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.headers['content-type']).toBe('text/calendar; charset=utf-8');
      expect(response.headers['content-disposition']).toBe(
        'attachment; filename="appointment.ics"',
      );
      const events = new ICAL.Component(ICAL.parse(response.body))
        .getAllSubcomponents('vevent')
        .map((vevent) => new ICAL.Event(vevent));
      expect(events).toHaveLength(1);
      expect(events[0]!.uid).toBe(`${made.id}@attune`);
      expect(events[0]!.summary).toBe('Therapy');
      expect(events[0]!.startDate.zone?.tzid).toBe('UTC');
      expect(events[0]!.startDate.toJSDate().toISOString()).toBe('2099-06-01T13:00:00.000Z');
      expect(response.body).not.toContain('Privatename');
    }
  });

  it('is 404 for outsiders and malformed ids, 401 signed out', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const made = await addAppointment(client, relationship.id, { startsAt: daysFromNow(2) });
    const url = `/api/appointments/${made.id}/calendar.ics`;
    for (const outsider of [stranger, otherClient]) {
      expectNotFound(await outsider.request({ method: 'GET', url }));
    }
    expectNotFound(
      await client.request({ method: 'GET', url: '/api/appointments/x/calendar.ics' }),
    );
    expectSignedOut(await anonymous(t.app, 'GET', url));
  });
});
