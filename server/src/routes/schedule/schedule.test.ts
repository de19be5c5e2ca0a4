import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appointmentRequests, openTimes, slots, timeOff } from '../../db/schema.ts';
import { buildClient, buildTherapist, type Person } from '../../test/factories.ts';
import { startTestApp, type TestApp } from '../../test/harness.ts';
import {
  addAppointment,
  anonymous,
  auditRowsOf,
  buildRelationship,
  expectInvalid,
  expectNotFound,
  expectSignedOut,
} from '../../test/world.ts';
import { scheduleRange } from './routes.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

type Item = { id: string; clientName?: string };
type ScheduleJson = {
  from: string;
  to: string;
  appointments: (Item & { startsAt: string })[];
  slots: Item[];
  timeOff: Item[];
  requests: Item[];
  openTimes: Item[];
};

const get = (person: Person, query = '') =>
  person.request({ method: 'GET', url: `/api/me/schedule${query}` });

/** A week far ahead (Monday 2 March 2099), so "still to come" holds whenever this runs. */
const week = '?from=2099-03-02T00:00:00Z&to=2099-03-09T00:00:00Z';

async function slot(relationshipId: string, therapistId: string, extra: object = {}) {
  const id = randomUUID();
  await t.services.db.insert(slots).values({
    id,
    relationshipId,
    therapistId,
    weekday: 2,
    time: '10:00',
    timezone: 'Europe/London',
    everyWeeks: 1,
    durationMinutes: 50,
    startsOn: '2099-01-01',
    filledUntil: new Date('2099-01-01T00:00:00Z'),
    ...extra,
  });
  return id;
}

async function openTime(therapistId: string, startsAt: string, taken = false) {
  const id = randomUUID();
  await t.services.db.insert(openTimes).values({
    id,
    therapistId,
    startsAt: new Date(startsAt),
    durationMinutes: 50,
    takenAt: taken ? new Date() : null,
  });
  return id;
}

async function request(relationshipId: string, status: 'open' | 'accepted', note: string | null) {
  const id = randomUUID();
  await t.services.db.insert(appointmentRequests).values({
    id,
    relationshipId,
    options: [{ startsAt: '2099-03-04T10:00:00.000Z', durationMinutes: 50 }],
    note,
    status,
  });
  return id;
}

describe('GET /api/me/schedule', () => {
  it('gathers the therapist’s week with client names, and nothing of anyone else', async () => {
    const therapist = await buildTherapist(t.app);
    const robin = await buildClient(t.app, 'Robin Ames');
    const sky = await buildClient(t.app, 'Sky Brook');
    const a = await buildRelationship(t.app, { mode: 'connected', client: robin, therapist });
    const b = await buildRelationship(t.app, { mode: 'connected', client: sky, therapist });
    const solo = await buildRelationship(t.app, { therapistName: 'Same name' });
    const other = await buildRelationship(t.app, { mode: 'connected' });

    const inWeek = await addAppointment(robin, a.relationship.id, {
      startsAt: '2099-03-03T10:00:00Z',
    });
    const cancelled = await addAppointment(sky, b.relationship.id, {
      startsAt: '2099-03-02T00:00:00Z',
      status: 'cancelled',
    });
    await addAppointment(robin, a.relationship.id, { startsAt: '2099-03-09T00:00:00Z' });
    await addAppointment(robin, a.relationship.id, { startsAt: '2099-03-01T23:59:00Z' });
    await addAppointment(solo.client, solo.relationship.id, { startsAt: '2099-03-03T10:00:00Z' });
    await addAppointment(other.client, other.relationship.id, {
      startsAt: '2099-03-03T10:00:00Z',
    });

    const active = await slot(a.relationship.id, therapist.id);
    await slot(b.relationship.id, therapist.id, { removedAt: new Date() });
    await slot(b.relationship.id, therapist.id, { endsOn: '2099-02-01' });
    await slot(other.relationship.id, other.therapist.id);

    const away = randomUUID();
    await t.services.db.insert(timeOff).values([
      {
        id: away,
        therapistId: therapist.id,
        startsAt: new Date('2099-02-27T00:00:00Z'),
        endsAt: new Date('2099-03-03T00:00:00Z'),
        note: 'Conference',
      },
      {
        id: randomUUID(),
        therapistId: therapist.id,
        startsAt: new Date('2099-03-09T00:00:00Z'),
        endsAt: new Date('2099-03-12T00:00:00Z'),
      },
      {
        id: randomUUID(),
        therapistId: other.therapist.id,
        startsAt: new Date('2099-03-03T00:00:00Z'),
        endsAt: new Date('2099-03-04T00:00:00Z'),
      },
    ]);

    const asked = await request(b.relationship.id, 'open', 'Could we meet sooner?');
    await request(a.relationship.id, 'accepted', null);
    await request(other.relationship.id, 'open', null);

    const open = await openTime(therapist.id, '2099-04-01T10:00:00Z');
    await openTime(therapist.id, '2099-04-02T10:00:00Z', true);
    await openTime(therapist.id, '2020-01-01T10:00:00Z');
    await openTime(other.therapist.id, '2099-04-01T10:00:00Z');

    const response = await get(therapist, week);
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json<ScheduleJson>();
    expect(body.from).toBe('2099-03-02T00:00:00.000Z');
    expect(body.to).toBe('2099-03-09T00:00:00.000Z');
    expect(body.appointments.map((x) => [x.id, x.clientName])).toEqual([
      [cancelled.id, 'Sky Brook'],
      [inWeek.id, 'Robin Ames'],
    ]);
    expect(body.slots.map((x) => [x.id, x.clientName])).toEqual([[active, 'Robin Ames']]);
    expect(body.slots[0]).toMatchObject({ weekday: 2, time: '10:00', endsOn: null });
    expect(body.timeOff).toEqual([
      {
        id: away,
        from: '2099-02-27T00:00:00.000Z',
        to: '2099-03-03T00:00:00.000Z',
        note: 'Conference',
        createdAt: expect.any(String),
      },
    ]);
    expect(body.requests.map((x) => [x.id, x.clientName])).toEqual([[asked, 'Sky Brook']]);
    expect(body.openTimes.map((x) => x.id)).toEqual([open]);

    // Sky's note was read: recorded for Sky, and for nobody whose request had none.
    const audits = await auditRowsOf(t.services, b.relationship.id);
    expect(audits.filter((x) => x.subjectType === 'appointment-requests')).toHaveLength(1);
    const robinAudits = await auditRowsOf(t.services, a.relationship.id);
    expect(robinAudits.filter((x) => x.subjectType === 'appointment-requests')).toEqual([]);
  });

  it('is 404 for clients and 401 signed out', async () => {
    const { client } = await buildRelationship(t.app, { mode: 'connected' });
    expectNotFound(await get(client));
    expectSignedOut(await anonymous(t.app, 'GET', '/api/me/schedule'));
  });

  it('refuses a range that ends before it starts, is longer than 62 days or is not a time', async () => {
    const therapist = await buildTherapist(t.app);
    expectInvalid(await get(therapist, '?from=2099-03-09T00:00:00Z&to=2099-03-02T00:00:00Z'), [
      'to',
    ]);
    expectInvalid(await get(therapist, '?from=2099-03-02T00:00:00Z&to=2099-03-02T00:00:00Z'), [
      'to',
    ]);
    expectInvalid(await get(therapist, '?from=2099-01-01T00:00:00Z&to=2099-03-05T00:00:00Z'), [
      'to',
    ]);
    expectInvalid(await get(therapist, '?from=monday'), ['from']);
    expectInvalid(await get(therapist, '?week=1'), ['week']);
    const longest = await get(therapist, '?from=2099-01-01T00:00:00Z&to=2099-03-04T00:00:00Z');
    expect(longest.statusCode, longest.body).toBe(200);
  });

  it('defaults to this week, from Monday 00:00 UTC', async () => {
    const therapist = await buildTherapist(t.app);
    const body = (await get(therapist)).json<ScheduleJson>();
    const from = new Date(body.from);
    expect(from.getUTCDay()).toBe(1);
    expect(body.from.slice(11)).toBe('00:00:00.000Z');
    expect(new Date(body.to).getTime() - from.getTime()).toBe(7 * 86_400_000);
    expect(Date.now()).toBeGreaterThanOrEqual(from.getTime());
    expect(Date.now()).toBeLessThan(new Date(body.to).getTime());
  });
});

describe('scheduleRange', () => {
  it('starts the week on Monday, Sunday included in the week before', () => {
    expect(scheduleRange({}, new Date('2026-11-29T23:00:00Z')).from.toISOString()).toBe(
      '2026-11-23T00:00:00.000Z',
    );
    expect(scheduleRange({}, new Date('2026-11-30T00:00:00Z')).from.toISOString()).toBe(
      '2026-11-30T00:00:00.000Z',
    );
  });

  it('makes a missing end a week after the start, and a missing start a week before the end', () => {
    expect(scheduleRange({ from: '2099-03-02T00:00:00Z' }).to.toISOString()).toBe(
      '2099-03-09T00:00:00.000Z',
    );
    expect(scheduleRange({ to: '2099-03-09T00:00:00Z' }).from.toISOString()).toBe(
      '2099-03-02T00:00:00.000Z',
    );
  });
});

describe('the OpenAPI document', () => {
  it('describes the week, requests, open times, couples and calendar routes', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(response.statusCode).toBe(200);
    const paths = Object.keys(response.json<{ paths: Record<string, unknown> }>().paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/me/schedule',
        '/api/relationships/{id}/appointment-requests',
        '/api/appointment-requests/{id}/accept',
        '/api/open-times',
        '/api/couples',
        '/api/couples/{id}/appointments',
        '/api/me/calendar-token',
        '/api/calendar.ics',
        '/api/appointments/{id}/calendar.ics',
      ]),
    );
  });
});
