import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '../../db/schema.ts';
import { buildClient, buildTherapist, type Person } from '../../test/factories.ts';
import { startTestApp, type TestApp } from '../../test/harness.ts';
import {
  type AppointmentJson,
  accept,
  addAppointment,
  anonymous,
  auditRowsOf,
  backdate,
  buildRelationship,
  type CheckinJson,
  type ConnectedWorld,
  checkIn,
  daysFromNow,
  expectInvalid,
  expectNotFound,
  expectSignedOut,
  invite,
  itemsFor,
  type MarkerJson,
  type RelationshipJson,
  type SoloWorld,
  session,
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

const markersRaw = (person: Person, relationshipId: string, query = '') =>
  person.request({ method: 'GET', url: `/api/relationships/${relationshipId}/markers${query}` });
const markersOf = async (person: Person, relationshipId: string, query = '') => {
  const response = await markersRaw(person, relationshipId, query);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ items: MarkerJson[] }>().items;
};
const pageRaw = (person: Person, relationshipId: string) =>
  person.request({ method: 'GET', url: `/api/relationships/${relationshipId}/page` });
const kinds = (markers: MarkerJson[]) => markers.map((m) => `${m.kind}:${m.severity}`);

/** Client check-ins with these scores, a week apart, the last one `lastDay` days from now. */
async function series(world: SoloWorld, scores: number[], lastDay = -2) {
  const made = [];
  for (const [i, score] of scores.entries()) {
    made.push(await session(world, lastDay - 7 * (scores.length - 1 - i), { score }));
  }
  return made;
}

describe('GET /api/relationships/:id/markers: the rules of PRODUCT.md', () => {
  it('marks a drop at exactly baseline − 2 × spread, and not one point above', async () => {
    // Baseline 30, sample SD 3 (above the floor of 2): the threshold is 24.
    const at = await buildRelationship(t.app);
    const runs = await series(at, [27, 33, 30, 24]);
    const above = await buildRelationship(t.app);
    await series(above, [27, 33, 30, 25]);

    const markers = await markersOf(at.client, at.relationship.id);
    const last = runs.at(-1)!;
    expect(markers).toEqual([
      {
        kind: 'drop',
        at: last.appointment.startsAt,
        severity: 'warn',
        appointmentId: last.appointment.id,
        explanation: expect.stringContaining('(24)'),
      },
    ]);
    expect(markers[0]?.explanation).toMatch(/usually about 30/);
    expect(await markersOf(above.client, above.relationship.id)).toEqual([]);
  });

  it('uses spread 2 when the scores barely vary', async () => {
    // Baseline 30, SD 0 → spread 2: the threshold is 26.
    const at = await buildRelationship(t.app);
    await series(at, [30, 30, 30, 26]);
    const above = await buildRelationship(t.app);
    await series(above, [30, 30, 30, 27]);
    expect(kinds(await markersOf(at.client, at.relationship.id))).toEqual(['drop:warn']);
    expect(await markersOf(above.client, above.relationship.id)).toEqual([]);
  });

  it('uses k = 1 for a relationship that chose "sensitive"', async () => {
    const world = await buildRelationship(t.app);
    await series(world, [27, 33, 30, 27]);
    expect(await markersOf(world.client, world.relationship.id)).toEqual([]);
    const changed = await world.client.request({
      method: 'PATCH',
      url: `/api/relationships/${world.relationship.id}`,
      payload: { sensitivity: 'sensitive' },
    });
    expect(changed.statusCode).toBe(200);
    expect(kinds(await markersOf(world.client, world.relationship.id))).toEqual(['drop:warn']);
  });

  it('needs at least 3 earlier scores', async () => {
    const world = await buildRelationship(t.app);
    await series(world, [30, 30, 0]);
    expect(await markersOf(world.client, world.relationship.id)).toEqual([]);
  });

  it('uses only the 5 most recent earlier scores for the baseline', async () => {
    // With the old 0 in the baseline it would be mean 25, SD ≈ 12, and 26 no drop.
    const world = await buildRelationship(t.app);
    await series(world, [0, 30, 30, 30, 30, 30, 26]);
    expect(kinds(await markersOf(world.client, world.relationship.id))).toEqual(['drop:warn']);
  });

  it('orders check-ins by appointment start, not by when they were entered', async () => {
    const world = await buildRelationship(t.app);
    const low = await addAppointment(world.client, world.relationship.id, {
      startsAt: daysFromNow(-2),
    });
    await checkIn(world.client, low.id, itemsFor(20));
    await series(world, [30, 30, 30], -9);
    const markers = await markersOf(world.client, world.relationship.id);
    expect(markers.map((m) => [m.kind, m.appointmentId])).toEqual([['drop', low.id]]);
  });

  it('makes a drop an alert when the same check-in has tension of 3 or more', async () => {
    const world = await buildRelationship(t.app);
    await series(world, [30, 30, 30]);
    const low = await session(world, -1, { score: 10, tension: 3, resolved: 3 });
    const markers = await markersOf(world.client, world.relationship.id);
    expect(markers.map((m) => [m.kind, m.severity, m.appointmentId])).toEqual([
      ['drop', 'alert', low.appointment.id],
    ]);
  });

  it.each([
    [0, null, null],
    [1, 0, null],
    [1, null, null],
    [2, 2, null],
    [2, 1, 'warn'],
    [2, null, 'warn'],
    [3, 3, null],
    [3, 2, 'warn'],
    [3, 1, 'alert'],
    [3, 0, 'alert'],
    [4, 4, null],
    [4, 3, 'warn'],
    [4, 2, 'warn'],
    [4, null, 'alert'],
  ])('tension %i eased %s: %s', async (tension, resolved, severity) => {
    const world = await buildRelationship(t.app);
    const { appointment } = await session(world, -3, { score: 30, tension, resolved });
    const markers = await markersOf(world.client, world.relationship.id);
    expect(markers).toEqual(
      severity
        ? [
            {
              kind: 'tension',
              at: appointment.startsAt,
              severity,
              appointmentId: appointment.id,
              explanation: expect.any(String),
            },
          ]
        : [],
    );
  });

  it('marks tension unnoticed only when the therapist checked in with none', async () => {
    const world = await buildRelationship(t.app, { mode: 'connected' });
    // Tension 2 eased 2: no tension marker, so only "unnoticed" can appear.
    const add = async (days: number, client: number, therapist: number | null) => {
      const { appointment } = await session(world, days, {
        score: 30,
        tension: client,
        resolved: client,
      });
      if (therapist !== null)
        await checkIn(world.therapist, appointment.id, { tension: therapist });
      return appointment;
    };
    const unseen = await add(-30, 2, 0);
    await add(-23, 3, null);
    await add(-16, 2, 1);
    await add(-9, 1, 0);
    const alsoUnseen = await add(-2, 4, 0);
    for (const viewer of [world.client, world.therapist]) {
      const markers = await markersOf(viewer, world.relationship.id);
      expect(markers.map((m) => [m.kind, m.severity, m.appointmentId, m.at])).toEqual([
        ['unnoticed', 'warn', unseen.id, unseen.startsAt],
        ['unnoticed', 'warn', alsoUnseen.id, alsoUnseen.startsAt],
      ]);
    }
  });

  it('orders markers by time and words them for the viewer', async () => {
    const world = await buildRelationship(t.app, { mode: 'connected', clientName: 'Robin' });
    await series(world, [30, 30, 30], -20);
    const late = await session(world, -5, { score: 10, tension: 0 });
    const early = await session(world, -12, { score: 30, tension: 3, resolved: 0 });
    const forClient = await markersOf(world.client, world.relationship.id);
    expect(forClient.map((m) => [m.kind, m.appointmentId])).toEqual([
      ['tension', early.appointment.id],
      ['drop', late.appointment.id],
    ]);
    expect(forClient.some((m) => m.explanation.includes('Robin'))).toBe(false);
    const forTherapist = await markersOf(world.therapist, world.relationship.id);
    expect(forTherapist.map((m) => m.kind)).toEqual(['tension', 'drop']);
    expect(forTherapist.every((m) => m.explanation.startsWith('Robin'))).toBe(true);
    expect(Object.keys(forTherapist[0]!).sort()).toEqual([
      'appointmentId',
      'at',
      'explanation',
      'kind',
      'severity',
    ]);
  });

  it('leaves out everything after ?asOf=', async () => {
    const world = await buildRelationship(t.app);
    const made = await series(world, [30, 30, 30, 10], -2);
    // Each check-in was made an hour after its appointment began.
    for (const { appointment, checkin } of made) {
      const at = new Date(new Date(appointment.startsAt).getTime() + 3_600_000).toISOString();
      await backdate(t.services, checkin.id, at);
    }
    const low = made.at(-1)!.appointment;
    const plus = (iso: string, ms: number) => new Date(new Date(iso).getTime() + ms).toISOString();
    const asOf = async (iso: string) =>
      kinds(
        await markersOf(world.client, world.relationship.id, `?asOf=${encodeURIComponent(iso)}`),
      );
    expect(await asOf(plus(low.startsAt, -86_400_000))).toEqual([]);
    expect(await asOf(plus(low.startsAt, 30 * 60_000))).toEqual([]);
    expect(await asOf(plus(low.startsAt, 2 * 3_600_000))).toEqual(['drop:warn']);
    expect(await asOf(daysFromNow(0))).toEqual(['drop:warn']);
    expect(await asOf('2000-01-01T00:00:00+05:00')).toEqual([]);
  });

  it.each([
    ['garbage', '?asOf=yesterday', ['asOf']],
    ['a date without a time', '?asOf=2026-01-01', ['asOf']],
    ['a time without an offset', '?asOf=2026-01-01T00:00:00', ['asOf']],
    ['an unknown parameter', '?since=2026-01-01T00:00:00Z', ['since']],
  ])('refuses an asOf that is %s with 400', async (_name, query, fields) => {
    const world = await buildRelationship(t.app);
    expectInvalid(await markersRaw(world.client, world.relationship.id, query), fields);
  });
});

describe("markers never reflect a client's private check-in for the therapist", () => {
  async function connectedWithBaseline(): Promise<ConnectedWorld> {
    const world = await buildRelationship(t.app, { mode: 'connected' });
    await series(world, [30, 30, 30], -16);
    return world;
  }

  it('gives the client a drop marker for a private drop, and the therapist none', async () => {
    const world = await connectedWithBaseline();
    await session(world, -2, { score: 8, tension: 0, shared: false });
    expect(kinds(await markersOf(world.client, world.relationship.id))).toEqual(['drop:warn']);
    expect(await markersOf(world.therapist, world.relationship.id)).toEqual([]);
  });

  it('gives the therapist no tension or unnoticed marker for a private tense check-in', async () => {
    const world = await connectedWithBaseline();
    const { appointment } = await session(world, -2, {
      score: 30,
      tension: 4,
      resolved: 0,
      shared: false,
    });
    await checkIn(world.therapist, appointment.id, { tension: 0 });
    expect(kinds(await markersOf(world.client, world.relationship.id))).toEqual([
      'tension:alert',
      'unnoticed:warn',
    ]);
    expect(await markersOf(world.therapist, world.relationship.id)).toEqual([]);
  });

  it("leaves a private score out of the therapist's baseline", async () => {
    // The client has 3 earlier scores (one private); the therapist sees only 2: no baseline.
    const world = await buildRelationship(t.app, { mode: 'connected' });
    await session(world, -23, { score: 30 });
    await session(world, -16, { score: 30, shared: false });
    await session(world, -9, { score: 30 });
    await session(world, -2, { score: 10 });
    expect(kinds(await markersOf(world.client, world.relationship.id))).toEqual(['drop:warn']);
    expect(await markersOf(world.therapist, world.relationship.id)).toEqual([]);
  });

  it('takes the marker away from the therapist when the client unshares the check-in', async () => {
    const world = await connectedWithBaseline();
    const { checkin } = await session(world, -2, { score: 8 });
    expect(kinds(await markersOf(world.therapist, world.relationship.id))).toEqual(['drop:warn']);
    await world.client.request({
      method: 'PATCH',
      url: `/api/checkins/${checkin.id}`,
      payload: { shared: false },
    });
    expect(await markersOf(world.therapist, world.relationship.id)).toEqual([]);
    expect(kinds(await markersOf(world.client, world.relationship.id))).toEqual(['drop:warn']);
  });
});

describe('GET /api/relationships/:id/markers: who may ask', () => {
  it('records a read by the therapist, and nothing for the client', async () => {
    const world = await buildRelationship(t.app, { mode: 'connected' });
    const before = (await auditRowsOf(t.services, world.relationship.id)).length;
    await markersOf(world.client, world.relationship.id);
    expect(await auditRowsOf(t.services, world.relationship.id)).toHaveLength(before);
    await markersOf(world.therapist, world.relationship.id);
    expect((await auditRowsOf(t.services, world.relationship.id)).slice(before)).toEqual([
      expect.objectContaining({
        actorId: world.therapist.id,
        subjectUserId: world.client.id,
        action: 'read',
        subjectType: 'markers',
      }),
    ]);
  });

  it('is 404 for outsiders, an invited therapist and a malformed id; 401 when signed out', async () => {
    const world = await buildRelationship(t.app);
    await series(world, [30, 30, 30, 5]);
    const invited = await buildTherapist(t.app);
    await invite(world.client, world.relationship.id);
    for (const outsider of [stranger, otherClient, invited]) {
      expectNotFound(await markersRaw(outsider, world.relationship.id));
    }
    expectNotFound(await markersRaw(world.client, 'nope'));
    expectSignedOut(
      await anonymous(t.app, 'GET', `/api/relationships/${world.relationship.id}/markers`),
    );
  });
});

type PageJson = {
  relationship: RelationshipJson;
  clientName: string;
  appointments: AppointmentJson[];
  checkins: CheckinJson[];
  markers: MarkerJson[];
};

describe('GET /api/relationships/:id/page', () => {
  it('answers everything the page shows, for each member as they may see it', async () => {
    const world = await buildRelationship(t.app, { mode: 'connected', clientName: 'Noor' });
    const made = await series(world, [30, 30, 30], -16);
    const hidden = await session(world, -2, { score: 8, shared: false });
    const theirs = await checkIn(world.therapist, hidden.appointment.id);
    const upcoming = await addAppointment(world.therapist, world.relationship.id, {
      startsAt: daysFromNow(5),
    });
    const appointmentIds = [
      ...made.map((x) => x.appointment.id),
      hidden.appointment.id,
      upcoming.id,
    ];

    const forClient = await pageRaw(world.client, world.relationship.id);
    expect(forClient.statusCode).toBe(200);
    const client = forClient.json<PageJson>();
    expect(Object.keys(client).sort()).toEqual([
      'appointments',
      'checkins',
      'clientName',
      'markers',
      'relationship',
    ]);
    expect(client.relationship).toEqual(world.relationship);
    expect(client.clientName).toBe('Noor');
    expect(client.appointments.map((a) => a.id)).toEqual(appointmentIds);
    expect(client.checkins.map((c) => c.id)).toEqual([
      ...made.map((x) => x.checkin.id),
      hidden.checkin.id,
      theirs.id,
    ]);
    expect(kinds(client.markers)).toEqual(['drop:warn']);

    const therapist = (await pageRaw(world.therapist, world.relationship.id)).json<PageJson>();
    expect(therapist.clientName).toBe('Noor');
    expect(therapist.appointments.map((a) => a.id)).toEqual(appointmentIds);
    expect(therapist.checkins.map((c) => c.id)).toEqual([
      ...made.map((x) => x.checkin.id),
      theirs.id,
    ]);
    expect(therapist.markers).toEqual([]);
  });

  it('stays current after every change, for both members', async () => {
    const world = await buildRelationship(t.app, { clientName: 'Ash' });
    const therapist = await buildTherapist(t.app);
    const page = async (person: Person) => {
      const response = await pageRaw(person, world.relationship.id);
      expect(response.statusCode, response.body).toBe(200);
      return response.json<PageJson>();
    };
    const made = await series(world, [30, 30, 30], -16);
    expect((await page(world.client)).relationship.mode).toBe('solo');
    expectNotFound(await pageRaw(therapist, world.relationship.id));

    // Connecting lets the therapist in at once.
    const code = (await invite(world.client, world.relationship.id)).code;
    expect((await accept(therapist, code)).statusCode).toBe(200);
    const first = await page(therapist);
    expect(first.relationship).toMatchObject({ mode: 'connected', therapistId: therapist.id });
    expect((await page(world.client)).relationship.mode).toBe('connected');
    // Check-ins made while solo stay private.
    expect(first.checkins).toEqual([]);

    // A new shared check-in appears with its marker; made private, both go.
    const lowAppointment = await addAppointment(world.client, world.relationship.id, {
      startsAt: daysFromNow(-2),
    });
    expect((await page(therapist)).appointments.at(-1)?.id).toBe(lowAppointment.id);
    const low = {
      appointment: lowAppointment,
      checkin: await checkIn(world.client, lowAppointment.id, itemsFor(8)),
    };
    expect((await page(therapist)).checkins.map((c) => c.id)).toEqual([low.checkin.id]);
    const sharedOld = await world.client.request({
      method: 'PATCH',
      url: `/api/checkins/${made[0]!.checkin.id}`,
      payload: { shared: true },
    });
    expect(sharedOld.statusCode).toBe(200);
    expect((await page(therapist)).checkins.map((c) => c.id)).toEqual([
      made[0]!.checkin.id,
      low.checkin.id,
    ]);
    await world.client.request({
      method: 'PATCH',
      url: `/api/checkins/${low.checkin.id}`,
      payload: { shared: false },
    });
    const after = await page(therapist);
    expect(after.checkins.map((c) => c.id)).toEqual([made[0]!.checkin.id]);
    expect(after.markers).toEqual([]);
    expect(kinds((await page(world.client)).markers)).toEqual(['drop:warn']);

    // Appointment and relationship changes show on the next read.
    await therapist.request({
      method: 'PATCH',
      url: `/api/appointments/${low.appointment.id}`,
      payload: { status: 'missed' },
    });
    expect((await page(world.client)).appointments.at(-1)).toMatchObject({
      id: low.appointment.id,
      status: 'missed',
    });
    await world.client.request({
      method: 'PATCH',
      url: `/api/relationships/${world.relationship.id}`,
      payload: { sensitivity: 'sensitive', status: 'ended' },
    });
    expect((await page(therapist)).relationship).toMatchObject({
      sensitivity: 'sensitive',
      status: 'ended',
    });
  });

  it('records a read by the therapist, and nothing for the client', async () => {
    const world = await buildRelationship(t.app, { mode: 'connected' });
    const before = (await auditRowsOf(t.services, world.relationship.id)).length;
    await pageRaw(world.client, world.relationship.id);
    expect(await auditRowsOf(t.services, world.relationship.id)).toHaveLength(before);
    await pageRaw(world.therapist, world.relationship.id);
    expect((await auditRowsOf(t.services, world.relationship.id)).slice(before)).toEqual([
      expect.objectContaining({
        actorId: world.therapist.id,
        subjectUserId: world.client.id,
        action: 'read',
        subjectType: 'relationship-page',
      }),
    ]);
  });

  it('is 404 for outsiders, an invited therapist and a malformed id; 401 when signed out', async () => {
    const world = await buildRelationship(t.app);
    const invited = await buildTherapist(t.app);
    await invite(world.client, world.relationship.id);
    for (const outsider of [stranger, otherClient, invited]) {
      expectNotFound(await pageRaw(outsider, world.relationship.id));
    }
    expectNotFound(await pageRaw(world.client, 'nope'));
    expectSignedOut(
      await anonymous(t.app, 'GET', `/api/relationships/${world.relationship.id}/page`),
    );
  });
});

type CaseloadItem = {
  relationship: RelationshipJson;
  clientName: string;
  latestClientScore: number | null;
  latestTherapistScore: number | null;
  lastAppointmentAt: string | null;
  daysSinceLastAppointment: number | null;
  openMarkers: MarkerJson[];
  waitingMessage: { id: string; sentAt: string; urgent: boolean; kind: string } | null;
  attention: number;
  reason: string;
};

describe('GET /api/caseload', () => {
  const caseloadOf = async (therapist: Person) => {
    const response = await therapist.request({ method: 'GET', url: '/api/caseload' });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{ items: CaseloadItem[] }>().items;
  };
  const clientOf = async (therapist: Person, name: string) =>
    buildRelationship(t.app, { mode: 'connected', therapist, clientName: name });

  it('puts who needs attention first, each with the reason', async () => {
    const therapist = await buildTherapist(t.app);
    // Alphabetical order would be the reverse of the order of need.
    const ann = await clientOf(therapist, 'Ann');
    await session(ann, -3, { score: 32, tension: 0 });
    const mia = await clientOf(therapist, 'Mia');
    await session(mia, -3, { score: 30, tension: 2, resolved: 1 });
    const zoe = await clientOf(therapist, 'Zoe');
    const tense = await session(zoe, -3, { score: 30, tension: 3, resolved: 0 });

    const items = await caseloadOf(therapist);
    expect(items.map((i) => i.clientName)).toEqual(['Zoe', 'Mia', 'Ann']);
    const [first, second, third] = items;
    expect(first!.attention).toBeGreaterThan(second!.attention);
    expect(second!.attention).toBeGreaterThan(third!.attention);
    expect(first!.reason).toMatch(/Zoe/);
    expect(first!.reason).toMatch(/tension/);
    expect(first!.openMarkers.map((m) => [m.kind, m.severity, m.appointmentId])).toEqual([
      ['tension', 'alert', tense.appointment.id],
    ]);
    expect(second!.reason).toMatch(/tension/);
    expect(third!.reason).toBe('Nothing needs attention.');
    expect(third!.openMarkers).toEqual([]);
    expect(third!).toMatchObject({
      relationship: ann.relationship,
      clientName: 'Ann',
      latestClientScore: 32,
      latestTherapistScore: null,
      lastAppointmentAt: (await ann.client
        .request({ method: 'GET', url: `/api/relationships/${ann.relationship.id}/appointments` })
        .then((r) => r.json<{ items: AppointmentJson[] }>().items[0]?.startsAt)) as string,
      daysSinceLastAppointment: 3,
    });
    expect(Object.keys(third!).sort()).toEqual([
      'attention',
      'clientName',
      'daysSinceLastAppointment',
      'lastAppointmentAt',
      'latestClientScore',
      'latestTherapistScore',
      'openMarkers',
      'reason',
      'relationship',
      'waitingMessage',
    ]);
  });

  it('lists only connected, active relationships of this therapist', async () => {
    const therapist = await buildTherapist(t.app);
    const kept = await clientOf(therapist, 'Kept');
    const ended = await clientOf(therapist, 'Ended');
    await ended.client.request({
      method: 'PATCH',
      url: `/api/relationships/${ended.relationship.id}`,
      payload: { status: 'ended' },
    });
    const pending = await buildRelationship(t.app, { clientName: 'Pending' });
    await invite(pending.client, pending.relationship.id);
    await buildRelationship(t.app, { mode: 'connected', clientName: 'Elsewhere' });
    const items = await caseloadOf(therapist);
    expect(items.map((i) => i.relationship.id)).toEqual([kept.relationship.id]);
  });

  it("is not moved by a client's private check-in", async () => {
    const therapist = await buildTherapist(t.app);
    const cal = await clientOf(therapist, 'Cal');
    await series(cal, [30, 30, 30], -16);
    await session(cal, -2, { score: 4, tension: 4, resolved: 0, shared: false });
    const ann = await clientOf(therapist, 'Ann');
    await session(ann, -2, { score: 30 });
    const items = await caseloadOf(therapist);
    expect(items.map((i) => [i.clientName, i.attention, i.reason])).toEqual([
      ['Ann', 0, 'Nothing needs attention.'],
      ['Cal', 0, 'Nothing needs attention.'],
    ]);
    expect(items[1]?.latestClientScore).toBe(30);
    expect(items[1]?.openMarkers).toEqual([]);
  });

  it('records each relationship read for its client', async () => {
    const therapist = await buildTherapist(t.app);
    const one = await clientOf(therapist, 'One');
    await caseloadOf(therapist);
    expect(
      (await auditRowsOf(t.services, one.relationship.id)).filter((r) => r.action === 'read'),
    ).toEqual([
      expect.objectContaining({
        actorId: therapist.id,
        subjectUserId: one.client.id,
        subjectType: 'caseload',
      }),
    ]);
  });

  it('is empty for a new therapist, 404 for a client, 401 when signed out', async () => {
    expect(await caseloadOf(await buildTherapist(t.app))).toEqual([]);
    expectNotFound(
      await (await buildClient(t.app)).request({ method: 'GET', url: '/api/caseload' }),
    );
    expectSignedOut(await anonymous(t.app, 'GET', '/api/caseload'));
  });
});

type MessageJson = { id: string; sentAt: string; replyDueAt: string | null };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const shift = (iso: string, ms: number) => new Date(new Date(iso).getTime() + ms).toISOString();
const asOfQuery = (iso: string) => `?asOf=${encodeURIComponent(iso)}`;

async function agree(
  writer: Person,
  relationshipId: string,
  terms: { replyTimeHours?: number; sessionFrequencyDays?: number | null },
) {
  const response = await writer.request({
    method: 'PUT',
    url: `/api/relationships/${relationshipId}/agreement`,
    payload: {
      replyTimeHours: 24,
      contact: 'Email.',
      availability: 'Weekdays.',
      scheduling: 'Weekly.',
      roomRules: '',
      emergency: 'Call 112.',
      ...terms,
    },
  });
  expect(response.statusCode, response.body).toBe(201);
}

async function send(person: Person, relationshipId: string, payload: object = {}) {
  const response = await person.request({
    method: 'POST',
    url: `/api/relationships/${relationshipId}/messages`,
    payload: { body: 'Are we still on for Monday?', ...payload },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ message: MessageJson }>().message;
}

async function acknowledgeMessage(person: Person, id: string) {
  const response = await person.request({
    method: 'POST',
    url: `/api/messages/${id}/acknowledge`,
    payload: {},
  });
  expect(response.statusCode, response.body).toBe(200);
}

/** Moves a message back in time by `ms`, its reply-due time with it. */
async function backdateMessage(relationshipId: string, message: MessageJson, ms: number) {
  const sentAt = new Date(new Date(message.sentAt).getTime() - ms);
  const replyDueAt = message.replyDueAt
    ? new Date(new Date(message.replyDueAt).getTime() - ms)
    : null;
  await t.services.db
    .update(messages)
    .set({ sentAt, replyDueAt })
    .where(eq(messages.id, message.id));
  await t.services.relationships.changed(relationshipId);
  return {
    ...message,
    sentAt: sentAt.toISOString(),
    replyDueAt: replyDueAt?.toISOString() ?? null,
  };
}

/** A connected relationship whose agreement promises a reply within 24 hours. */
async function agreedWorld(options: { clientName?: string; therapist?: Person } = {}) {
  const world = await buildRelationship(t.app, { mode: 'connected', ...options });
  await agree(world.therapist, world.relationship.id, { replyTimeHours: 24 });
  return world;
}

describe('overdue-reply: a client message past its reply time', () => {
  it('is marked from its due time on, not a moment before, for both members', async () => {
    const world = await agreedWorld({ clientName: 'Robin' });
    const message = await send(world.client, world.relationship.id);
    const due = message.replyDueAt!;
    expect(due).toBe(shift(message.sentAt, 24 * HOUR));
    for (const viewer of [world.client, world.therapist]) {
      expect(await markersOf(viewer, world.relationship.id, asOfQuery(shift(due, -1)))).toEqual([]);
      for (const asOf of [due, shift(due, HOUR), shift(due, 30 * DAY)]) {
        expect(await markersOf(viewer, world.relationship.id, asOfQuery(asOf))).toEqual([
          {
            kind: 'overdue-reply',
            at: due,
            severity: 'warn',
            messageId: message.id,
            explanation: expect.any(String),
          },
        ]);
      }
    }
    const [forClient] = await markersOf(world.client, world.relationship.id, asOfQuery(due));
    expect(forClient?.explanation).not.toMatch(/Robin/);
    const [forTherapist] = await markersOf(world.therapist, world.relationship.id, asOfQuery(due));
    expect(forTherapist?.explanation).toMatch(/^Robin's message/);
    // As of now, it is not due yet.
    expect(await markersOf(world.therapist, world.relationship.id)).toEqual([]);
  });

  it('is not marked once acknowledged by the due time', async () => {
    const world = await agreedWorld();
    const message = await send(world.client, world.relationship.id);
    await acknowledgeMessage(world.therapist, message.id);
    const after = asOfQuery(shift(message.replyDueAt!, HOUR));
    expect(await markersOf(world.client, world.relationship.id, after)).toEqual([]);
    expect(await markersOf(world.therapist, world.relationship.id, after)).toEqual([]);
  });

  it('is not marked once the therapist replied by the due time', async () => {
    const world = await agreedWorld();
    const message = await send(world.client, world.relationship.id);
    await send(world.therapist, world.relationship.id, { body: 'Yes, see you then.' });
    const after = asOfQuery(shift(message.replyDueAt!, HOUR));
    expect(await markersOf(world.client, world.relationship.id, after)).toEqual([]);
  });

  it("is not answered by the client's own next message", async () => {
    const world = await agreedWorld();
    const first = await send(world.client, world.relationship.id);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await send(world.client, world.relationship.id, { body: 'Hello?' });
    const ids = async (asOf: string) =>
      (await markersOf(world.client, world.relationship.id, asOfQuery(asOf))).map(
        (m) => m.messageId,
      );
    expect(await ids(first.replyDueAt!)).toEqual([first.id]);
    expect(await ids(shift(second.replyDueAt!, HOUR))).toEqual([first.id, second.id]);
  });

  it('stays marked when the acknowledgement or the reply came after the due time', async () => {
    const world = await agreedWorld();
    const acknowledged = await backdateMessage(
      world.relationship.id,
      await send(world.client, world.relationship.id),
      3 * DAY,
    );
    const replied = await backdateMessage(
      world.relationship.id,
      await send(world.client, world.relationship.id, { body: 'And this.' }),
      2 * DAY,
    );
    const expected = [
      ['overdue-reply', acknowledged.replyDueAt, acknowledged.id],
      ['overdue-reply', replied.replyDueAt, replied.id],
    ];
    const seen = async (viewer: Person) =>
      (await markersOf(viewer, world.relationship.id)).map((m) => [m.kind, m.at, m.messageId]);
    expect(await seen(world.therapist)).toEqual(expected);
    await acknowledgeMessage(world.therapist, acknowledged.id);
    await send(world.therapist, world.relationship.id, { body: 'Sorry for the wait.' });
    expect(await seen(world.therapist)).toEqual(expected);
    expect(await seen(world.client)).toEqual(expected);
  });

  it("is never marked for the therapist's messages, nor without an agreement", async () => {
    const world = await agreedWorld();
    await backdateMessage(
      world.relationship.id,
      await send(world.therapist, world.relationship.id),
      3 * DAY,
    );
    expect(await markersOf(world.client, world.relationship.id)).toEqual([]);
    const bare = await buildRelationship(t.app, { mode: 'connected' });
    const unagreed = await send(bare.client, bare.relationship.id);
    expect(unagreed.replyDueAt).toBeNull();
    await backdateMessage(bare.relationship.id, unagreed, 30 * DAY);
    expect(await markersOf(bare.therapist, bare.relationship.id)).toEqual([]);
  });

  it('shows on the relationship page', async () => {
    const world = await agreedWorld();
    const message = await backdateMessage(
      world.relationship.id,
      await send(world.client, world.relationship.id),
      2 * DAY,
    );
    const page = (await pageRaw(world.therapist, world.relationship.id)).json<PageJson>();
    expect(page.markers.map((m) => [m.kind, m.messageId])).toEqual([['overdue-reply', message.id]]);
  });
});

describe('gap: longer than twice the agreed session frequency', () => {
  it('is marked from the moment the time since the last session passed 2f days', async () => {
    const world = await buildRelationship(t.app);
    await agree(world.client, world.relationship.id, { sessionFrequencyDays: 7 });
    const last = await addAppointment(world.client, world.relationship.id, {
      startsAt: daysFromNow(-20),
    });
    const due = shift(last.startsAt, 14 * DAY);
    expect(await markersOf(world.client, world.relationship.id, asOfQuery(due))).toEqual([]);
    const expected = {
      kind: 'gap',
      at: due,
      severity: 'info',
      appointmentId: last.id,
      explanation: expect.stringMatching(/14 days.*every 7 days/),
    };
    expect(await markersOf(world.client, world.relationship.id, asOfQuery(shift(due, 1)))).toEqual([
      expected,
    ]);
    expect(await markersOf(world.client, world.relationship.id)).toEqual([expected]);
  });

  it('is marked between appointments too, and follows the latest agreement', async () => {
    const world = await buildRelationship(t.app, { mode: 'connected' });
    await agree(world.therapist, world.relationship.id, { sessionFrequencyDays: 7 });
    const early = await addAppointment(world.client, world.relationship.id, {
      startsAt: daysFromNow(-40),
    });
    await addAppointment(world.client, world.relationship.id, { startsAt: daysFromNow(-20) });
    await addAppointment(world.client, world.relationship.id, { startsAt: daysFromNow(-8) });
    const seen = async () =>
      (await markersOf(world.therapist, world.relationship.id)).map((m) => [
        m.kind,
        m.appointmentId,
      ]);
    expect(await seen()).toEqual([['gap', early.id]]);
    await agree(world.therapist, world.relationship.id, { sessionFrequencyDays: 14 });
    expect(await seen()).toEqual([]);
    await agree(world.therapist, world.relationship.id, { sessionFrequencyDays: null });
    expect(await seen()).toEqual([]);
  });

  it('is not marked within 2f days, nor without an agreed frequency', async () => {
    const within = await buildRelationship(t.app);
    await agree(within.client, within.relationship.id, { sessionFrequencyDays: 7 });
    await addAppointment(within.client, within.relationship.id, { startsAt: daysFromNow(-10) });
    expect(await markersOf(within.client, within.relationship.id)).toEqual([]);
    const without = await buildRelationship(t.app);
    await agree(without.client, without.relationship.id, { sessionFrequencyDays: null });
    await addAppointment(without.client, without.relationship.id, { startsAt: daysFromNow(-60) });
    expect(await markersOf(without.client, without.relationship.id)).toEqual([]);
  });
});

describe('GET /api/caseload: messages waiting', () => {
  const caseloadOf = async (therapist: Person) => {
    const response = await therapist.request({ method: 'GET', url: '/api/caseload' });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{ items: CaseloadItem[] }>().items;
  };

  it('says how long a message has waited, once, beside the other reasons', async () => {
    const therapist = await buildTherapist(t.app);
    const ann = await agreedWorld({ therapist, clientName: 'Ann' });
    await session(ann, -3, { score: 32 });
    const bea = await agreedWorld({ therapist, clientName: 'Bea' });
    await session(bea, -3, { score: 30, tension: 2, resolved: 1 });
    const message = await backdateMessage(
      bea.relationship.id,
      await send(bea.client, bea.relationship.id),
      2 * DAY + HOUR,
    );
    const items = await caseloadOf(therapist);
    expect(items.map((i) => i.clientName)).toEqual(['Bea', 'Ann']);
    const [first, second] = items;
    expect(first!.reason).toMatch(
      /^Bea noted some tension, eased a little by the end\. · message waiting 2 days$/,
    );
    expect(first!.openMarkers.map((m) => m.kind)).toEqual(['tension', 'overdue-reply']);
    expect(first!.waitingMessage).toEqual({
      id: message.id,
      sentAt: message.sentAt,
      urgent: false,
      kind: 'message',
    });
    expect(second!.waitingMessage).toBeNull();
    expect(second!.reason).toBe('Nothing needs attention.');

    // Acknowledged: no longer waiting, though the overdue marker stays as information.
    await acknowledgeMessage(therapist, message.id);
    const [after] = (await caseloadOf(therapist)).filter((i) => i.clientName === 'Bea');
    expect(after!.waitingMessage).toBeNull();
    expect(after!.reason).not.toMatch(/waiting/);
    expect(after!.reason).toMatch(/past the reply time/);
  });

  it('puts a request to call first, until the call back is logged', async () => {
    const therapist = await buildTherapist(t.app);
    const ann = await agreedWorld({ therapist, clientName: 'Ann' });
    await session(ann, -3, { score: 30, tension: 4, resolved: 0 });
    const zed = await agreedWorld({ therapist, clientName: 'Zed' });
    const call = await backdateMessage(
      zed.relationship.id,
      await send(zed.client, zed.relationship.id, {
        body: 'Please call me.',
        kind: 'call-request',
      }),
      3 * HOUR,
    );
    let items = await caseloadOf(therapist);
    expect(items.map((i) => i.clientName)).toEqual(['Zed', 'Ann']);
    expect(items[0]!.reason).toBe('Zed asked you to call 3 hours ago');
    expect(items[0]!.waitingMessage).toMatchObject({ id: call.id, kind: 'call-request' });

    const logged = await therapist.request({
      method: 'POST',
      url: `/api/messages/${call.id}/call-back`,
      payload: { at: new Date().toISOString(), outcome: 'We spoke; all right until Monday.' },
    });
    expect(logged.statusCode, logged.body).toBe(200);
    items = await caseloadOf(therapist);
    expect(items.map((i) => i.clientName)).toEqual(['Ann', 'Zed']);
    expect(items[1]!.waitingMessage).toBeNull();
  });

  it('says an urgent message first', async () => {
    const therapist = await buildTherapist(t.app);
    const kim = await agreedWorld({ therapist, clientName: 'Kim' });
    await session(kim, -3, { score: 30, tension: 2, resolved: 1 });
    await send(kim.client, kim.relationship.id, { body: 'Now, please.', urgent: true });
    const [item] = await caseloadOf(therapist);
    expect(item!.reason).toBe(
      'Urgent message waiting less than an hour · Kim noted some tension, eased a little by the end.',
    );
  });
});
