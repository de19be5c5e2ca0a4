import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.ts';
import { declareErasure } from '../../db/erasure.ts';
import { auditEvents, emailOutbox, users } from '../../db/schema.ts';
import { listen, openEvents } from '../../notifications/testing.ts';
import { rollSlots } from '../../scheduling/fill.ts';
import { buildClient, buildTherapist, type Person } from '../../test/factories.ts';
import {
  databaseKind,
  type FreshDatabase,
  freshDatabase,
  startTestApp,
  type TestApp,
} from '../../test/harness.ts';
import {
  buildRelationship,
  calm,
  connect,
  daysFromNow,
  expectError,
  expectInvalid,
  expectNotFound,
  expectSignedOut,
  someAddress,
} from '../../test/world.ts';

/**
 * DELETE /api/me (docs/api/privacy.md, "Erasure"). What is erased is checked in the database
 * itself: every row of every table is searched for the ids and email of the erased person's
 * world, before and after, so a table added later is covered without naming it here.
 */

let t: TestApp;
let baseUrl: string;
beforeAll(async () => {
  t = await startTestApp();
  baseUrl = await listen(t.app);
});
afterAll(async () => {
  await t?.close();
});

type WithId = { id: string };
const DAY = 86_400_000;

const erase = (person: Person, payload: object, remoteAddress = '127.0.0.1') =>
  person.request({ method: 'DELETE', url: '/api/me', payload, remoteAddress });

const me = (cookie: string, app = t.app) =>
  app.inject({ method: 'GET', url: '/api/me', headers: { cookie } });

async function ok<T>(response: Promise<LightMyRequestResponse>, status: number, pick: string) {
  const r = await response;
  expect(r.statusCode, r.body).toBe(status);
  return r.json<Record<string, T>>()[pick] as T;
}

const send = (p: Person, method: 'POST' | 'PUT' | 'GET', url: string, payload?: object) =>
  p.request({ method, url, ...(payload ? { payload } : {}) });

/** The tables of the database, as they are now (a table added later is searched too). */
async function tableNames(db = t.services.db): Promise<string[]> {
  const result = (await db.execute(
    sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
  )) as unknown as { rows: { name: string }[] };
  return result.rows.map((r) => r.name);
}

/** Per table: how many rows there are, and how many mention any of `needles` anywhere. */
async function census(
  needles: string[],
): Promise<Map<string, { all: number; mentioning: number }>> {
  const out = new Map<string, { all: number; mentioning: number }>();
  const patterns = sql.join(
    needles.map((n) => sql`${`%${n}%`}`),
    sql`, `,
  );
  for (const name of await tableNames()) {
    const table = sql.raw(`"${name}"`);
    const result = (await t.services.db.execute(
      sql`select count(*)::int as "all", count(*) filter (where r::text like any (array[${patterns}]))::int as mentioning from ${table} r`,
    )) as unknown as { rows: { all: number; mentioning: number }[] };
    const row = result.rows[0] ?? { all: 0, mentioning: 0 };
    out.set(name, { all: Number(row.all), mentioning: Number(row.mentioning) });
  }
  return out;
}

const mentioning = (c: Map<string, { mentioning: number }>) =>
  Object.fromEntries([...c].filter(([, v]) => v.mentioning > 0).map(([k, v]) => [k, v.mentioning]));

/** Turns two-factor sign-in on; returns the secret and the recovery codes. */
async function enrol(person: Person) {
  const start = await send(person, 'POST', '/api/me/totp', {});
  expect(start.statusCode, start.body).toBe(201);
  const { secret } = start.json<{ secret: string }>();
  const code = await generate({ secret, epoch: Math.floor(Date.now() / 1000) - 30 });
  const confirm = await send(person, 'POST', '/api/me/totp/confirm', { code });
  expect(confirm.statusCode, confirm.body).toBe(200);
  return { secret, codes: confirm.json<{ recoveryCodes: string[] }>().recoveryCodes };
}

/**
 * A client A with a full world around them: a connected therapist T (who also sees B, a
 * bystander, and C, A's partner in couples appointments), and a row in every table A can
 * reach. Returns the ids that name A's world.
 */
async function clientWorld() {
  const A = await buildClient(t.app, `Aurelia-${randomUUID().slice(0, 6)}`);
  const T = await buildTherapist(t.app, 'Dr. Thorne');
  const B = await buildClient(t.app, 'Bea');
  const C = await buildClient(t.app, 'Caspian');
  const rel = (await buildRelationship(t.app, { client: A, mode: 'connected', therapist: T }))
    .relationship.id;
  const relB = (await buildRelationship(t.app, { client: B, mode: 'connected', therapist: T }))
    .relationship.id;
  const relC = (await buildRelationship(t.app, { client: C })).relationship.id;
  await connect(C, relC, T);

  const agreement = await ok<WithId>(
    send(T, 'PUT', `/api/relationships/${rel}/agreement`, {
      replyTimeHours: 48,
      sessionFrequencyDays: 7,
      contact: 'By message.',
      availability: 'Weekdays.',
      scheduling: 'By message.',
      roomRules: 'Be kind.',
      emergency: 'Call the crisis line.',
    }),
    201,
    'agreement',
  );
  const acknowledged = await send(A, 'POST', `/api/relationships/${rel}/agreement/acknowledge`, {
    version: 1,
  });
  expect(acknowledged.statusCode, acknowledged.body).toBe(200);
  const past = await ok<WithId>(
    send(A, 'POST', `/api/relationships/${rel}/appointments`, {
      startsAt: daysFromNow(-2),
      durationMinutes: 50,
      kind: 'individual',
    }),
    201,
    'appointment',
  );
  const checkin = await ok<WithId>(
    send(A, 'POST', `/api/appointments/${past.id}/checkins`, { ...calm, note: 'Heard.' }),
    201,
    'checkin',
  );
  const theirCheckin = await ok<WithId>(
    send(T, 'POST', `/api/appointments/${past.id}/checkins`, calm),
    201,
    'checkin',
  );
  const part = await ok<WithId>(
    send(A, 'POST', '/api/parts', { name: 'The watcher' }),
    201,
    'part',
  );
  const rupture = await ok<WithId>(
    send(A, 'POST', `/api/relationships/${rel}/ruptures`, {
      title: 'The shoes',
      occurredAt: daysFromNow(-3),
      whatHappened: 'She took her shoes off.',
      intensity: 3,
      partIds: [part.id],
      visibility: 'shared',
    }),
    201,
    'rupture',
  );
  const repair = await ok<WithId>(
    send(T, 'POST', `/api/ruptures/${rupture.id}/repairs`, {
      at: daysFromNow(-1),
      kind: 'therapist-explained',
      by: 'therapist',
      note: 'I explained.',
    }),
    201,
    'repair',
  );
  const letter = await ok<WithId>(
    send(A, 'POST', `/api/relationships/${rel}/letters`, { title: 'Dear T', body: 'Words.' }),
    201,
    'letter',
  );
  const moment = await ok<WithId>(
    send(A, 'POST', `/api/relationships/${rel}/good-moments`, {
      at: daysFromNow(-1),
      text: 'She laughed.',
    }),
    201,
    'goodMoment',
  );
  const agenda = await ok<WithId>(
    send(A, 'POST', `/api/relationships/${rel}/agenda`, { text: 'The shoes' }),
    201,
    'item',
  );
  const fromA = await ok<WithId>(
    send(A, 'POST', `/api/relationships/${rel}/messages`, { body: 'Can we talk?', urgent: true }),
    201,
    'message',
  );
  const fromT = await ok<WithId>(
    send(T, 'POST', `/api/relationships/${rel}/messages`, { body: 'Of course.' }),
    201,
    'message',
  );
  await ok(
    send(T, 'POST', `/api/relationships/${relB}/messages`, { body: 'Hello B.' }),
    201,
    'message',
  );
  const slot = await ok<WithId>(
    send(T, 'POST', `/api/relationships/${rel}/slots`, {
      weekday: 3,
      time: '10:00',
      timezone: 'Europe/London',
      everyWeeks: 1,
      durationMinutes: 50,
      startsOn: daysFromNow(1).slice(0, 10),
    }),
    201,
    'slot',
  );
  const request = await ok<WithId>(
    send(A, 'POST', `/api/relationships/${rel}/appointment-requests`, {
      options: [{ startsAt: daysFromNow(5, 2), durationMinutes: 50 }],
    }),
    201,
    'request',
  );
  const couple = await ok<WithId>(
    send(T, 'POST', '/api/couples', { relationshipIds: [rel, relC] }),
    201,
    'couple',
  );
  await ok(send(A, 'POST', `/api/couples/${couple.id}/consent`, {}), 200, 'couple');
  await ok(send(C, 'POST', `/api/couples/${couple.id}/consent`, {}), 200, 'couple');
  const coupleAppointment = await T.request({
    method: 'POST',
    url: `/api/couples/${couple.id}/appointments`,
    payload: { startsAt: daysFromNow(12), durationMinutes: 50 },
  });
  expect(coupleAppointment.statusCode, coupleAppointment.body).toBe(201);
  expect((await send(A, 'GET', '/api/me/calendar-token')).statusCode).toBe(200);
  const settings = await send(A, 'GET', '/api/me/notification-settings');
  expect(
    (
      await A.request({
        method: 'PUT',
        url: '/api/me/notification-settings',
        payload: settings.json(),
      })
    ).statusCode,
  ).toBe(200);
  // The therapist reads A's data: the audit trail records it, with A as its subject.
  for (const path of ['checkins', 'messages', 'ruptures', 'page', 'markers']) {
    expect((await send(T, 'GET', `/api/relationships/${rel}/${path}`)).statusCode, path).toBe(200);
  }
  await t.app.notifications.emails.idle();

  const ids = [
    A.id,
    A.email,
    rel,
    agreement.id,
    past.id,
    checkin.id,
    theirCheckin.id,
    part.id,
    rupture.id,
    repair.id,
    letter.id,
    moment.id,
    agenda.id,
    fromA.id,
    fromT.id,
    slot.id,
    request.id,
    // Not the couple's id: C's notice of the invitation names it, and stays C's.
  ];
  return { A, T, B, C, rel, relB, relC, ids, rupture, fromA, fromT, checkin };
}

describe('DELETE /api/me', () => {
  it('answers 401 when signed out, and 400 to a body without a password or with more', async () => {
    expectSignedOut(
      await t.app.inject({ method: 'DELETE', url: '/api/me', payload: { password: 'anything' } }),
    );
    const person = await buildClient(t.app);
    expectInvalid(await erase(person, {}), ['password']);
    expectInvalid(await erase(person, { password: person.password, extra: true }), ['extra']);
    expectInvalid(await erase(person, { password: person.password, totp: 'x'.repeat(41) }), [
      'totp',
    ]);
    expect((await me(person.cookie)).statusCode).toBe(200);
  });

  it('refuses a wrong password with 401 and erases nothing; repeated tries meet the throttle', async () => {
    const { client, relationship } = await buildRelationship(t.app, { mode: 'connected' });
    const before = await census([client.id, relationship.id]);
    const address = someAddress();
    for (let i = 0; i < 5; i += 1) {
      const error = expectError(
        await erase(client, { password: `not it ${i}` }, address),
        401,
        'invalid_password',
      );
      expect(error.message).toBe("That password isn't right. Please try again.");
    }
    // From the fifth failure the account waits, like a sign-in: even the right password.
    const throttled = await erase(client, { password: client.password }, address);
    expectError(throttled, 429, 'too_many_requests');
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    expect((await me(client.cookie)).statusCode).toBe(200);
    const after = await census([client.id, relationship.id]);
    // Only the throttle's counter changed (it is keyed by the email, not the id).
    expect(mentioning(after)).toEqual(mentioning(before));
  });

  it('asks for the second factor when two-factor sign-in is on, and takes a current code', async () => {
    const person = await buildClient(t.app);
    const { secret } = await enrol(person);
    expectError(await erase(person, { password: person.password }), 401, 'totp_required');
    const later = await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 300 });
    expectError(
      await erase(person, { password: person.password, totp: later }),
      401,
      'totp_invalid',
    );
    const now = await generate({ secret, epoch: Math.floor(Date.now() / 1000) });
    // The password is checked first: a wrong one does not use up the code.
    expectError(await erase(person, { password: 'not it', totp: now }), 401, 'invalid_password');
    expect((await me(person.cookie)).statusCode).toBe(200);

    const done = await erase(person, { password: person.password, totp: now });
    expect(done.statusCode, done.body).toBe(204);
    expect(mentioning(await census([person.id, person.email]))).toEqual({});
  });

  it('erases a client: every row of theirs in every table, and the therapist keeps no trace', async () => {
    const w = await clientWorld();
    const { A, T } = w;
    const { codes } = await enrol(A);
    // A wrong try first: the throttle's counter is keyed by A's email.
    expectError(await erase(A, { password: 'not it', totp: codes[0] }), 401, 'invalid_password');

    const before = await census(w.ids);
    const expected = [
      'agenda_items',
      'agreement_acknowledgements',
      'agreements',
      'appointment_requests',
      'appointments',
      'audit_events',
      'calendar_feeds',
      'checkins',
      'couples',
      'email_outbox',
      'good_moments',
      'invites',
      'letters',
      'login_throttle',
      'messages',
      'notification_settings',
      'notifications',
      'parts',
      'recovery_codes',
      'relationships',
      'repairs',
      'rupture_parts',
      'ruptures',
      'sessions',
      'slots',
      'users',
    ];
    for (const table of expected) expect(before.get(table)?.mentioning, table).toBeGreaterThan(0);
    // The therapist's page of A was cached before the erasure.
    expect((await send(T, 'GET', `/api/relationships/${w.rel}/page`)).statusCode).toBe(200);

    const response = await erase(A, { password: A.password, totp: codes[1] });
    expect(response.statusCode, response.body).toBe(204);
    expect(response.body).toBe('');
    const cleared = String(response.headers['set-cookie']);
    expect(cleared).toMatch(/^attune_session=;/);
    expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970/);

    const after = await census(w.ids);
    expect(mentioning(after)).toEqual({});
    for (const [table, counts] of before) {
      expect(after.get(table)?.all, table).toBe(counts.all - counts.mentioning);
    }

    // A is signed out, and cannot sign in.
    expectSignedOut(await me(A.cookie));
    expectError(
      await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: A.email, password: A.password },
      }),
      401,
      'invalid_credentials',
    );

    // The therapist: nothing of A's, even what was cached, even the messages A sent them.
    for (const path of [
      '',
      '/page',
      '/markers',
      '/checkins',
      '/ruptures',
      '/messages',
      '/agreement',
    ]) {
      expectNotFound(await send(T, 'GET', `/api/relationships/${w.rel}${path}`));
    }
    expectNotFound(await send(T, 'GET', `/api/ruptures/${w.rupture.id}`));
    expectNotFound(await send(T, 'POST', `/api/messages/${w.fromA.id}/acknowledge`, {}));
    expectNotFound(
      await send(T, 'POST', `/api/relationships/${w.rel}/messages`, { body: 'Hello?' }),
    );
    const caseload = await send(T, 'GET', '/api/caseload');
    expect(caseload.statusCode).toBe(200);
    const listed = await send(T, 'GET', '/api/relationships');
    for (const r of [caseload, listed, await send(T, 'GET', '/api/me/schedule')]) {
      expect(r.body).not.toContain(w.rel);
      expect(r.body).not.toContain(A.displayName);
    }
    expect(
      listed
        .json<{ items: WithId[] }>()
        .items.map((r) => r.id)
        .sort(),
    ).toEqual([w.relB, w.relC].sort());

    // Everyone else's world goes on: B's messages, C's relationship (no longer in a couple).
    const bMessages = await send(w.B, 'GET', `/api/relationships/${w.relB}/messages`);
    expect(bMessages.json<{ items: unknown[] }>().items).toHaveLength(1);
    expect((await send(w.C, 'GET', `/api/relationships/${w.relC}/page`)).statusCode).toBe(200);
    expect((await send(w.C, 'GET', '/api/couples')).json<{ items: unknown[] }>().items).toEqual([]);
  });

  it('erases a therapist: each client keeps the relationship as solo, with what the therapist sent', async () => {
    const {
      client: D,
      therapist: T,
      relationship,
    } = await buildRelationship(t.app, {
      mode: 'connected',
      therapistName: 'Sam as I call her',
    });
    const rel = relationship.id;
    await ok(
      send(T, 'PUT', `/api/relationships/${rel}/agreement`, {
        replyTimeHours: 48,
        contact: 'By message.',
        availability: 'Weekdays.',
        scheduling: 'By message.',
        roomRules: 'Be kind.',
        emergency: 'Call the crisis line.',
      }),
      201,
      'agreement',
    );
    const past = await ok<WithId>(
      send(D, 'POST', `/api/relationships/${rel}/appointments`, {
        startsAt: daysFromNow(-2),
        durationMinutes: 50,
        kind: 'individual',
      }),
      201,
      'appointment',
    );
    await ok(send(T, 'POST', `/api/appointments/${past.id}/checkins`, calm), 201, 'checkin');
    const rupture = await ok<WithId>(
      send(D, 'POST', `/api/relationships/${rel}/ruptures`, {
        title: 'The shoes',
        occurredAt: daysFromNow(-3),
        whatHappened: 'She took her shoes off.',
        intensity: 3,
        visibility: 'shared',
      }),
      201,
      'rupture',
    );
    await ok(
      send(T, 'POST', `/api/ruptures/${rupture.id}/repairs`, {
        at: daysFromNow(-1),
        kind: 'therapist-apologized',
        by: 'therapist',
        note: 'I am sorry.',
      }),
      201,
      'repair',
    );
    const fromT = await ok<WithId>(
      send(T, 'POST', `/api/relationships/${rel}/messages`, { body: 'See you Monday.' }),
      201,
      'message',
    );
    const fromD = await ok<{ id: string; replyDueAt: string | null }>(
      send(D, 'POST', `/api/relationships/${rel}/messages`, { body: 'Thank you.' }),
      201,
      'message',
    );
    expect(fromD.replyDueAt).not.toBeNull();
    await ok<WithId>(
      send(T, 'POST', `/api/relationships/${rel}/slots`, {
        weekday: 2,
        time: '09:00',
        timezone: 'UTC',
        everyWeeks: 1,
        durationMinutes: 50,
        startsOn: daysFromNow(1).slice(0, 10),
      }),
      201,
      'slot',
    );
    await ok(
      send(T, 'POST', '/api/time-off', { from: daysFromNow(200), to: daysFromNow(201) }),
      201,
      'timeOff',
    );
    await ok(
      send(T, 'POST', '/api/open-times', { startsAt: daysFromNow(30, 3), durationMinutes: 50 }),
      201,
      'openTime',
    );
    expect((await send(T, 'GET', '/api/me/calendar-token')).statusCode).toBe(200);
    const { secret } = await enrol(T);
    expect((await send(T, 'GET', `/api/relationships/${rel}/checkins`)).statusCode).toBe(200);
    const auditBefore = (await send(D, 'GET', '/api/me/audit')).json<{ items: unknown[] }>().items;
    expect(auditBefore.length).toBeGreaterThan(0);
    const messagesBefore = (await send(D, 'GET', `/api/relationships/${rel}/messages`)).json<{
      items: WithId[];
    }>().items;
    await t.app.notifications.emails.idle();

    const before = await census([T.id, T.email]);
    for (const table of [
      'users',
      'sessions',
      'recovery_codes',
      'slots',
      'time_off',
      'open_times',
      'calendar_feeds',
      'audit_events',
      'messages',
      'repairs',
      'agreements',
    ]) {
      expect(before.get(table)?.mentioning, table).toBeGreaterThan(0);
    }

    const code = await generate({ secret, epoch: Math.floor(Date.now() / 1000) });
    const response = await erase(T, { password: T.password, totp: code });
    expect(response.statusCode, response.body).toBe(204);
    expect(mentioning(await census([T.id, T.email]))).toEqual({});
    expectSignedOut(await me(T.cookie));

    // The client's relationship goes on, solo, under the name they gave it.
    const page = await send(D, 'GET', `/api/relationships/${rel}/page`);
    expect(page.statusCode, page.body).toBe(200);
    const after = await ok<object>(
      send(D, 'GET', `/api/relationships/${rel}`),
      200,
      'relationship',
    );
    expect(after).toMatchObject({
      id: rel,
      mode: 'solo',
      therapistId: null,
      therapistName: 'Sam as I call her',
      status: 'active',
    });
    // What the therapist sent stays the client's: messages, repair step, agreement, check-in.
    const messages = (await send(D, 'GET', `/api/relationships/${rel}/messages`)).json<{
      items: { id: string; senderRole: string; body: string; replyDueAt: string | null }[];
    }>().items;
    expect(messages.map((m) => m.id)).toEqual(messagesBefore.map((m) => m.id));
    expect(messages.find((m) => m.id === fromT.id)).toMatchObject({
      senderRole: 'therapist',
      body: 'See you Monday.',
    });
    // Nobody is left to answer: the reply time that was running stops.
    expect(messages.find((m) => m.id === fromD.id)?.replyDueAt).toBeNull();
    const kept = await ok<{ repairs: { by: string; note: string }[] }>(
      send(D, 'GET', `/api/ruptures/${rupture.id}`),
      200,
      'rupture',
    );
    expect(kept.repairs).toEqual([
      expect.objectContaining({ by: 'therapist', note: 'I am sorry.' }),
    ]);
    const agreement = await ok<{ version: number; contact: string }>(
      send(D, 'GET', `/api/relationships/${rel}/agreement`),
      200,
      'agreement',
    );
    expect(agreement).toMatchObject({ version: 1, contact: 'By message.' });
    expect((await send(D, 'GET', `/api/relationships/${rel}/agreement/versions`)).statusCode).toBe(
      200,
    );
    const checkins = (await send(D, 'GET', `/api/relationships/${rel}/checkins`)).json<{
      items: { respondent: string }[];
    }>().items;
    expect(checkins.map((c) => c.respondent)).toEqual(['therapist']);
    expect((await send(D, 'GET', `/api/relationships/${rel}/markers`)).statusCode).toBe(200);

    // The therapist's regular slot is gone; what it had made still to come is cancelled.
    expect((await send(D, 'GET', `/api/relationships/${rel}/slots`)).json()).toEqual({ items: [] });
    const appointments = (await send(D, 'GET', `/api/relationships/${rel}/appointments`)).json<{
      items: {
        id: string;
        startsAt: string;
        status: string;
        slotId: string | null;
        cancelReason: string | null;
      }[];
    }>().items;
    expect(appointments.every((a) => a.slotId === null)).toBe(true);
    const coming = appointments.filter((a) => Date.parse(a.startsAt) > Date.now());
    expect(coming.length).toBeGreaterThan(0);
    expect(coming.every((a) => a.status === 'cancelled' && a.cancelReason === 'slot-removed')).toBe(
      true,
    );
    expect(appointments.find((a) => a.id === past.id)).toMatchObject({ slotId: null });

    // The audit trail of who read the client's data stays theirs: the reader is "an erased account".
    const audit = (await send(D, 'GET', '/api/me/audit')).json<{ items: { actor: unknown }[] }>()
      .items;
    expect(audit).toHaveLength(auditBefore.length);
    expect(audit.every((e) => e.actor === null)).toBe(true);

    // And the client goes on: a new session and check-in, a new invite; messages to nobody are
    // refused with words that say why.
    const next = await ok<WithId>(
      send(D, 'POST', `/api/relationships/${rel}/appointments`, {
        startsAt: daysFromNow(-1),
        durationMinutes: 50,
        kind: 'individual',
      }),
      201,
      'appointment',
    );
    await ok(send(D, 'POST', `/api/appointments/${next.id}/checkins`, calm), 201, 'checkin');
    expectError(
      await send(D, 'POST', `/api/relationships/${rel}/messages`, { body: 'Are you there?' }),
      409,
      'not_connected',
    );
    await ok(send(D, 'POST', `/api/relationships/${rel}/invites`, {}), 201, 'invite');
  });

  it('ends the erased person’s live event stream at once', async () => {
    const { client } = await buildRelationship(t.app);
    const stream = await openEvents(baseUrl, client.cookie);
    try {
      await stream.next((event) => event.event === 'ready');
      expect(t.app.notifications.live.count(client.id)).toBe(1);
      expect((await erase(client, { password: client.password })).statusCode).toBe(204);
      await stream.ended;
      expect(t.app.notifications.live.count(client.id)).toBe(0);
    } finally {
      stream.close();
    }
  });

  it('leaves the reminder sweep and the slot roll nothing to do for the erased', async () => {
    const { client, therapist, relationship } = await buildRelationship(t.app, {
      mode: 'connected',
    });
    const rel = relationship.id;
    await ok(
      send(therapist, 'POST', `/api/relationships/${rel}/slots`, {
        weekday: 4,
        time: '11:00',
        timezone: 'UTC',
        everyWeeks: 1,
        durationMinutes: 50,
        startsOn: daysFromNow(1).slice(0, 10),
      }),
      201,
      'slot',
    );
    await ok(
      send(client, 'POST', `/api/relationships/${rel}/messages`, { body: 'Hi' }),
      201,
      'message',
    );
    await ok(
      send(therapist, 'POST', `/api/relationships/${rel}/messages`, { body: 'Hello' }),
      201,
      'message',
    );
    await t.app.notifications.emails.idle();
    expect((await erase(therapist, { password: therapist.password })).statusCode).toBe(204);
    expect((await erase(client, { password: client.password })).statusCode).toBe(204);

    // The jobs carry no one's id or email (notifications/jobs.ts sends `{}`): they read the
    // database, where the erased are gone. Run them as if weeks had passed.
    for (const days of [1, 3, 30]) {
      await t.app.notifications.reminders.sweep(new Date(Date.now() + days * DAY));
    }
    await rollSlots(t.services.db, new Date(Date.now() + 30 * DAY));
    await t.app.notifications.emails.idle();
    const mailed = await t.services.db
      .select({ to: emailOutbox.toAddress })
      .from(emailOutbox)
      .where(sql`${emailOutbox.toAddress} in (${client.email}, ${therapist.email})`);
    expect(mailed).toEqual([]);
    expect(
      mentioning(await census([client.id, therapist.id, client.email, therapist.email, rel])),
    ).toEqual({});
  });

  it('erases the person’s community profile and posts, anonymous asks included', async () => {
    const asker = await buildClient(t.app, 'Asker');
    const owner = await buildClient(t.app, 'Owner');
    const tag = randomUUID().slice(0, 8);
    const profile = (p: Person, pseudonym: string) =>
      send(p, 'PUT', '/api/community/profile', {
        pseudonym,
        askBoxOpen: true,
        allowAnonymous: true,
      });
    expect((await profile(asker, `asker${tag}`)).statusCode).toBe(200);
    expect((await profile(owner, `owner${tag}`)).statusCode).toBe(200);
    const ask = await ok<WithId>(
      send(asker, 'POST', '/api/community/questions', {
        body: 'How do you bring up a hard moment?',
        to: `owner${tag}`,
        anonymous: true,
      }),
      201,
      'question',
    );
    const inbox = async () =>
      (await ok<WithId[]>(send(owner, 'GET', '/api/community/inbox'), 200, 'items')).map(
        (q) => q.id,
      );
    expect(await inbox()).toEqual([ask.id]);
    expect((await erase(asker, { password: asker.password })).statusCode).toBe(204);
    expect(await inbox()).toEqual([]);
    expect((await send(owner, 'GET', `/api/community/profiles/asker${tag}`)).statusCode).toBe(404);
  });

  it('is described in the OpenAPI document under privacy', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{
      paths: Record<string, Record<string, { tags?: string[] }>>;
    }>();
    expect(doc.paths['/api/me']?.delete?.tags).toEqual(['privacy']);
  });
});

/** The code and message of a refused statement, as PostgreSQL (or PGlite) gives them. */
async function refusal(run: () => Promise<unknown>): Promise<{ code: unknown; message: string }> {
  try {
    await run();
  } catch (error) {
    const e = error as {
      code?: unknown;
      message: string;
      cause?: { code?: unknown; message?: string };
    };
    return { code: e.cause?.code ?? e.code, message: e.cause?.message ?? e.message };
  }
  throw new Error('the statement was not refused');
}

describe(`the audit trail is append-only (${databaseKind})`, () => {
  async function auditRow() {
    const subject = await buildClient(t.app);
    const actor = await buildTherapist(t.app);
    const id = randomUUID();
    await t.services.db.insert(auditEvents).values({
      id,
      actorId: actor.id,
      subjectUserId: subject.id,
      action: 'read',
      subjectType: 'checkins',
    });
    return { id, subject, actor };
  }
  const actionOf = async (id: string) =>
    (await t.services.db.select().from(auditEvents).where(eq(auditEvents.id, id)))[0]?.action;

  it('refuses UPDATE, DELETE and TRUNCATE outside an erasure', async () => {
    const { id, subject } = await auditRow();
    const db = t.services.db;
    for (const statement of [
      sql`update audit_events set action = 'changed' where id = ${id}`,
      sql`delete from audit_events where id = ${id}`,
      sql`truncate audit_events`,
      sql`truncate audit_events cascade`,
    ]) {
      const refused = await refusal(() => db.execute(statement));
      expect(refused.code).toBe('42501');
      expect(refused.message).toMatch(/audit_events is append-only/);
    }
    // Deleting an account outside a declared erasure is refused too (its audit rows cascade).
    const cascade = await refusal(() => db.delete(users).where(eq(users.id, subject.id)));
    expect(cascade.message).toMatch(/append-only/);
    expect(await actionOf(id)).toBe('read');
    expect((await me(subject.cookie)).statusCode).toBe(200);
  });

  it('lets a declared erasure through, for that transaction only', async () => {
    const { id, actor } = await auditRow();
    const db = t.services.db;
    await db.transaction(async (tx) => {
      await declareErasure(tx);
      await tx.delete(users).where(eq(users.id, actor.id));
    });
    const [row] = await db.select().from(auditEvents).where(eq(auditEvents.id, id));
    expect(row).toMatchObject({ action: 'read', actorId: null });
    // The declaration ended with its transaction, and one rolled back leaves nothing behind.
    await expect(
      db.transaction(async (tx) => {
        await declareErasure(tx);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    const again = await refusal(() =>
      db.execute(sql`update audit_events set action = 'changed' where id = ${id}`),
    );
    expect(again.code).toBe('42501');
    expect(await actionOf(id)).toBe('read');
  });
});

describe.skipIf(databaseKind !== 'postgres')('two instances on one PostgreSQL', () => {
  let fresh: FreshDatabase;
  let a: TestApp;
  let b: TestApp;
  let baseB: string;

  beforeAll(async () => {
    fresh = await freshDatabase();
    if (!fresh.url) throw new Error('a PostgreSQL database was expected');
    const second = await openDatabase({ databaseUrl: fresh.url, dataDir: undefined, poolSize: 5 });
    a = await startTestApp({ fresh });
    b = await startTestApp({
      fresh: { database: second, url: fresh.url, drop: () => second.close() },
    });
    baseB = await listen(b.app);
  });
  afterAll(async () => {
    await b?.close();
    await b?.services.database.close();
    await a?.close();
    await fresh?.drop();
  });

  it('ends the erased client’s sessions and the therapist’s access on the other instance at once', async () => {
    const { client, therapist, relationship } = await buildRelationship(a.app, {
      mode: 'connected',
    });
    const rel = relationship.id;
    // Instance B has both sessions cached, and the therapist's page of the client.
    expect((await me(client.cookie, b.app)).statusCode).toBe(200);
    const onB = (url: string) =>
      b.app.inject({ method: 'GET', url, headers: { cookie: therapist.cookie } });
    expect((await onB(`/api/relationships/${rel}/page`)).statusCode).toBe(200);
    const stream = await openEvents(baseB, client.cookie);
    try {
      await stream.next((event) => event.event === 'ready');

      const response = await client.request({
        method: 'DELETE',
        url: '/api/me',
        payload: { password: client.password },
      });
      expect(response.statusCode, response.body).toBe(204);

      await expect.poll(async () => (await me(client.cookie, b.app)).statusCode).toBe(401);
      expectNotFound(await onB(`/api/relationships/${rel}/page`));
      expectNotFound(await onB(`/api/relationships/${rel}/messages`));
      expect((await onB('/api/caseload')).body).not.toContain(rel);
      // B ends the stream at its next heartbeat (every 25 s), run here at once.
      await b.app.notifications.live.heartbeat();
      await stream.ended;
    } finally {
      stream.close();
    }
  });
});
