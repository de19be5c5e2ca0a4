import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appointments, couples, notifications } from '../../db/schema.ts';
import { buildClient, buildTherapist, type Person } from '../../test/factories.ts';
import { startTestApp, type TestApp } from '../../test/harness.ts';
import {
  type AppointmentJson,
  anonymous,
  buildRelationship,
  type CheckinJson,
  checkIn,
  daysFromNow,
  expectError,
  expectInvalid,
  expectNotFound,
  expectSignedOut,
  type RelationshipJson,
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

type TherapistCoupleJson = {
  id: string;
  relationshipIds: string[];
  consented: Record<string, boolean>;
  active: boolean;
};
type PartnerCoupleJson = {
  id: string;
  relationshipId: string;
  partnerName: string;
  consentedByMe: boolean;
  active: boolean;
};

type Pair = {
  therapist: Person;
  a: Person;
  b: Person;
  ra: RelationshipJson;
  rb: RelationshipJson;
};

async function pair(): Promise<Pair> {
  const therapist = await buildTherapist(t.app);
  const a = await buildClient(t.app, `Alex ${randomUUID().slice(0, 6)}`);
  const b = await buildClient(t.app, `Blair ${randomUUID().slice(0, 6)}`);
  const ra = (await buildRelationship(t.app, { mode: 'connected', client: a, therapist }))
    .relationship;
  const rb = (await buildRelationship(t.app, { mode: 'connected', client: b, therapist }))
    .relationship;
  return { therapist, a, b, ra, rb };
}

const create = (person: Person, relationshipIds: unknown) =>
  person.request({ method: 'POST', url: '/api/couples', payload: { relationshipIds } });
const listOf = async <T>(person: Person) => {
  const response = await person.request({ method: 'GET', url: '/api/couples' });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ items: T[] }>().items;
};
const consent = (person: Person, id: string) =>
  person.request({ method: 'POST', url: `/api/couples/${id}/consent`, payload: {} });
const end = (person: Person, id: string) =>
  person.request({ method: 'DELETE', url: `/api/couples/${id}`, payload: {} });
const schedule = (person: Person, id: string, payload: object) =>
  person.request({ method: 'POST', url: `/api/couples/${id}/appointments`, payload });

async function couple(p: Pair, consented = false): Promise<TherapistCoupleJson> {
  const response = await create(p.therapist, [p.ra.id, p.rb.id]);
  expect(response.statusCode, response.body).toBe(201);
  const made = response.json<{ couple: TherapistCoupleJson }>().couple;
  if (consented) {
    expect((await consent(p.a, made.id)).statusCode).toBe(200);
    expect((await consent(p.b, made.id)).statusCode).toBe(200);
  }
  return made;
}

async function meeting(
  p: Pair,
  coupleId: string,
  days = 3,
): Promise<[AppointmentJson, AppointmentJson]> {
  const response = await schedule(p.therapist, coupleId, {
    startsAt: daysFromNow(days),
    durationMinutes: 80,
  });
  expect(response.statusCode, response.body).toBe(201);
  const rows = response.json<{ appointments: AppointmentJson[] }>().appointments;
  return [rows[0]!, rows[1]!];
}

describe('POST /api/couples', () => {
  it('joins two connected relationships and asks both clients', async () => {
    const p = await pair();
    const made = await couple(p);
    expect(made).toEqual({
      id: expect.any(String),
      relationshipIds: [p.ra.id, p.rb.id],
      consented: { [p.ra.id]: false, [p.rb.id]: false },
      active: true,
    });
    for (const [person, r] of [
      [p.a, p.ra],
      [p.b, p.rb],
    ] as const) {
      const notices = await t.services.db
        .select()
        .from(notifications)
        .where(and(eq(notifications.userId, person.id), eq(notifications.kind, 'couples-invite')));
      expect(notices).toMatchObject([{ relationshipId: r.id, subjectId: made.id }]);
    }
    expectError(await create(p.therapist, [p.rb.id, p.ra.id]), 409, 'couple_exists');
  });

  it('refuses the same client twice (400), someone else’s relationships (404), clients (404)', async () => {
    const p = await pair();
    const second = await buildRelationship(t.app, {
      mode: 'connected',
      client: p.a,
      therapist: p.therapist,
      therapistName: 'Sam again',
    });
    expectInvalid(await create(p.therapist, [p.ra.id, second.relationship.id]), [
      'relationshipIds',
    ]);
    expectInvalid(await create(p.therapist, [p.ra.id, p.ra.id]), ['relationshipIds']);
    expectInvalid(await create(p.therapist, [p.ra.id]), ['relationshipIds']);
    expectInvalid(await create(p.therapist, 'both'), ['relationshipIds']);
    const solo = await buildRelationship(t.app, { therapistName: 'Sam' });
    expectNotFound(await create(p.therapist, [p.ra.id, solo.relationship.id]));
    expectNotFound(await create(stranger, [p.ra.id, p.rb.id]));
    expectNotFound(await create(p.a, [p.ra.id, p.rb.id]));
    expectNotFound(await create(p.therapist, [p.ra.id, 'not-an-id']));
    expectNotFound(await create(p.therapist, [p.ra.id, randomUUID()]));
    expectSignedOut(
      await anonymous(t.app, 'POST', '/api/couples', { relationshipIds: [p.ra.id, p.rb.id] }),
    );
    const stored = await t.services.db
      .select()
      .from(couples)
      .where(eq(couples.therapistId, p.therapist.id));
    expect(stored).toEqual([]);
  });
});

describe('consent and listing', () => {
  it('shows each partner their side only, and the therapist both consents', async () => {
    const p = await pair();
    const made = await couple(p);
    const response = await consent(p.a, made.id);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json<{ couple: PartnerCoupleJson }>().couple).toEqual({
      id: made.id,
      relationshipId: p.ra.id,
      partnerName: p.b.displayName,
      consentedByMe: true,
      active: true,
    });
    expect(await listOf<PartnerCoupleJson>(p.b)).toEqual([
      {
        id: made.id,
        relationshipId: p.rb.id,
        partnerName: p.a.displayName,
        consentedByMe: false,
        active: true,
      },
    ]);
    expect(await listOf<TherapistCoupleJson>(p.therapist)).toEqual([
      { ...made, consented: { [p.ra.id]: true, [p.rb.id]: false } },
    ]);
    expect(await listOf(otherClient)).toEqual([]);
    expect(await listOf(stranger)).toEqual([]);
    expectSignedOut(await anonymous(t.app, 'GET', '/api/couples'));
  });

  it('is 404 to consent for the therapist, strangers, other clients and bad ids', async () => {
    const p = await pair();
    const made = await couple(p);
    for (const person of [p.therapist, stranger, otherClient]) {
      expectNotFound(await consent(person, made.id));
    }
    expectNotFound(await consent(p.a, 'x'));
    expectNotFound(await consent(p.a, randomUUID()));
    expectSignedOut(await anonymous(t.app, 'POST', `/api/couples/${made.id}/consent`, {}));
  });
});

describe('POST /api/couples/:id/appointments', () => {
  it('waits for both consents, then makes one row per relationship sharing one id', async () => {
    const p = await pair();
    const made = await couple(p);
    await consent(p.a, made.id);
    expectError(
      await schedule(p.therapist, made.id, { startsAt: daysFromNow(2), durationMinutes: 80 }),
      409,
      'consent_missing',
    );
    await consent(p.b, made.id);
    const [first, second] = await meeting(p, made.id);
    expect(first).toMatchObject({ relationshipId: p.ra.id, kind: 'couples', status: 'scheduled' });
    expect(second).toMatchObject({ relationshipId: p.rb.id, kind: 'couples', status: 'scheduled' });
    expect(first.coupleAppointmentId).toEqual(expect.any(String));
    expect(second.coupleAppointmentId).toBe(first.coupleAppointmentId);
    expect(first.id).not.toBe(second.id);
    // In the therapist's calendar it is one meeting.
    const token = await p.therapist.request({ method: 'GET', url: '/api/me/calendar-token' });
    const calendar = await t.app.inject({
      method: 'GET',
      url: `/api/calendar.ics?token=${token.json<{ token: string }>().token}`,
    });
    expect(calendar.body.match(/BEGIN:VEVENT/g)).toHaveLength(1);
  });

  it('is 404 for partners and strangers, 400 for bad input, writing nothing', async () => {
    const p = await pair();
    const made = await couple(p, true);
    const body = { startsAt: daysFromNow(2), durationMinutes: 80 };
    for (const person of [p.a, p.b, stranger, otherClient]) {
      expectNotFound(await schedule(person, made.id, body));
    }
    expectNotFound(await schedule(p.therapist, 'bad', body));
    expectInvalid(await schedule(p.therapist, made.id, { startsAt: 'soon', durationMinutes: 80 }), [
      'startsAt',
    ]);
    expectInvalid(await schedule(p.therapist, made.id, { ...body, durationMinutes: 0 }), [
      'durationMinutes',
    ]);
    expectSignedOut(await anonymous(t.app, 'POST', `/api/couples/${made.id}/appointments`, body));
    const rows = await t.services.db
      .select()
      .from(appointments)
      .where(eq(appointments.coupleId, made.id));
    expect(rows).toEqual([]);
  });

  it('moves and cancels both rows together through either one', async () => {
    const p = await pair();
    const made = await couple(p, true);
    const [first, second] = await meeting(p, made.id);
    const moved = daysFromNow(5);
    const response = await p.a.request({
      method: 'PATCH',
      url: `/api/appointments/${first.id}`,
      payload: { startsAt: moved },
    });
    expect(response.statusCode, response.body).toBe(200);
    const cancel = await p.b.request({
      method: 'PATCH',
      url: `/api/appointments/${second.id}`,
      payload: { status: 'cancelled' },
    });
    expect(cancel.json<{ appointment: AppointmentJson }>().appointment).toMatchObject({
      status: 'cancelled',
      cancelReason: 'client',
      startsAt: moved,
    });
    const rows = await t.services.db
      .select()
      .from(appointments)
      .where(eq(appointments.coupleId, made.id));
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toMatchObject({ status: 'cancelled', cancelReason: 'client' });
      expect(row.startsAt.toISOString()).toBe(moved);
    }
  });
});

describe('DELETE /api/couples/:id', () => {
  it('ends the couple, cancels future couples appointments and tells the others', async () => {
    const p = await pair();
    const made = await couple(p, true);
    const [first, second] = await meeting(p, made.id, 4);
    const response = await end(p.a, made.id);
    expect(response.statusCode, response.body).toBe(204);
    const rows = await t.services.db
      .select()
      .from(appointments)
      .where(eq(appointments.coupleId, made.id));
    expect(rows.map((r) => [r.status, r.cancelReason])).toEqual([
      ['cancelled', 'client'],
      ['cancelled', 'client'],
    ]);
    const told = await t.services.db
      .select()
      .from(notifications)
      .where(eq(notifications.kind, 'appointment-cancelled'));
    const mine = told.filter((n) => [p.a.id, p.b.id, p.therapist.id].includes(n.userId));
    expect(mine.map((n) => [n.userId, n.subjectId]).sort()).toEqual(
      [
        [p.b.id, second.id],
        [p.therapist.id, first.id],
      ].sort(),
    );
    expect((await listOf<PartnerCoupleJson>(p.b))[0]?.active).toBe(false);
    expectError(await consent(p.b, made.id), 409, 'couple_ended');
    expectError(
      await schedule(p.therapist, made.id, { startsAt: daysFromNow(2), durationMinutes: 80 }),
      409,
      'couple_ended',
    );
    // Once ended, the pair may be joined again.
    expect((await create(p.therapist, [p.ra.id, p.rb.id])).statusCode).toBe(201);
  });

  it('records the therapist as the reason when they end it; 404 for anyone else', async () => {
    const p = await pair();
    const made = await couple(p, true);
    await meeting(p, made.id);
    for (const person of [stranger, otherClient]) expectNotFound(await end(person, made.id));
    expectNotFound(await end(p.therapist, 'nope'));
    expect((await end(p.therapist, made.id)).statusCode).toBe(204);
    const rows = await t.services.db
      .select()
      .from(appointments)
      .where(eq(appointments.coupleId, made.id));
    expect(rows.map((r) => r.cancelReason)).toEqual(['therapist', 'therapist']);
  });
});

describe('privacy between partners', () => {
  it('shows a partner nothing of the other but their name and the shared meeting id', async () => {
    const p = await pair();
    const made = await couple(p, true);
    const [rowA, rowB] = await meeting(p, made.id, -1);
    // Each partner checks in on their own row; B also keeps private records.
    const checkinA: CheckinJson = await checkIn(p.a, rowA.id, {
      note: 'alex-private-note',
      shared: false,
    });
    const checkinB: CheckinJson = await checkIn(p.b, rowB.id, {
      note: 'blair-private-note',
      shared: true,
    });
    const rupture = await p.b.request({
      method: 'POST',
      url: `/api/relationships/${p.rb.id}/ruptures`,
      payload: {
        title: 'blair-rupture-title',
        occurredAt: daysFromNow(-2),
        whatHappened: 'blair-what-happened',
        intensity: 3,
      },
    });
    expect(rupture.statusCode, rupture.body).toBe(201);
    const therapistView = await p.therapist.request({
      method: 'GET',
      url: `/api/relationships/${p.rb.id}/checkins`,
    });
    expect(therapistView.body).toContain(checkinB.id);

    async function sweep(me: Person, mine: RelationshipJson, forbidden: string[], allowed: string) {
      const urls = [
        '/api/couples',
        '/api/relationships',
        `/api/relationships/${mine.id}`,
        `/api/relationships/${mine.id}/appointments`,
        `/api/relationships/${mine.id}/checkins`,
        `/api/relationships/${mine.id}/ruptures`,
        `/api/relationships/${mine.id}/markers`,
        `/api/relationships/${mine.id}/page`,
        '/api/notifications',
        '/api/me/audit',
        '/api/me/schedule',
      ];
      for (const url of urls) {
        const response = await me.request({ method: 'GET', url });
        // A client has no week of their own: 404 like any ability they lack.
        expect(response.statusCode, url).toBe(url === '/api/me/schedule' ? 404 : 200);
        for (const secret of forbidden) expect(response.body, url).not.toContain(secret);
        if (url === '/api/couples') expect(response.body).toContain(allowed);
      }
    }
    await sweep(
      p.a,
      p.ra,
      [
        p.rb.id,
        p.b.id,
        p.b.email,
        rowB.id,
        checkinB.id,
        'blair-private-note',
        'blair-rupture',
        'blair-what',
      ],
      p.b.displayName,
    );
    await sweep(
      p.b,
      p.rb,
      [p.ra.id, p.a.id, p.a.email, rowA.id, checkinA.id, 'alex-private-note'],
      p.a.displayName,
    );
    const appointmentsOfA = await p.a.request({
      method: 'GET',
      url: `/api/relationships/${p.ra.id}/appointments`,
    });
    expect(appointmentsOfA.body).toContain(rowA.coupleAppointmentId!);
    // The other's records are not there at all for them.
    expectNotFound(
      await p.a.request({ method: 'GET', url: `/api/relationships/${p.rb.id}/checkins` }),
    );
    expectNotFound(await p.a.request({ method: 'GET', url: `/api/relationships/${p.rb.id}` }));
    expectNotFound(await p.a.request({ method: 'GET', url: `/api/appointments/${rowB.id}` }));
    expectNotFound(
      await p.a.request({
        method: 'PATCH',
        url: `/api/appointments/${rowB.id}`,
        payload: { status: 'held' },
      }),
    );
    expectNotFound(
      await p.a.request({
        method: 'POST',
        url: `/api/appointments/${rowB.id}/checkins`,
        payload: { bond: 8, goals: 8, method: 8, overall: 8, tension: 0 },
      }),
    );
    expectNotFound(
      await p.b.request({ method: 'GET', url: `/api/relationships/${p.ra.id}/checkins` }),
    );
  });
});
