import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appointments, emailOutbox, notifications } from '../../db/schema.ts';
import { localTimeInWords } from '../../scheduling/words.ts';
import { buildClient, buildTherapist, type Person } from '../../test/factories.ts';
import { startTestApp, type TestApp } from '../../test/harness.ts';
import {
  type AppointmentJson,
  anonymous,
  buildRelationship,
  type ConnectedWorld,
  expectInvalid,
  expectNotFound,
  expectSignedOut,
} from '../../test/world.ts';

/** Time off: what it cancels, who is told (once), what removing it brings back; and gaps. */

const DAY = 86_400_000;
const WEEK = 7 * DAY;

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ env: { publicUrl: 'https://attune.example' } });
});
afterAll(async () => {
  await t?.close();
});

type TimeOffJson = { id: string; from: string; to: string; note: string | null };
type GapJson = { from: string; to: string | null; days: number; reason: string };

const dateIn = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);

async function slotFor(world: ConnectedWorld, fields: object = {}) {
  const response = await world.therapist.request({
    method: 'POST',
    url: `/api/relationships/${world.relationship.id}/slots`,
    payload: {
      weekday: 3,
      time: '10:00',
      timezone: 'UTC',
      everyWeeks: 1,
      durationMinutes: 50,
      startsOn: dateIn(1),
      ...fields,
    },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ appointments: AppointmentJson[] }>().appointments;
}

const postTimeOff = (person: Person, payload: object) =>
  person.request({ method: 'POST', url: '/api/time-off', payload });

const remove = (person: Person, id: string) =>
  person.request({ method: 'DELETE', url: `/api/time-off/${id}`, payload: {} });

const noticesOf = (person: Person, kind: string) =>
  t.services.db
    .select()
    .from(notifications)
    .where(and(eq(notifications.userId, person.id), eq(notifications.kind, kind)));

async function gapsOf(person: Person, relationshipId: string) {
  const response = await person.request({
    method: 'GET',
    url: `/api/relationships/${relationshipId}/upcoming-gaps`,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ items: GapJson[]; frequencyDays: number | null }>();
}

describe('POST /api/time-off', () => {
  it("cancels the appointments inside it across the caseload and tells each client once, by email with the next appointment in the client's zone", async () => {
    const therapist = await buildTherapist(t.app, 'Sam');
    const one = await buildRelationship(t.app, { mode: 'connected', therapist });
    const two = await buildRelationship(t.app, { mode: 'connected', therapist });
    const other = await buildRelationship(t.app, { mode: 'connected' });
    const mine = await slotFor(one);
    await slotFor(two, { time: '12:00' });
    const theirs = await slotFor(other);
    const zone = await one.client.request({
      method: 'PUT',
      url: '/api/me/notification-settings',
      payload: {
        settings: {
          email: {
            message: true,
            urgent: true,
            acknowledged: true,
            agreement: true,
            reminders: true,
          },
          inApp: {
            message: true,
            urgent: true,
            acknowledged: true,
            agreement: true,
            reminders: true,
          },
          unreadReminderHours: 24,
          replyDueReminderHours: 4,
          timezone: 'America/New_York',
        },
      },
    });
    expect(zone.statusCode, zone.body).toBe(200);

    // Two weeks away, from just before the second appointment of the first client.
    const from = new Date(Date.parse(mine[1]!.startsAt) - 3_600_000);
    const to = new Date(from.getTime() + 2 * WEEK);
    const response = await postTimeOff(therapist, {
      from: from.toISOString(),
      to: to.toISOString(),
      note: ' Conference ',
    });
    expect(response.statusCode, response.body).toBe(201);
    const { timeOff, affected } = response.json<{
      timeOff: TimeOffJson;
      affected: AppointmentJson[];
    }>();
    expect(timeOff).toMatchObject({
      from: from.toISOString(),
      to: to.toISOString(),
      note: 'Conference',
    });
    expect(affected).toHaveLength(4);
    expect(affected.every((a) => a.status === 'cancelled' && a.cancelReason === 'time-off')).toBe(
      true,
    );
    expect(new Set(affected.map((a) => a.relationshipId))).toEqual(
      new Set([one.relationship.id, two.relationship.id]),
    );
    const stored = await t.services.db
      .select()
      .from(appointments)
      .where(
        inArray(
          appointments.id,
          affected.map((a) => a.id),
        ),
      );
    expect(stored.every((a) => a.timeOffId === timeOff.id)).toBe(true);
    // Another therapist's client is untouched.
    const untouched = await t.services.db
      .select()
      .from(appointments)
      .where(
        inArray(
          appointments.id,
          theirs.map((a) => a.id),
        ),
      );
    expect(untouched.every((a) => a.status === 'scheduled')).toBe(true);

    for (const client of [one.client, two.client]) {
      expect((await noticesOf(client, 'time-off')).map((n) => n.subjectId)).toEqual([timeOff.id]);
    }
    expect(await noticesOf(other.client, 'time-off')).toEqual([]);

    await t.app.notifications.emails.idle();
    const [email] = await t.services.db
      .select()
      .from(emailOutbox)
      .where(eq(emailOutbox.toAddress, one.client.email));
    const next = mine[3]!;
    expect(Date.parse(next.startsAt)).toBeGreaterThanOrEqual(to.getTime());
    expect(email?.subject).toBe('Sam will be away');
    expect(email?.text).toContain(localTimeInWords(new Date(next.startsAt), 'America/New_York'));
    expect(email?.text).toContain('(America/New_York)');
  });

  it('is for therapists only, refuses an end not after the start, and writes nothing then', async () => {
    const world = await buildRelationship(t.app, { mode: 'connected' });
    const made = await slotFor(world);
    const at = made[0]!.startsAt;
    expectSignedOut(await anonymous(t.app, 'POST', '/api/time-off', { from: at, to: at }));
    const span = { from: at, to: new Date(Date.parse(at) + DAY).toISOString() };
    expectNotFound(await postTimeOff(world.client, span));
    expectInvalid(await postTimeOff(world.therapist, { from: at, to: at }), ['to']);
    expectInvalid(await postTimeOff(world.therapist, { from: 'soon', to: at }), ['from']);
    expectInvalid(await postTimeOff(world.therapist, { ...span, why: 'x' }), ['why']);
    const list = await world.therapist.request({ method: 'GET', url: '/api/time-off' });
    expect(list.json<{ items: unknown[] }>().items).toEqual([]);
    const [first] = await t.services.db
      .select()
      .from(appointments)
      .where(eq(appointments.id, made[0]!.id));
    expect(first?.status).toBe('scheduled');
  });
});

describe('listing and removing time off', () => {
  it('lists what is not over, soonest first, to the therapist and their clients only', async () => {
    const world = await buildRelationship(t.app, { mode: 'connected' });
    const later = await postTimeOff(world.therapist, {
      from: new Date(Date.now() + 20 * DAY).toISOString(),
      to: new Date(Date.now() + 21 * DAY).toISOString(),
    });
    const sooner = await postTimeOff(world.therapist, {
      from: new Date(Date.now() + 2 * DAY).toISOString(),
      to: new Date(Date.now() + 3 * DAY).toISOString(),
    });
    await postTimeOff(world.therapist, {
      from: new Date(Date.now() - 3 * DAY).toISOString(),
      to: new Date(Date.now() - 2 * DAY).toISOString(),
    });
    const ids = [sooner, later].map((r) => r.json<{ timeOff: TimeOffJson }>().timeOff.id);

    const own = await world.therapist.request({ method: 'GET', url: '/api/time-off' });
    expect(own.json<{ items: TimeOffJson[] }>().items.map((i) => i.id)).toEqual(ids);
    const url = `/api/relationships/${world.relationship.id}/time-off`;
    const seen = await world.client.request({ method: 'GET', url });
    expect(seen.json<{ items: TimeOffJson[] }>().items.map((i) => i.id)).toEqual(ids);

    expectNotFound(await world.client.request({ method: 'GET', url: '/api/time-off' }));
    expectNotFound(await (await buildClient(t.app)).request({ method: 'GET', url }));
    expectSignedOut(await anonymous(t.app, 'GET', url));
    const solo = await buildRelationship(t.app);
    const none = await solo.client.request({
      method: 'GET',
      url: `/api/relationships/${solo.relationship.id}/time-off`,
    });
    expect(none.json<{ items: unknown[] }>().items).toEqual([]);
  });

  it('brings the cancelled appointments back when removed, unless other time off covers them', async () => {
    const world = await buildRelationship(t.app, { mode: 'connected' });
    const made = await slotFor(world);
    const start = (i: number) => Date.parse(made[i]!.startsAt);
    const long = await postTimeOff(world.therapist, {
      from: new Date(start(0) - DAY).toISOString(),
      to: new Date(start(1) + DAY).toISOString(),
    });
    const short = await postTimeOff(world.therapist, {
      from: new Date(start(1) - DAY).toISOString(),
      to: new Date(start(1) + DAY).toISOString(),
    });
    const longId = long.json<{ timeOff: TimeOffJson }>().timeOff.id;
    const shortId = short.json<{ timeOff: TimeOffJson }>().timeOff.id;

    expectNotFound(await remove(await buildTherapist(t.app), longId));
    expectNotFound(await remove(world.client, longId));
    expectNotFound(await remove(world.therapist, 'nope'));
    const response = await remove(world.therapist, longId);
    expect(response.statusCode, response.body).toBe(204);

    const rows = await t.services.db
      .select()
      .from(appointments)
      .where(inArray(appointments.id, [made[0]!.id, made[1]!.id]));
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(made[0]!.id)).toMatchObject({
      status: 'scheduled',
      cancelReason: null,
      timeOffId: null,
    });
    // The second one is still inside the short time off.
    expect(byId.get(made[1]!.id)).toMatchObject({
      status: 'cancelled',
      cancelReason: 'time-off',
      timeOffId: shortId,
    });
    expect((await noticesOf(world.client, 'appointment-changed')).map((n) => n.subjectId)).toEqual([
      made[0]!.id,
    ]);
    expectNotFound(await remove(world.therapist, longId));
  });
});

describe('GET /api/relationships/:id/upcoming-gaps', () => {
  it('has no frequency and no gaps without an agreement or a slot', async () => {
    const world = await buildRelationship(t.app, { mode: 'connected' });
    expect(await gapsOf(world.client, world.relationship.id)).toEqual({
      items: [],
      frequencyDays: null,
    });
    expectNotFound(
      await (await buildClient(t.app)).request({
        method: 'GET',
        url: `/api/relationships/${world.relationship.id}/upcoming-gaps`,
      }),
    );
  });

  it('finds the gap made by time off, at the slot interval', async () => {
    const world = await buildRelationship(t.app, { mode: 'connected' });
    const made = await slotFor(world);
    const away = await postTimeOff(world.therapist, {
      from: new Date(Date.parse(made[2]!.startsAt) - DAY).toISOString(),
      to: new Date(Date.parse(made[3]!.startsAt) + DAY).toISOString(),
    });
    expect(away.statusCode).toBe(201);
    const { items, frequencyDays } = await gapsOf(world.therapist, world.relationship.id);
    expect(frequencyDays).toBe(7);
    expect(items).toEqual([
      {
        from: new Date(Date.parse(made[1]!.startsAt) + 50 * 60_000).toISOString(),
        to: made[4]!.startsAt,
        days: 21,
        reason: 'time-off',
      },
    ]);
  });

  it("uses the agreement's frequency over the slot's, and names other cancellations", async () => {
    const world = await buildRelationship(t.app, { mode: 'connected' });
    const made = await slotFor(world, { everyWeeks: 1 });
    const agreement = await world.therapist.request({
      method: 'PUT',
      url: `/api/relationships/${world.relationship.id}/agreement`,
      payload: {
        replyTimeHours: 24,
        sessionFrequencyDays: 10,
        contact: 'Email.',
        availability: 'Weekdays.',
        scheduling: 'Weekly.',
        roomRules: 'Kindness.',
        emergency: 'Call 112.',
      },
    });
    expect(agreement.statusCode, agreement.body).toBe(201);
    for (const a of [made[5]!, made[6]!]) {
      const cancelled = await world.client.request({
        method: 'PATCH',
        url: `/api/appointments/${a.id}`,
        payload: { status: 'cancelled' },
      });
      expect(cancelled.statusCode, cancelled.body).toBe(200);
    }
    const { items, frequencyDays } = await gapsOf(world.client, world.relationship.id);
    expect(frequencyDays).toBe(10);
    expect(items).toEqual([
      expect.objectContaining({ to: made[7]!.startsAt, days: 21, reason: 'cancelled' }),
    ]);
  });

  it('says no-slot for a stretch with nothing ever scheduled, up to the horizon', async () => {
    const solo = await buildRelationship(t.app);
    const agreement = await solo.client.request({
      method: 'PUT',
      url: `/api/relationships/${solo.relationship.id}/agreement`,
      payload: {
        replyTimeHours: 24,
        sessionFrequencyDays: 14,
        contact: 'Email.',
        availability: 'Weekdays.',
        scheduling: 'Fortnightly.',
        roomRules: 'Kindness.',
        emergency: 'Call 112.',
      },
    });
    expect(agreement.statusCode, agreement.body).toBe(201);
    const { items } = await gapsOf(solo.client, solo.relationship.id);
    expect(items).toEqual([expect.objectContaining({ to: null, days: 84, reason: 'no-slot' })]);
  });
});
