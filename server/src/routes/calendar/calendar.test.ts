import type { LightMyRequestResponse } from 'fastify';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Person } from '../../test/factories.ts';
import { startTestApp, type TestApp } from '../../test/harness.ts';
import {
  addAppointment,
  anonymous,
  buildRelationship,
  daysFromNow,
  expectNotFound,
  expectSignedOut,
  someAddress,
} from '../../test/world.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ env: { publicUrl: 'https://attune.example' } });
});
afterAll(async () => {
  await t?.close();
});

type TokenJson = { token: string; url: string };

const tokenOf = async (person: Person, method: 'GET' | 'POST' = 'GET') => {
  const response = await person.request({
    method,
    url: '/api/me/calendar-token',
    ...(method === 'POST' ? { payload: {} } : {}),
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<TokenJson>();
};
const feed = (token: string, remoteAddress?: string) =>
  t.app.inject({
    method: 'GET',
    url: `/api/calendar.ics?token=${encodeURIComponent(token)}`,
    ...(remoteAddress ? { remoteAddress } : {}),
  });

/** The events of an iCalendar answer, read by a real parser. */
function eventsOf(response: LightMyRequestResponse) {
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers['content-type']).toBe('text/calendar; charset=utf-8');
  expect(response.headers['cache-control']).toBe('no-store');
  const calendar = new ICAL.Component(ICAL.parse(response.body));
  return calendar.getAllSubcomponents('vevent').map((vevent) => {
    const event = new ICAL.Event(vevent);
    return {
      uid: event.uid,
      summary: event.summary,
      start: event.startDate,
      end: event.endDate,
      status: vevent.getFirstPropertyValue('status'),
      description: vevent.getFirstPropertyValue('description'),
    };
  });
}

describe('GET/POST /api/me/calendar-token', () => {
  it('makes a secret address on the first call and keeps it', async () => {
    const { client } = await buildRelationship(t.app);
    const first = await tokenOf(client);
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.url).toBe(`https://attune.example/api/calendar.ics?token=${first.token}`);
    expect(await tokenOf(client)).toEqual(first);
  });

  it('is 401 signed out', async () => {
    expectSignedOut(await anonymous(t.app, 'GET', '/api/me/calendar-token'));
    expectSignedOut(await anonymous(t.app, 'POST', '/api/me/calendar-token', {}));
  });
});

describe('GET /api/calendar.ics', () => {
  it('gives the client’s appointments from 90 days ago on, in UTC, titled "Therapy" only', async () => {
    const world = await buildRelationship(t.app, {
      mode: 'connected',
      clientName: 'Robin Secretname',
      therapistName: 'Dr. Hiddenname',
    });
    const { client, relationship } = world;
    await addAppointment(client, relationship.id, { startsAt: daysFromNow(-100) });
    const recent = await addAppointment(client, relationship.id, { startsAt: daysFromNow(-10) });
    const coming = await addAppointment(client, relationship.id, {
      startsAt: '2099-03-02T09:30:00+01:00',
      durationMinutes: 50,
      kind: 'phone',
    });
    const cancelled = await addAppointment(client, relationship.id, {
      startsAt: daysFromNow(7),
      status: 'cancelled',
    });
    const response = await feed((await tokenOf(client)).token);
    const events = eventsOf(response);
    expect(events.map((e) => e.uid).sort()).toEqual(
      [recent.id, coming.id, cancelled.id].map((id) => `${id}@attune`).sort(),
    );
    for (const event of events) {
      expect(event.summary).toBe('Therapy');
      expect(event.start.zone?.tzid).toBe('UTC');
      expect(event.description).toBeNull();
    }
    const phone = events.find((e) => e.uid === `${coming.id}@attune`)!;
    expect(phone.start.toJSDate().toISOString()).toBe('2099-03-02T08:30:00.000Z');
    expect(phone.end.toJSDate().toISOString()).toBe('2099-03-02T09:20:00.000Z');
    expect(phone.status).toBe('CONFIRMED');
    expect(events.find((e) => e.uid === `${cancelled.id}@attune`)?.status).toBe('CANCELLED');
    expect(response.body).toMatch(/DTSTART:20990302T083000Z/);
    for (const secret of ['Secretname', 'Hiddenname', 'phone', relationship.id, client.email]) {
      expect(response.body).not.toContain(secret);
    }
  });

  it('gives the therapist the appointments of connected relationships only', async () => {
    const world = await buildRelationship(t.app, { mode: 'connected' });
    const mine = await addAppointment(world.client, world.relationship.id, {
      startsAt: daysFromNow(2),
    });
    const other = await buildRelationship(t.app, { client: world.client, therapistName: 'Kai' });
    await addAppointment(world.client, other.relationship.id, { startsAt: daysFromNow(3) });
    const events = eventsOf(await feed((await tokenOf(world.therapist)).token));
    expect(events.map((e) => e.uid)).toEqual([`${mine.id}@attune`]);
    expect(eventsOf(await feed((await tokenOf(world.client)).token))).toHaveLength(2);
  });

  it('stops answering an old token once a new one is made', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    await addAppointment(client, relationship.id, { startsAt: daysFromNow(1) });
    const old = await tokenOf(client);
    expect(eventsOf(await feed(old.token))).toHaveLength(1);
    const renewed = await tokenOf(client, 'POST');
    expect(renewed.token).not.toBe(old.token);
    expect(await tokenOf(client)).toEqual(renewed);
    expectNotFound(await feed(old.token));
    expect(eventsOf(await feed(renewed.token))).toHaveLength(1);
  });

  it('is 404 (JSON) for an unknown or missing token', async () => {
    expectNotFound(await feed('not-a-token'));
    expectNotFound(await anonymous(t.app, 'GET', '/api/calendar.ics'));
  });

  it('is rate-limited', async () => {
    const address = someAddress();
    const statuses: number[] = [];
    for (let i = 0; i < 61; i += 1) statuses.push((await feed('guess', address)).statusCode);
    expect(statuses.slice(0, 60).every((s) => s === 404)).toBe(true);
    expect(statuses[60]).toBe(429);
  });
});
