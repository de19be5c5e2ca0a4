import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkins } from '../../db/schema.ts';
import { buildTherapist, type Person } from '../../test/factories.ts';
import { freshDatabase, startTestApp, type TestApp } from '../../test/harness.ts';
import {
  type AppointmentJson,
  addAppointment,
  anonymous,
  auditRowsOf,
  buildRelationship,
  type CheckinJson,
  type ConnectedWorld,
  calm,
  checkIn,
  connect,
  daysFromNow,
  expectError,
  expectInvalid,
  expectNotFound,
  expectSignedOut,
  invite,
  postCheckin,
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

type PageJson = { checkins: CheckinJson[] };

const listRaw = (person: Person, relationshipId: string) =>
  person.request({ method: 'GET', url: `/api/relationships/${relationshipId}/checkins` });
const ids = async (person: Person, relationshipId: string) => {
  const response = await listRaw(person, relationshipId);
  expect(response.statusCode, response.body).toBe(200);
  return response
    .json<{ items: CheckinJson[] }>()
    .items.map((c) => c.id)
    .sort();
};
const getOne = (person: Person, id: string) =>
  person.request({ method: 'GET', url: `/api/checkins/${id}` });
const patch = (person: Person, id: string, payload: object) =>
  person.request({ method: 'PATCH', url: `/api/checkins/${id}`, payload });
const pageIds = async (person: Person, relationshipId: string) => {
  const response = await person.request({
    method: 'GET',
    url: `/api/relationships/${relationshipId}/page`,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response
    .json<PageJson>()
    .checkins.map((c) => c.id)
    .sort();
};
const stored = async (id: string) => {
  const [row] = await t.services.db.select().from(checkins).where(eq(checkins.id, id));
  return row;
};
const storedFor = (appointmentId: string) =>
  t.services.db.select().from(checkins).where(eq(checkins.appointmentId, appointmentId));

/** A connected relationship with one appointment last week. */
async function connectedWithAppointment(): Promise<
  ConnectedWorld & { appointment: AppointmentJson }
> {
  const world = await buildRelationship(t.app, { mode: 'connected' });
  const appointment = await addAppointment(world.client, world.relationship.id, {
    startsAt: daysFromNow(-7),
  });
  return { ...world, appointment };
}

describe('POST /api/appointments/:id/checkins', () => {
  it("records the client's check-in with exactly the documented fields and the score as the sum", async () => {
    const { client, appointment } = await connectedWithAppointment();
    const response = await postCheckin(client, appointment.id, {
      bond: 1,
      goals: 2,
      method: 3,
      overall: 10,
      tension: 2,
      resolved: 1,
      note: 'It felt rushed at the end.',
    });
    expect(response.statusCode).toBe(201);
    const { checkin } = response.json<{ checkin: CheckinJson }>();
    expect(Object.keys(checkin).sort()).toEqual([
      'appointmentId',
      'bond',
      'createdAt',
      'goals',
      'id',
      'method',
      'note',
      'overall',
      'resolved',
      'respondent',
      'score',
      'shared',
      'tension',
    ]);
    expect(checkin).toMatchObject({
      appointmentId: appointment.id,
      respondent: 'client',
      bond: 1,
      goals: 2,
      method: 3,
      overall: 10,
      tension: 2,
      resolved: 1,
      note: 'It felt rushed at the end.',
      score: 16,
    });
    expect(new Date(checkin.createdAt).toISOString()).toBe(checkin.createdAt);
  });

  it("records the therapist's check-in as the therapist's, whatever the body says", async () => {
    const { therapist, appointment } = await connectedWithAppointment();
    const checkin = await checkIn(therapist, appointment.id, { ...calm, bond: 9 });
    expect(checkin.respondent).toBe('therapist');
    expect(checkin.score).toBe(9 + calm.goals + calm.method + calm.overall);
  });

  it.each([
    [0, 0, 0, 0, 0],
    [10, 10, 10, 10, 40],
    [7, 3, 9, 1, 20],
  ])('scores %i + %i + %i + %i as %i', async (bond, goals, method, overall, score) => {
    const { client, appointment } = await connectedWithAppointment();
    const checkin = await checkIn(client, appointment.id, { bond, goals, method, overall });
    expect(checkin.score).toBe(score);
  });

  it('stores resolved as null when there was no tension, and keeps it when there was', async () => {
    const world = await connectedWithAppointment();
    const none = await checkIn(world.client, world.appointment.id, { tension: 0, resolved: 3 });
    expect(none.resolved).toBeNull();
    expect((await stored(none.id))?.resolved).toBeNull();
    const some = await checkIn(world.therapist, world.appointment.id, {
      tension: 4,
      resolved: 4,
    });
    expect(some.resolved).toBe(4);
    const other = await addAppointment(world.client, world.relationship.id, {
      startsAt: daysFromNow(-1),
    });
    const unanswered = await checkIn(world.client, other.id, { tension: 1 });
    expect(unanswered.resolved).toBeNull();
  });

  it('stores a blank note as no note', async () => {
    const { client, appointment } = await connectedWithAppointment();
    expect((await checkIn(client, appointment.id, { note: '   ' })).note).toBeNull();
  });

  it("defaults a client's check-in to private while solo, and to shared once connected", async () => {
    const solo = await buildRelationship(t.app);
    const soloAppointment = await addAppointment(solo.client, solo.relationship.id, {
      startsAt: daysFromNow(-2),
    });
    expect((await checkIn(solo.client, soloAppointment.id)).shared).toBe(false);

    const { client, appointment } = await connectedWithAppointment();
    expect((await checkIn(client, appointment.id)).shared).toBe(true);
  });

  it("keeps the client's explicit choice either way", async () => {
    const solo = await buildRelationship(t.app);
    const soloAppointment = await addAppointment(solo.client, solo.relationship.id, {
      startsAt: daysFromNow(-2),
    });
    expect((await checkIn(solo.client, soloAppointment.id, { shared: true })).shared).toBe(true);
    const { client, appointment } = await connectedWithAppointment();
    expect((await checkIn(client, appointment.id, { shared: false })).shared).toBe(false);
  });

  it("always shares the therapist's check-in", async () => {
    const { client, therapist, appointment, relationship } = await connectedWithAppointment();
    const checkin = await checkIn(therapist, appointment.id, { shared: false });
    expect(checkin.shared).toBe(true);
    expect(await ids(client, relationship.id)).toEqual([checkin.id]);
  });

  it('answers 409 to a second check-in by the same respondent; the other respondent can still check in', async () => {
    const { client, therapist, appointment } = await connectedWithAppointment();
    const first = await checkIn(client, appointment.id, { shared: false });
    const again = await postCheckin(client, appointment.id, { ...calm, bond: 0 });
    expectError(again, 409, 'checkin_exists');
    const mine = await checkIn(therapist, appointment.id);
    expectError(await postCheckin(therapist, appointment.id, calm), 409, 'checkin_exists');
    const rows = await storedFor(appointment.id);
    expect(rows.map((r) => r.id).sort()).toEqual([first.id, mine.id].sort());
    expect((await stored(first.id))?.bond).toBe(first.bond);
  });

  it.each([
    ['bond of 11', { bond: 11 }, 'bond'],
    ['goals of -1', { goals: -1 }, 'goals'],
    ['method of 2.5', { method: 2.5 }, 'method'],
    ['overall as text', { overall: '7' }, 'overall'],
    ['overall as null', { overall: null }, 'overall'],
    ['tension of 5', { tension: 5 }, 'tension'],
    ['tension of -1', { tension: -1 }, 'tension'],
    ['resolved of 5', { tension: 2, resolved: 5 }, 'resolved'],
    ['resolved of 1.5', { tension: 2, resolved: 1.5 }, 'resolved'],
    ['shared as text', { shared: 'yes' }, 'shared'],
    ['a note over 100,000 characters', { note: 'x'.repeat(100_001) }, 'note'],
    ['a respondent in the body', { respondent: 'therapist' }, 'respondent'],
    ['a score in the body', { score: 40 }, 'score'],
  ])('refuses %s with 400 naming the field, recording nothing', async (_name, change, field) => {
    const { client, appointment } = await connectedWithAppointment();
    expectInvalid(await postCheckin(client, appointment.id, { ...calm, ...change }), [field]);
    expect(await storedFor(appointment.id)).toEqual([]);
  });

  it('refuses missing items with 400 naming each', async () => {
    const { client, appointment } = await connectedWithAppointment();
    expectInvalid(await postCheckin(client, appointment.id, { bond: 5 }), [
      'goals',
      'method',
      'overall',
      'tension',
    ]);
    expect(await storedFor(appointment.id)).toEqual([]);
  });

  it('is 404 for a stranger therapist, another client and an invited therapist, recording nothing', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const appointment = await addAppointment(client, relationship.id, {
      startsAt: daysFromNow(-1),
    });
    const invited = await buildTherapist(t.app);
    await invite(client, relationship.id);
    for (const outsider of [stranger, otherClient, invited]) {
      expectNotFound(await postCheckin(outsider, appointment.id, calm));
    }
    expect(await storedFor(appointment.id)).toEqual([]);
  });

  it('is 404 for a malformed or unknown appointment, and 401 when signed out', async () => {
    const { client, appointment, relationship } = await connectedWithAppointment();
    expectNotFound(await postCheckin(client, 'nope', calm));
    expectNotFound(await postCheckin(client, relationship.id, calm));
    expectSignedOut(
      await anonymous(t.app, 'POST', `/api/appointments/${appointment.id}/checkins`, calm),
    );
    expect(await storedFor(appointment.id)).toEqual([]);
  });
});

describe('who sees a check-in', () => {
  it('shows the therapist shared client check-ins and their own, never a private one', async () => {
    const { client, therapist, relationship } = await buildRelationship(t.app, {
      mode: 'connected',
    });
    const one = await addAppointment(client, relationship.id, { startsAt: daysFromNow(-14) });
    const two = await addAppointment(client, relationship.id, { startsAt: daysFromNow(-7) });
    const shared = await checkIn(client, one.id);
    const hidden = await checkIn(client, two.id, { shared: false, note: 'Just for me.' });
    const theirs = await checkIn(therapist, two.id);

    expect(await ids(client, relationship.id)).toEqual([shared.id, hidden.id, theirs.id].sort());
    expect(await ids(therapist, relationship.id)).toEqual([shared.id, theirs.id].sort());
    expect(await pageIds(client, relationship.id)).toEqual(
      [shared.id, hidden.id, theirs.id].sort(),
    );
    expect(await pageIds(therapist, relationship.id)).toEqual([shared.id, theirs.id].sort());

    expectNotFound(await getOne(therapist, hidden.id));
    const list = await listRaw(therapist, relationship.id);
    expect(list.body).not.toContain('Just for me.');
    expect((await getOne(therapist, shared.id)).json()).toEqual({ checkin: shared });
    expect((await getOne(client, hidden.id)).json()).toEqual({ checkin: hidden });
    expect((await getOne(client, theirs.id)).json()).toEqual({ checkin: theirs });
  });

  it('lists check-ins in the order of their appointments', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const later = await addAppointment(client, relationship.id, { startsAt: daysFromNow(-1) });
    const earlier = await addAppointment(client, relationship.id, { startsAt: daysFromNow(-9) });
    const a = await checkIn(client, later.id);
    const b = await checkIn(client, earlier.id);
    const response = await listRaw(client, relationship.id);
    expect(response.json<{ items: CheckinJson[] }>().items.map((c) => c.id)).toEqual([b.id, a.id]);
  });

  it('keeps a check-in made while solo private after the therapist connects', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const appointment = await addAppointment(client, relationship.id, {
      startsAt: daysFromNow(-30),
    });
    const early = await checkIn(client, appointment.id, { tension: 4, resolved: 0 });
    const therapist = await buildTherapist(t.app);
    await connect(client, relationship.id, therapist);
    expect(await ids(therapist, relationship.id)).toEqual([]);
    expectNotFound(await getOne(therapist, early.id));
    expect(await ids(client, relationship.id)).toEqual([early.id]);
  });

  it('records each read by the therapist for the client to see, and nothing for the client', async () => {
    const { client, therapist, relationship, appointment } = await connectedWithAppointment();
    const checkin = await checkIn(client, appointment.id);
    const before = (await auditRowsOf(t.services, relationship.id)).length;

    await listRaw(client, relationship.id);
    await getOne(client, checkin.id);
    expect(await auditRowsOf(t.services, relationship.id)).toHaveLength(before);

    await listRaw(therapist, relationship.id);
    await getOne(therapist, checkin.id);
    const rows = (await auditRowsOf(t.services, relationship.id)).slice(before);
    expect(rows).toEqual([
      expect.objectContaining({
        actorId: therapist.id,
        subjectUserId: client.id,
        action: 'read',
        subjectType: 'checkins',
      }),
      expect.objectContaining({
        actorId: therapist.id,
        subjectUserId: client.id,
        action: 'read',
        subjectType: 'checkin',
        subjectId: checkin.id,
      }),
    ]);
  });

  it('is 404 for outsiders and malformed ids, 401 when signed out (list and one)', async () => {
    const { client, relationship, appointment } = await connectedWithAppointment();
    const checkin = await checkIn(client, appointment.id);
    for (const outsider of [stranger, otherClient]) {
      expectNotFound(await listRaw(outsider, relationship.id));
      expectNotFound(await getOne(outsider, checkin.id));
    }
    expectNotFound(await listRaw(client, 'nope'));
    expectNotFound(await getOne(client, 'nope'));
    expectNotFound(await getOne(client, appointment.id));
    expectSignedOut(
      await anonymous(t.app, 'GET', `/api/relationships/${relationship.id}/checkins`),
    );
    expectSignedOut(await anonymous(t.app, 'GET', `/api/checkins/${checkin.id}`));
    // None of that was a read of the client's data by anyone.
    expect(await auditRowsOf(t.services, relationship.id)).toEqual([
      expect.objectContaining({ action: 'connect' }),
    ]);
  });
});

describe('PATCH /api/checkins/:id', () => {
  it('lets the client unshare a check-in, which the therapist then no longer sees, and share it again', async () => {
    const { client, therapist, relationship, appointment } = await connectedWithAppointment();
    const checkin = await checkIn(client, appointment.id);
    expect(await ids(therapist, relationship.id)).toEqual([checkin.id]);
    expect(await pageIds(therapist, relationship.id)).toEqual([checkin.id]);

    const unshared = await patch(client, checkin.id, { shared: false });
    expect(unshared.statusCode).toBe(200);
    expect(unshared.json<{ checkin: CheckinJson }>().checkin.shared).toBe(false);
    expect(await ids(therapist, relationship.id)).toEqual([]);
    expect(await pageIds(therapist, relationship.id)).toEqual([]);
    expectNotFound(await getOne(therapist, checkin.id));
    expect(await ids(client, relationship.id)).toEqual([checkin.id]);

    const reshared = await patch(client, checkin.id, { shared: true });
    expect(reshared.json<{ checkin: CheckinJson }>().checkin.shared).toBe(true);
    expect(await ids(therapist, relationship.id)).toEqual([checkin.id]);
    expect(await pageIds(therapist, relationship.id)).toEqual([checkin.id]);
    expect((await getOne(therapist, checkin.id)).statusCode).toBe(200);
  });

  it('lets the client share a check-in kept private while solo', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const appointment = await addAppointment(client, relationship.id, {
      startsAt: daysFromNow(-3),
    });
    const checkin = await checkIn(client, appointment.id);
    const therapist = await buildTherapist(t.app);
    await connect(client, relationship.id, therapist);
    await patch(client, checkin.id, { shared: true });
    expect(await ids(therapist, relationship.id)).toEqual([checkin.id]);
  });

  it('changes answers, recomputing the score and clearing resolved when tension goes to 0', async () => {
    const { client, appointment } = await connectedWithAppointment();
    const checkin = await checkIn(client, appointment.id, {
      bond: 5,
      goals: 5,
      method: 5,
      overall: 5,
      tension: 3,
      resolved: 1,
    });
    const response = await patch(client, checkin.id, { bond: 9, note: 'Thought more about it.' });
    expect(response.statusCode).toBe(200);
    const changed = response.json<{ checkin: CheckinJson }>().checkin;
    expect(changed).toMatchObject({ bond: 9, score: 24, tension: 3, resolved: 1 });
    expect(changed.note).toBe('Thought more about it.');
    const eased = await patch(client, checkin.id, { tension: 0 });
    expect(eased.json<{ checkin: CheckinJson }>().checkin).toMatchObject({
      tension: 0,
      resolved: null,
    });
    expect((await getOne(client, checkin.id)).json<{ checkin: CheckinJson }>().checkin).toEqual(
      eased.json<{ checkin: CheckinJson }>().checkin,
    );
  });

  it("keeps the therapist's own check-in shared even when asked otherwise", async () => {
    const { client, therapist, relationship, appointment } = await connectedWithAppointment();
    const checkin = await checkIn(therapist, appointment.id);
    const response = await patch(therapist, checkin.id, { shared: false, bond: 2 });
    expect(response.statusCode).toBe(200);
    expect(response.json<{ checkin: CheckinJson }>().checkin).toMatchObject({
      shared: true,
      bond: 2,
    });
    expect(await ids(client, relationship.id)).toEqual([checkin.id]);
  });

  it("is for the respondent only: each gets 404 on the other's check-in, which stays as it was", async () => {
    const { client, therapist, appointment } = await connectedWithAppointment();
    const mine = await checkIn(client, appointment.id);
    const theirs = await checkIn(therapist, appointment.id);
    expectNotFound(await patch(therapist, mine.id, { bond: 0, shared: false }));
    expectNotFound(await patch(client, theirs.id, { bond: 0 }));
    expect((await stored(mine.id))?.bond).toBe(mine.bond);
    expect((await stored(mine.id))?.shared).toBe(true);
    expect((await stored(theirs.id))?.bond).toBe(theirs.bond);
  });

  it('is 404 for the therapist on a private check-in they cannot see', async () => {
    const { client, therapist, appointment } = await connectedWithAppointment();
    const hidden = await checkIn(client, appointment.id, { shared: false });
    expectNotFound(await patch(therapist, hidden.id, { shared: true }));
    expect((await stored(hidden.id))?.shared).toBe(false);
  });

  it('is 404 for a stranger therapist and another client, and changes nothing', async () => {
    const { client, appointment } = await connectedWithAppointment();
    const checkin = await checkIn(client, appointment.id);
    for (const outsider of [stranger, otherClient]) {
      expectNotFound(await patch(outsider, checkin.id, { bond: 0, shared: false }));
    }
    expect(await stored(checkin.id)).toMatchObject({ bond: checkin.bond, shared: true });
  });

  it('is 404 for a malformed id, 401 when signed out', async () => {
    const { client, appointment } = await connectedWithAppointment();
    const checkin = await checkIn(client, appointment.id);
    expectNotFound(await patch(client, 'nope', { bond: 1 }));
    expectSignedOut(await anonymous(t.app, 'PATCH', `/api/checkins/${checkin.id}`, { bond: 1 }));
    expect((await stored(checkin.id))?.bond).toBe(checkin.bond);
  });

  it.each([
    ['bond of 11', { bond: 11 }, 'bond'],
    ['overall of 2.5', { overall: 2.5 }, 'overall'],
    ['tension of 5', { tension: 5 }, 'tension'],
    ['resolved of 5', { resolved: 5 }, 'resolved'],
    ['a respondent', { respondent: 'therapist' }, 'respondent'],
    ['a move to another appointment', { appointmentId: 'x' }, 'appointmentId'],
  ])('refuses %s with 400 naming the field, changing nothing', async (_name, payload, field) => {
    const { client, appointment } = await connectedWithAppointment();
    const checkin = await checkIn(client, appointment.id, { tension: 2, resolved: 1 });
    expectInvalid(await patch(client, checkin.id, payload), [field]);
    expect((await getOne(client, checkin.id)).json()).toEqual({ checkin });
  });
});

describe('two server instances on one database', () => {
  it('never shows the therapist a check-in the client has just made private on the other instance', async () => {
    // Every answer below comes after the client's PATCH has answered 200: from then on, no
    // instance may show the check-in to the therapist (a private check-in is never theirs).
    const fresh = await freshDatabase();
    const one = await startTestApp({ fresh });
    const two = await startTestApp({ fresh });
    try {
      const on = (person: Person, app: TestApp): Person => ({
        ...person,
        request: (options) =>
          app.app.inject({ ...options, headers: { cookie: person.cookie, ...options.headers } }),
      });
      const leaks: string[] = [];
      for (let i = 0; i < 20; i++) {
        const world = await buildRelationship(one.app, { mode: 'connected' });
        const appointment = await addAppointment(world.client, world.relationship.id, {
          startsAt: daysFromNow(-1),
        });
        const checkin = await checkIn(world.client, appointment.id);
        const therapist = on(world.therapist, one);
        expect(await pageIds(therapist, world.relationship.id)).toEqual([checkin.id]);
        const unshared = await patch(on(world.client, two), checkin.id, { shared: false });
        expect(unshared.statusCode).toBe(200);
        if ((await pageIds(therapist, world.relationship.id)).includes(checkin.id)) {
          leaks.push(checkin.id);
        }
      }
      expect(leaks).toEqual([]);
    } finally {
      await one.close();
      await two.close();
      await fresh.drop();
    }
  });
});
