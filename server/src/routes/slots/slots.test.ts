import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { appointments, notifications, slots } from '../../db/schema.ts';
import { rollSlots } from '../../scheduling/fill.ts';
import { buildClient, buildTherapist, type Person } from '../../test/factories.ts';
import { startTestApp, type TestApp } from '../../test/harness.ts';
import {
  type AppointmentJson,
  anonymous,
  buildRelationship,
  type ConnectedWorld,
  expectError,
  expectInvalid,
  expectNotFound,
  expectSignedOut,
} from '../../test/world.ts';

/** Regular slots: who may make them, what is refused, the appointments they make and roll. */

const DAY = 86_400_000;
const WEEK = 7 * DAY;

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

type SlotJson = { id: string; relationshipId: string; weekday: number; time: string };
type Created = { slot: SlotJson; appointments: AppointmentJson[] };

/** A local date `days` from today (UTC), `YYYY-MM-DD`. */
const dateIn = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);

const slotBody = (fields: object = {}) => ({
  weekday: 2,
  time: '16:00',
  timezone: 'Europe/London',
  everyWeeks: 1,
  durationMinutes: 50,
  startsOn: dateIn(1),
  ...fields,
});

const postSlot = (person: Person, relationshipId: string, fields: object = {}) =>
  person.request({
    method: 'POST',
    url: `/api/relationships/${relationshipId}/slots`,
    payload: slotBody(fields),
  });

async function createSlot(person: Person, relationshipId: string, fields: object = {}) {
  const response = await postSlot(person, relationshipId, fields);
  expect(response.statusCode, response.body).toBe(201);
  return response.json<Created>();
}

const connected = (therapist?: Person) =>
  buildRelationship(t.app, { mode: 'connected', ...(therapist ? { therapist } : {}) });

const rowsOfSlot = (slotId: string) =>
  t.services.db.select().from(appointments).where(eq(appointments.slotId, slotId));

describe('POST /api/relationships/:id/slots', () => {
  it('makes the slot and its scheduled appointments for the coming 12 weeks', async () => {
    const world = await connected();
    const { slot, appointments: made } = await createSlot(world.therapist, world.relationship.id);
    expect(slot).toMatchObject({
      relationshipId: world.relationship.id,
      weekday: 2,
      time: '16:00',
    });
    expect(made).toHaveLength(12);
    for (const a of made) {
      expect(a).toMatchObject({ status: 'scheduled', slotId: slot.id, kind: 'individual' });
      // London in winter is UTC: 16:00 local on a Tuesday is 16:00Z.
      expect(new Date(a.startsAt).getUTCDay()).toBe(2);
      expect(a.startsAt.slice(11, 16)).toBe('16:00');
    }
    expect(made.every((a) => Date.parse(a.startsAt) < Date.now() + 12 * WEEK)).toBe(true);

    const listed = await world.client.request({
      method: 'GET',
      url: `/api/relationships/${world.relationship.id}/slots`,
    });
    expect(listed.json<{ items: SlotJson[] }>().items.map((s) => s.id)).toEqual([slot.id]);
    const own = await world.client.request({
      method: 'GET',
      url: `/api/relationships/${world.relationship.id}/appointments`,
    });
    expect(own.json<{ items: AppointmentJson[] }>().items.map((a) => a.id)).toEqual(
      made.map((a) => a.id),
    );
  });

  it('lets the client of a solo relationship keep their own slots', async () => {
    const solo = await buildRelationship(t.app);
    const { appointments: made } = await createSlot(solo.client, solo.relationship.id, {
      kind: 'phone',
      everyWeeks: 2,
    });
    expect(made).toHaveLength(6);
    expect(made.every((a) => a.kind === 'phone')).toBe(true);
  });

  it('is 401 signed out and 404 for anyone who may not set the slots', async () => {
    const world = await connected();
    const url = `/api/relationships/${world.relationship.id}/slots`;
    expectSignedOut(await anonymous(t.app, 'POST', url, slotBody()));
    expectSignedOut(await anonymous(t.app, 'GET', url));
    // The connected client does not set the therapist's caseload times.
    expectNotFound(await postSlot(world.client, world.relationship.id));
    expectNotFound(await postSlot(await buildClient(t.app), world.relationship.id));
    expectNotFound(await postSlot(await buildTherapist(t.app), world.relationship.id));
    expectNotFound(await postSlot(world.therapist, 'not-an-id'));
    const stranger = await buildClient(t.app);
    expectNotFound(await stranger.request({ method: 'GET', url }));
    expect(
      await t.services.db
        .select()
        .from(slots)
        .where(eq(slots.relationshipId, world.relationship.id)),
    ).toEqual([]);
  });

  it.each([
    [{ timezone: 'Mars/Olympus_Mons' }, 'timezone'],
    [{ timezone: 'europe/london' }, 'timezone'],
    [{ time: '25:00' }, 'time'],
    [{ time: '9:00' }, 'time'],
    [{ startsOn: '2026-02-30' }, 'startsOn'],
    [{ endsOn: '2026-13-01' }, 'endsOn'],
    [{ startsOn: '2027-03-10', endsOn: '2027-03-09' }, 'endsOn'],
    [{ durationMinutes: 4 }, 'durationMinutes'],
    [{ durationMinutes: 601 }, 'durationMinutes'],
    [{ weekday: 0 }, 'weekday'],
    [{ weekday: 8 }, 'weekday'],
    [{ everyWeeks: 3 }, 'everyWeeks'],
    [{ kind: 'couples' }, 'kind'],
    [{ colour: 'blue' }, 'colour'],
  ])('refuses %o (400, field %s) and writes nothing', async (fields, field) => {
    const world = await connected();
    expectInvalid(await postSlot(world.therapist, world.relationship.id, fields), [field]);
    const stored = await t.services.db
      .select()
      .from(slots)
      .where(eq(slots.relationshipId, world.relationship.id));
    expect(stored).toEqual([]);
    const made = await t.services.db
      .select()
      .from(appointments)
      .where(eq(appointments.relationshipId, world.relationship.id));
    expect(made).toEqual([]);
  });
});

describe('overlapping slots', () => {
  it("refuses a slot over another of the same therapist's, naming the clash in the slot's zone", async () => {
    const therapist = await buildTherapist(t.app);
    const one = await connected(therapist);
    const two = await connected(therapist);
    await createSlot(therapist, one.relationship.id);

    const half = await postSlot(therapist, two.relationship.id, { time: '16:30' });
    const error = expectError(half, 409, 'slot_overlap');
    expect(error.message).toMatch(/Tue \d{1,2} \w{3}, 16:30 \(Europe\/London\)/);

    // The same hour written in New York's zone is the same clash, and said in New York's words.
    const elsewhere = await postSlot(therapist, two.relationship.id, {
      time: '11:00',
      timezone: 'America/New_York',
    });
    expect(expectError(elsewhere, 409, 'slot_overlap').message).toMatch(
      /Tue \d{1,2} \w{3}, 11:00 \(America\/New_York\)/,
    );
    expect(
      await t.services.db.select().from(slots).where(eq(slots.relationshipId, two.relationship.id)),
    ).toEqual([]);

    // Right after it ends, and on another day, is fine.
    await createSlot(therapist, two.relationship.id, { time: '16:50' });
    await createSlot(therapist, two.relationship.id, { weekday: 3 });
  });

  it('does not weigh one therapist’s slots against another’s, and frees the time once removed', async () => {
    const one = await connected();
    const two = await connected();
    const { slot } = await createSlot(one.therapist, one.relationship.id);
    await createSlot(two.therapist, two.relationship.id);
    expectError(await postSlot(one.therapist, one.relationship.id), 409, 'slot_overlap');
    const removed = await one.therapist.request({
      method: 'DELETE',
      url: `/api/slots/${slot.id}`,
      payload: {},
    });
    expect(removed.statusCode).toBe(204);
    await createSlot(one.therapist, one.relationship.id);
  });
});

describe('daylight saving', () => {
  it('keeps a London 16:00 slot at 16:00 local: 15:00Z in summer time, 16:00Z after 25 October', async () => {
    const world = await connected();
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date('2026-10-12T09:00:00Z'));
      const { appointments: made } = await createSlot(world.therapist, world.relationship.id, {
        weekday: 1,
        startsOn: '2026-10-19',
      });
      const starts = made.map((a) => a.startsAt);
      expect(starts[0]).toBe('2026-10-19T15:00:00.000Z');
      expect(starts[1]).toBe('2026-10-26T16:00:00.000Z');
      expect(starts.slice(1).every((s) => s.endsWith('T16:00:00.000Z'))).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('DELETE /api/slots/:id', () => {
  it('cancels the future appointments and tells the client once when the therapist removes it', async () => {
    const world = await connected();
    const { slot, appointments: made } = await createSlot(world.therapist, world.relationship.id);
    // A past appointment of the slot stays as it was.
    const [past] = await t.services.db
      .insert(appointments)
      .values({
        id: crypto.randomUUID(),
        relationshipId: world.relationship.id,
        startsAt: new Date(Date.now() - WEEK),
        durationMinutes: 50,
        kind: 'individual',
        status: 'held',
        slotId: slot.id,
        slotOccurrence: new Date(Date.now() - WEEK),
      })
      .returning();

    expectNotFound(
      await world.client.request({ method: 'DELETE', url: `/api/slots/${slot.id}`, payload: {} }),
    );
    expectNotFound(
      await (await buildTherapist(t.app)).request({
        method: 'DELETE',
        url: `/api/slots/${slot.id}`,
        payload: {},
      }),
    );
    expectNotFound(
      await world.therapist.request({ method: 'DELETE', url: '/api/slots/nope', payload: {} }),
    );
    const response = await world.therapist.request({
      method: 'DELETE',
      url: `/api/slots/${slot.id}`,
      payload: {},
    });
    expect(response.statusCode, response.body).toBe(204);

    const rows = await rowsOfSlot(slot.id);
    const future = rows.filter((r) => r.id !== past?.id);
    expect(future).toHaveLength(made.length);
    expect(future.every((r) => r.status === 'cancelled' && r.cancelReason === 'slot-removed')).toBe(
      true,
    );
    expect(rows.find((r) => r.id === past?.id)?.status).toBe('held');

    const told = await t.services.db
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.userId, world.client.id),
          eq(notifications.kind, 'appointment-cancelled'),
        ),
      );
    expect(told.map((n) => n.subjectId)).toEqual([made[0]?.id]);

    const listed = await world.therapist.request({
      method: 'GET',
      url: `/api/relationships/${world.relationship.id}/slots`,
    });
    expect(listed.json<{ items: unknown[] }>().items).toEqual([]);
    expectNotFound(
      await world.therapist.request({
        method: 'DELETE',
        url: `/api/slots/${slot.id}`,
        payload: {},
      }),
    );
  });

  it('lets a solo client remove their own slot, telling nobody', async () => {
    const solo = await buildRelationship(t.app);
    const { slot } = await createSlot(solo.client, solo.relationship.id);
    const response = await solo.client.request({
      method: 'DELETE',
      url: `/api/slots/${slot.id}`,
      payload: {},
    });
    expect(response.statusCode).toBe(204);
    const told = await t.services.db
      .select()
      .from(notifications)
      .where(eq(notifications.relationshipId, solo.relationship.id));
    expect(told).toEqual([]);
  });
});

describe('rolling slots forward', () => {
  it('is idempotent, adds the new weeks as time passes, and never re-makes a moved appointment', async () => {
    const world: ConnectedWorld = await connected();
    const { slot, appointments: made } = await createSlot(world.therapist, world.relationship.id);
    const now = Date.now();

    await rollSlots(t.services.db, new Date(now));
    await Promise.all([
      rollSlots(t.services.db, new Date(now)),
      rollSlots(t.services.db, new Date(now)),
    ]);
    expect(await rowsOfSlot(slot.id)).toHaveLength(made.length);

    // The client moves the first appointment to the day after; its occurrence stays taken.
    const first = made[0]!;
    const moved = await world.client.request({
      method: 'PATCH',
      url: `/api/appointments/${first.id}`,
      payload: { startsAt: new Date(Date.parse(first.startsAt) + DAY).toISOString() },
    });
    expect(moved.statusCode, moved.body).toBe(200);

    // Two weeks later: two more weeks exist, nothing twice, and the moved one was not re-made.
    await rollSlots(t.services.db, new Date(now + 2 * WEEK));
    await rollSlots(t.services.db, new Date(now + 2 * WEEK));
    const rows = await rowsOfSlot(slot.id);
    expect(rows).toHaveLength(made.length + 2);
    const occurrences = rows.map((r) => r.slotOccurrence?.toISOString());
    expect(new Set(occurrences).size).toBe(rows.length);
    expect(rows.filter((r) => r.startsAt.toISOString() === first.startsAt)).toEqual([]);
    const [stored] = await t.services.db.select().from(slots).where(eq(slots.id, slot.id));
    expect(stored?.filledUntil.getTime()).toBe(now + 14 * WEEK);
  });

  it('makes an occurrence inside time off cancelled, and stops rolling a removed slot', async () => {
    const world = await connected();
    const { slot, appointments: made } = await createSlot(world.therapist, world.relationship.id);
    const last = Date.parse(made.at(-1)!.startsAt);
    // Time off over the week after the last appointment made so far.
    const away = await world.therapist.request({
      method: 'POST',
      url: '/api/time-off',
      payload: {
        from: new Date(last + DAY).toISOString(),
        to: new Date(last + WEEK + DAY).toISOString(),
      },
    });
    expect(away.statusCode, away.body).toBe(201);
    const timeOffId = away.json<{ timeOff: { id: string } }>().timeOff.id;

    await rollSlots(t.services.db, new Date(Date.now() + WEEK));
    const next = (await rowsOfSlot(slot.id)).find((r) => r.startsAt.getTime() === last + WEEK);
    expect(next).toMatchObject({ status: 'cancelled', cancelReason: 'time-off', timeOffId });

    await world.therapist.request({ method: 'DELETE', url: `/api/slots/${slot.id}`, payload: {} });
    const before = (await rowsOfSlot(slot.id)).length;
    await rollSlots(t.services.db, new Date(Date.now() + 4 * WEEK));
    expect(await rowsOfSlot(slot.id)).toHaveLength(before);
  });
});
