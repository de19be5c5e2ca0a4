import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { REPAIR_KINDS, repairs, ruptureParts, ruptures } from '../../db/schema.ts';
import { buildTherapist, type Person } from '../../test/factories.ts';
import { startTestApp, type TestApp } from '../../test/harness.ts';
import {
  addAppointment,
  anonymous,
  auditRowsOf,
  buildRelationship,
  type ConnectedWorld,
  connect,
  daysFromNow,
  expectError,
  expectInvalid,
  expectNotFound,
  expectSignedOut,
  invite,
} from '../../test/world.ts';
import type { Patterns } from './patterns-schema.ts';
import type { Repair, Rupture } from './schema.ts';

type RuptureJson = z.infer<typeof Rupture>;
type RepairJson = z.infer<typeof Repair>;
type PatternsJson = z.infer<typeof Patterns>;

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

/** The smallest record a client can write. */
const minimal = () => ({
  title: 'The cancelled session',
  occurredAt: daysFromNow(-3),
  whatHappened: 'She cancelled an hour before, by text.',
  intensity: 3,
});

const postRupture = (person: Person, relationshipId: string, body: object) =>
  person.request({
    method: 'POST',
    url: `/api/relationships/${relationshipId}/ruptures`,
    payload: body,
  });
async function record(person: Person, relationshipId: string, change: object = {}) {
  const response = await postRupture(person, relationshipId, { ...minimal(), ...change });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ rupture: RuptureJson }>().rupture;
}
const getRupture = (person: Person, id: string) =>
  person.request({ method: 'GET', url: `/api/ruptures/${id}` });
const preview = (person: Person, id: string) =>
  person.request({ method: 'GET', url: `/api/ruptures/${id}/preview` });
const patchRupture = (person: Person, id: string, payload: object) =>
  person.request({ method: 'PATCH', url: `/api/ruptures/${id}`, payload });
async function change(person: Person, id: string, payload: object) {
  const response = await patchRupture(person, id, payload);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ rupture: RuptureJson }>().rupture;
}
const removeRupture = (person: Person, id: string) =>
  person.request({ method: 'DELETE', url: `/api/ruptures/${id}`, payload: {} });
const listRaw = (person: Person, relationshipId: string) =>
  person.request({ method: 'GET', url: `/api/relationships/${relationshipId}/ruptures` });
async function list(person: Person, relationshipId: string) {
  const response = await listRaw(person, relationshipId);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ items: RuptureJson[] }>().items;
}
const listIds = async (person: Person, relationshipId: string) =>
  (await list(person, relationshipId)).map((r) => r.id);
async function seen(person: Person, id: string) {
  const response = await getRupture(person, id);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ rupture: RuptureJson }>().rupture;
}

const postRepair = (person: Person, ruptureId: string, body: object) =>
  person.request({ method: 'POST', url: `/api/ruptures/${ruptureId}/repairs`, payload: body });
async function addRepair(person: Person, ruptureId: string, body: object = {}) {
  const response = await postRepair(person, ruptureId, {
    at: daysFromNow(-1),
    kind: 'talked-in-session',
    by: person.role,
    ...body,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ repair: RepairJson }>().repair;
}
const patchRepair = (person: Person, id: string, payload: object) =>
  person.request({ method: 'PATCH', url: `/api/repairs/${id}`, payload });
const removeRepair = (person: Person, id: string) =>
  person.request({ method: 'DELETE', url: `/api/repairs/${id}`, payload: {} });

const patternsRaw = (person: Person, relationshipId: string) =>
  person.request({ method: 'GET', url: `/api/relationships/${relationshipId}/patterns` });
async function patternsOf(person: Person, relationshipId: string) {
  const response = await patternsRaw(person, relationshipId);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ patterns: PatternsJson }>().patterns;
}

async function addPart(client: Person, name: string) {
  const response = await client.request({ method: 'POST', url: '/api/parts', payload: { name } });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ part: { id: string; name: string } }>().part;
}

const storedRupture = async (id: string) => {
  const [row] = await t.services.db.select().from(ruptures).where(eq(ruptures.id, id));
  return row;
};
const storedIn = (relationshipId: string) =>
  t.services.db.select().from(ruptures).where(eq(ruptures.relationshipId, relationshipId));
const storedRepairs = (ruptureId: string) =>
  t.services.db.select().from(repairs).where(eq(repairs.ruptureId, ruptureId));
const storedTags = async (ruptureId: string) =>
  (await t.services.db.select().from(ruptureParts).where(eq(ruptureParts.ruptureId, ruptureId)))
    .map((r) => r.partId)
    .sort();

const connected = () => buildRelationship(t.app, { mode: 'connected' });
/** A connected relationship with one record the client has shared. */
async function withShared(extra: object = {}): Promise<ConnectedWorld & { rupture: RuptureJson }> {
  const world = await connected();
  const rupture = await record(world.client, world.relationship.id, {
    visibility: 'shared',
    ...extra,
  });
  return { ...world, rupture };
}

const RUPTURE_KEYS = [
  'appointmentId',
  'createdAt',
  'echoes',
  'id',
  'intensity',
  'kind',
  'markerKind',
  'myExperience',
  'needs',
  'occurredAt',
  'parts',
  'reflection',
  'relationshipId',
  'repairedAt',
  'repairs',
  'sharedAt',
  'status',
  'theirSide',
  'title',
  'updatedAt',
  'visibility',
  'whatHappened',
];
const isoTime = (value: string | null) =>
  expect(value !== null && new Date(value).toISOString() === value, `${value}`).toBe(true);

describe('POST /api/relationships/:id/ruptures', () => {
  it('records an open, private rupture with exactly the documented fields', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const occurredAt = daysFromNow(-2);
    const response = await postRupture(client, relationship.id, {
      ...minimal(),
      occurredAt,
      title: '  The cancelled session  ',
    });
    expect(response.statusCode, response.body).toBe(201);
    const { rupture } = response.json<{ rupture: RuptureJson }>();
    expect(Object.keys(rupture).sort()).toEqual(RUPTURE_KEYS);
    expect(rupture).toMatchObject({
      relationshipId: relationship.id,
      title: 'The cancelled session',
      occurredAt,
      whatHappened: minimal().whatHappened,
      myExperience: null,
      theirSide: null,
      echoes: null,
      needs: null,
      kind: null,
      intensity: 3,
      status: 'open',
      visibility: 'private',
      reflection: null,
      parts: [],
      markerKind: null,
      appointmentId: null,
      sharedAt: null,
      repairedAt: null,
      repairs: [],
    });
    isoTime(rupture.createdAt);
    isoTime(rupture.updatedAt);
    expect(await seen(client, rupture.id)).toEqual(rupture);
    expect((await storedRupture(rupture.id))?.title).toBe('The cancelled session');
  });

  it('keeps every answer of the flow, and times given with an offset come back in UTC', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const rupture = await record(client, relationship.id, {
      occurredAt: '2026-03-04T18:30:00+02:00',
      whatHappened: 'I said I was fine. I was not.',
      myExperience: 'Small, and a bit stupid.',
      theirSide: 'Maybe she was tired.',
      echoes: 'My father, at dinner.',
      needs: 'To say it out loud next time.',
      kind: 'withdrawal',
      intensity: 5,
    });
    expect(rupture).toMatchObject({
      occurredAt: '2026-03-04T16:30:00.000Z',
      whatHappened: 'I said I was fine. I was not.',
      myExperience: 'Small, and a bit stupid.',
      theirSide: 'Maybe she was tired.',
      echoes: 'My father, at dinner.',
      needs: 'To say it out loud next time.',
      kind: 'withdrawal',
      intensity: 5,
    });
  });

  it('takes an empty account of what happened, and stores blank optional answers as nothing', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const rupture = await record(client, relationship.id, {
      whatHappened: '',
      myExperience: '   ',
      theirSide: '',
      echoes: '\n\t',
      needs: null,
      kind: null,
    });
    expect(rupture).toMatchObject({
      whatHappened: '',
      myExperience: null,
      theirSide: null,
      echoes: null,
      needs: null,
      kind: null,
    });
    expect(await storedRupture(rupture.id)).toMatchObject({ myExperience: null, echoes: null });
  });

  it.each([1, 5])('takes intensity %i', async (intensity) => {
    const { client, relationship } = await buildRelationship(t.app);
    expect((await record(client, relationship.id, { intensity })).intensity).toBe(intensity);
  });

  it('takes a title of 200 characters (after trimming) and a text of 100,000', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const title = 't'.repeat(200);
    const rupture = await record(client, relationship.id, {
      title: ` ${title} `,
      whatHappened: 'w'.repeat(100_000),
    });
    expect(rupture.title).toBe(title);
    expect(rupture.whatHappened).toHaveLength(100_000);
  });

  it('shares at once when the client asks and the therapist has joined', async () => {
    const { client, therapist, relationship } = await connected();
    const before = Date.now();
    const rupture = await record(client, relationship.id, { visibility: 'shared' });
    expect(rupture.visibility).toBe('shared');
    isoTime(rupture.sharedAt);
    expect(Date.parse(rupture.sharedAt ?? '')).toBeGreaterThanOrEqual(before - 1000);
    expect(await listIds(therapist, relationship.id)).toEqual([rupture.id]);
  });

  it('keeps it private by default once connected too', async () => {
    const { client, therapist, relationship } = await connected();
    const rupture = await record(client, relationship.id);
    expect(rupture.visibility).toBe('private');
    expect(await listIds(therapist, relationship.id)).toEqual([]);
  });

  it('stores and returns the marker it was written from', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const appointment = await addAppointment(client, relationship.id, {
      startsAt: daysFromNow(-4),
    });
    const rupture = await record(client, relationship.id, {
      markerKind: 'drop',
      appointmentId: appointment.id,
    });
    expect(rupture).toMatchObject({ markerKind: 'drop', appointmentId: appointment.id });
    expect(await storedRupture(rupture.id)).toMatchObject({
      markerKind: 'drop',
      appointmentId: appointment.id,
    });
    expect(await seen(client, rupture.id)).toMatchObject({
      markerKind: 'drop',
      appointmentId: appointment.id,
    });
  });

  it("names the client's parts as {id, name}, once each", async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const protector = await addPart(client, 'Protector');
    const critic = await addPart(client, 'Critic');
    const rupture = await record(client, relationship.id, {
      partIds: [protector.id, critic.id, protector.id],
    });
    expect(rupture.parts).toEqual([
      { id: critic.id, name: 'Critic' },
      { id: protector.id, name: 'Protector' },
    ]);
    expect(await storedTags(rupture.id)).toEqual([critic.id, protector.id].sort());
    expect((await seen(client, rupture.id)).parts).toEqual(rupture.parts);
  });

  it.each([
    ['an empty title', { title: '' }, 'title'],
    ['a blank title', { title: '   ' }, 'title'],
    ['a title of 201 characters', { title: 't'.repeat(201) }, 'title'],
    ['no title', { title: undefined }, 'title'],
    ['no account of what happened', { whatHappened: undefined }, 'whatHappened'],
    ['a text of 100,001 characters', { whatHappened: 'w'.repeat(100_001) }, 'whatHappened'],
    ['an answer of 100,001 characters', { echoes: 'e'.repeat(100_001) }, 'echoes'],
    ['no time', { occurredAt: undefined }, 'occurredAt'],
    ['a time that is not a time', { occurredAt: 'last Tuesday' }, 'occurredAt'],
    ['intensity 0', { intensity: 0 }, 'intensity'],
    ['intensity 6', { intensity: 6 }, 'intensity'],
    ['intensity 2.5', { intensity: 2.5 }, 'intensity'],
    ['intensity as text', { intensity: '3' }, 'intensity'],
    ['no intensity', { intensity: undefined }, 'intensity'],
    ['an unknown kind', { kind: 'explosion' }, 'kind'],
    ['an unknown visibility', { visibility: 'public' }, 'visibility'],
    ['an unknown marker kind', { markerKind: 'storm' }, 'markerKind'],
    ['parts that are not a list', { partIds: 'Protector' }, 'partIds'],
    ['a status (not a create field)', { status: 'repaired' }, 'status'],
    ['an unknown field', { mood: 'grey' }, 'mood'],
  ])('refuses %s with 400 naming the field, writing nothing', async (_name, body, field) => {
    const { client, relationship } = await buildRelationship(t.app);
    expectInvalid(await postRupture(client, relationship.id, { ...minimal(), ...body }), [field]);
    expect(await storedIn(relationship.id)).toEqual([]);
  });

  it('refuses to share while solo (nobody to share with), writing nothing', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    expectInvalid(
      await postRupture(client, relationship.id, { ...minimal(), visibility: 'shared' }),
      ['visibility'],
    );
    expect(await storedIn(relationship.id)).toEqual([]);
  });

  it("refuses another client's part, an unknown part and a malformed id, writing nothing", async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const mine = await addPart(client, 'Exile');
    const theirs = await addPart(otherClient, `Firefighter ${relationship.id}`);
    for (const partIds of [
      [theirs.id],
      [mine.id, theirs.id],
      ['nope'],
      [mine.id, 'nope'],
      ['0b1e7a4c-2f3d-4e5f-8a9b-0c1d2e3f4a5b'],
    ]) {
      expectInvalid(await postRupture(client, relationship.id, { ...minimal(), partIds }), [
        'partIds',
      ]);
    }
    expect(await storedIn(relationship.id)).toEqual([]);
  });

  it('refuses an appointment of another relationship or a malformed one, writing nothing', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const elsewhere = await buildRelationship(t.app, { client });
    const theirs = await addAppointment(client, elsewhere.relationship.id, {
      startsAt: daysFromNow(-1),
    });
    for (const appointmentId of [theirs.id, 'nope', relationship.id]) {
      expectInvalid(
        await postRupture(client, relationship.id, {
          ...minimal(),
          markerKind: 'drop',
          appointmentId,
        }),
        ['appointmentId'],
      );
    }
    expect(await storedIn(relationship.id)).toEqual([]);
  });

  it('is 404 for the connected therapist and outsiders, writing nothing', async () => {
    const { client, therapist, relationship } = await connected();
    for (const person of [therapist, stranger, otherClient]) {
      expectNotFound(await postRupture(person, relationship.id, minimal()));
    }
    expect(await storedIn(relationship.id)).toEqual([]);
    expect(await list(client, relationship.id)).toEqual([]);
  });

  it('is 404 for a therapist who holds an invite but has not accepted it', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    await invite(client, relationship.id);
    const hopeful = await buildTherapist(t.app);
    expectNotFound(await postRupture(hopeful, relationship.id, minimal()));
    expectNotFound(await listRaw(hopeful, relationship.id));
    expect(await storedIn(relationship.id)).toEqual([]);
  });

  it('is 404 for a malformed or unknown relationship, 401 when signed out', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    expectNotFound(await postRupture(client, 'nope', minimal()));
    expectNotFound(await postRupture(client, '0b1e7a4c-2f3d-4e5f-8a9b-0c1d2e3f4a5b', minimal()));
    expectSignedOut(
      await anonymous(t.app, 'POST', `/api/relationships/${relationship.id}/ruptures`, minimal()),
    );
    expect(await storedIn(relationship.id)).toEqual([]);
  });

  it('answers a body over 1 MiB with 413, writing nothing', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const response = await postRupture(client, relationship.id, {
      ...minimal(),
      whatHappened: 'w'.repeat(1024 * 1024),
    });
    expectError(response, 413, 'too_large');
    expect(await storedIn(relationship.id)).toEqual([]);
  });
});

describe('who sees a rupture', () => {
  it('shows the client every record and the therapist shared ones only, newest first', async () => {
    const { client, therapist, relationship } = await connected();
    const part = await addPart(client, 'Manager');
    const middle = await record(client, relationship.id, {
      occurredAt: daysFromNow(-5),
      visibility: 'shared',
      partIds: [part.id],
    });
    const hidden = await record(client, relationship.id, {
      occurredAt: daysFromNow(-1),
      title: 'Just for me',
      whatHappened: 'Something I am not ready to show.',
    });
    const oldest = await record(client, relationship.id, {
      occurredAt: daysFromNow(-10),
      visibility: 'shared',
    });
    const newest = await record(client, relationship.id, {
      occurredAt: daysFromNow(0, -1),
      visibility: 'shared',
    });

    expect(await listIds(client, relationship.id)).toEqual([
      newest.id,
      hidden.id,
      middle.id,
      oldest.id,
    ]);
    expect(await listIds(therapist, relationship.id)).toEqual([newest.id, middle.id, oldest.id]);

    const raw = await listRaw(therapist, relationship.id);
    expect(raw.body).not.toContain('Just for me');
    expect(raw.body).not.toContain('not ready to show');
    expect(raw.body).not.toContain('Manager');
    for (const item of raw.json<{ items: RuptureJson[] }>().items) {
      expect(Object.keys(item)).not.toContain('parts');
    }
    expectNotFound(await getRupture(therapist, hidden.id));
    expectNotFound(await preview(therapist, hidden.id));
    expectNotFound(await preview(therapist, middle.id));

    const theirs = await seen(therapist, middle.id);
    expect(Object.keys(theirs)).not.toContain('parts');
    const { parts, ...rest } = await seen(client, middle.id);
    expect(parts).toEqual([{ id: part.id, name: 'Manager' }]);
    expect(theirs).toEqual(rest);
  });

  it('keeps a record written while solo private after the therapist connects', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const early = await record(client, relationship.id);
    const therapist = await buildTherapist(t.app);
    await connect(client, relationship.id, therapist);
    expect(await listIds(therapist, relationship.id)).toEqual([]);
    expectNotFound(await getRupture(therapist, early.id));
    expect((await patternsOf(therapist, relationship.id)).total).toBe(0);
    expect(await listIds(client, relationship.id)).toEqual([early.id]);
  });

  it('records each read by the therapist for the client to see, and nothing for the client', async () => {
    const { client, therapist, relationship, rupture } = await withShared();
    const before = (await auditRowsOf(t.services, relationship.id)).length;

    await list(client, relationship.id);
    await seen(client, rupture.id);
    await preview(client, rupture.id);
    await patternsOf(client, relationship.id);
    expect(await auditRowsOf(t.services, relationship.id)).toHaveLength(before);

    await list(therapist, relationship.id);
    await seen(therapist, rupture.id);
    const rows = (await auditRowsOf(t.services, relationship.id)).slice(before);
    expect(rows).toEqual([
      expect.objectContaining({
        actorId: therapist.id,
        subjectUserId: client.id,
        relationshipId: relationship.id,
        action: 'read',
        subjectType: 'ruptures',
      }),
      expect.objectContaining({
        actorId: therapist.id,
        subjectUserId: client.id,
        relationshipId: relationship.id,
        action: 'read',
        subjectType: 'rupture',
        subjectId: rupture.id,
      }),
    ]);
  });

  it('is 404 for outsiders and malformed ids, 401 when signed out, and audits none of it', async () => {
    const { client, relationship, rupture } = await withShared();
    const before = await auditRowsOf(t.services, relationship.id);
    for (const outsider of [stranger, otherClient]) {
      expectNotFound(await listRaw(outsider, relationship.id));
      expectNotFound(await getRupture(outsider, rupture.id));
      expectNotFound(await preview(outsider, rupture.id));
      expectNotFound(await patternsRaw(outsider, relationship.id));
    }
    expectNotFound(await listRaw(client, 'nope'));
    expectNotFound(await getRupture(client, 'nope'));
    expectNotFound(await getRupture(client, relationship.id));
    expectNotFound(await preview(client, 'nope'));
    expectSignedOut(
      await anonymous(t.app, 'GET', `/api/relationships/${relationship.id}/ruptures`),
    );
    expectSignedOut(await anonymous(t.app, 'GET', `/api/ruptures/${rupture.id}`));
    expectSignedOut(await anonymous(t.app, 'GET', `/api/ruptures/${rupture.id}/preview`));
    expectSignedOut(
      await anonymous(t.app, 'GET', `/api/relationships/${relationship.id}/patterns`),
    );
    expect(await auditRowsOf(t.services, relationship.id)).toEqual(before);
  });
});

describe('GET /api/ruptures/:id/preview', () => {
  it('shows the client exactly what the therapist will see once it is shared', async () => {
    const { client, therapist, relationship } = await connected();
    const part = await addPart(client, 'Inner child');
    const rupture = await record(client, relationship.id, {
      myExperience: 'Like I was too much.',
      kind: 'confrontation',
      partIds: [part.id],
    });
    await addRepair(client, rupture.id, { kind: 'wrote-it-out', note: 'A letter, unsent.' });

    const response = await preview(client, rupture.id);
    expect(response.statusCode, response.body).toBe(200);
    const before = response.json<{ rupture: RuptureJson }>().rupture;
    expect(Object.keys(before)).not.toContain('parts');
    expect(response.body).not.toContain('Inner child');
    expect(before.visibility).toBe('shared');
    isoTime(before.sharedAt);

    await change(client, rupture.id, { visibility: 'shared' });
    const theirs = await seen(therapist, rupture.id);
    const after = (await preview(client, rupture.id)).json<{ rupture: RuptureJson }>().rupture;
    expect(after).toEqual(theirs);
    // Before sharing, only the moment of sharing (and of the change) could not be known yet.
    const { sharedAt: _s1, updatedAt: _u1, ...foreseen } = before;
    const { sharedAt: _s2, updatedAt: _u2, ...shown } = theirs;
    expect(foreseen).toEqual(shown);
  });

  it('changes nothing: the record stays private', async () => {
    const { client, therapist, relationship } = await connected();
    const rupture = await record(client, relationship.id);
    expect((await preview(client, rupture.id)).statusCode).toBe(200);
    expect(await storedRupture(rupture.id)).toMatchObject({
      visibility: 'private',
      sharedAt: null,
    });
    expect(await listIds(therapist, relationship.id)).toEqual([]);
  });
});

describe('PATCH /api/ruptures/:id', () => {
  it('shares and unshares: the therapist sees it only while shared', async () => {
    const { client, therapist, relationship } = await connected();
    const rupture = await record(client, relationship.id, { kind: 'withdrawal' });
    expect((await patternsOf(therapist, relationship.id)).total).toBe(0);

    const shared = await change(client, rupture.id, { visibility: 'shared' });
    expect(shared.visibility).toBe('shared');
    isoTime(shared.sharedAt);
    expect(await listIds(therapist, relationship.id)).toEqual([rupture.id]);
    expect((await seen(therapist, rupture.id)).sharedAt).toBe(shared.sharedAt);
    expect((await patternsOf(therapist, relationship.id)).byKind.withdrawal).toBe(1);

    const unshared = await change(client, rupture.id, { visibility: 'private' });
    expect(unshared).toMatchObject({ visibility: 'private', sharedAt: null });
    expectNotFound(await getRupture(therapist, rupture.id));
    expect(await listIds(therapist, relationship.id)).toEqual([]);
    const theirPatterns = await patternsOf(therapist, relationship.id);
    expect(theirPatterns.total).toBe(0);
    expect(theirPatterns.byKind.withdrawal).toBe(0);
    expect((await patternsOf(client, relationship.id)).total).toBe(1);
  });

  it('sets repairedAt when the client marks it repaired, and clears it when it moves away', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const rupture = await record(client, relationship.id);
    const repaired = await change(client, rupture.id, { status: 'repaired' });
    expect(repaired.status).toBe('repaired');
    isoTime(repaired.repairedAt);
    const again = await change(client, rupture.id, { status: 'repaired', intensity: 2 });
    expect(again.repairedAt).toBe(repaired.repairedAt);
    const reopened = await change(client, rupture.id, { status: 'unresolved' });
    expect(reopened).toMatchObject({ status: 'unresolved', repairedAt: null });
    expect((await storedRupture(rupture.id))?.repairedAt).toBeNull();
  });

  it('replaces the parts named, and clears them with an empty list', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const [a, b, c] = [
      await addPart(client, 'Alpha'),
      await addPart(client, 'Beta'),
      await addPart(client, 'Gamma'),
    ];
    const rupture = await record(client, relationship.id, { partIds: [a!.id, b!.id] });
    const moved = await change(client, rupture.id, { partIds: [c!.id, b!.id] });
    expect(moved.parts).toEqual([
      { id: b!.id, name: 'Beta' },
      { id: c!.id, name: 'Gamma' },
    ]);
    expect(await storedTags(rupture.id)).toEqual([b!.id, c!.id].sort());
    const untouched = await change(client, rupture.id, { intensity: 4 });
    expect(untouched.parts).toEqual(moved.parts);
    expect((await change(client, rupture.id, { partIds: [] })).parts).toEqual([]);
    expect(await storedTags(rupture.id)).toEqual([]);
  });

  it('changes every field at once, and reads back the same', async () => {
    const { client, relationship } = await connected();
    const part = await addPart(client, 'Watcher');
    const rupture = await record(client, relationship.id, {
      myExperience: 'Hot face.',
      echoes: 'School.',
    });
    const body = {
      title: '  The look at the clock  ',
      occurredAt: '2026-01-10T09:15:00-05:00',
      whatHappened: 'She looked at the clock while I was crying.',
      myExperience: 'Like a burden.',
      theirSide: 'Perhaps the next client was waiting.',
      echoes: '   ',
      needs: 'To hear that it was fine to take the time.',
      kind: 'mixed',
      intensity: 4,
      partIds: [part.id],
      visibility: 'shared',
      status: 'repaired',
      reflection: 'We talked about it and it helped.',
    };
    const changed = await change(client, rupture.id, body);
    expect(changed).toMatchObject({
      id: rupture.id,
      title: 'The look at the clock',
      occurredAt: '2026-01-10T14:15:00.000Z',
      whatHappened: body.whatHappened,
      myExperience: body.myExperience,
      theirSide: body.theirSide,
      echoes: null,
      needs: body.needs,
      kind: 'mixed',
      intensity: 4,
      parts: [{ id: part.id, name: 'Watcher' }],
      visibility: 'shared',
      status: 'repaired',
      reflection: body.reflection,
      createdAt: rupture.createdAt,
    });
    isoTime(changed.sharedAt);
    isoTime(changed.repairedAt);
    expect(Date.parse(changed.updatedAt)).toBeGreaterThanOrEqual(Date.parse(rupture.updatedAt));
    expect(await seen(client, rupture.id)).toEqual(changed);
    const cleared = await change(client, rupture.id, { kind: null, reflection: '', needs: null });
    expect(cleared).toMatchObject({ kind: null, reflection: null, needs: null });
  });

  it("never lets the therapist change the client's words: 404, and nothing changes", async () => {
    const { therapist, rupture } = await withShared({ myExperience: 'My words.' });
    const stored = await storedRupture(rupture.id);
    for (const payload of [
      { title: 'Their title' },
      { myExperience: 'Their words.' },
      { visibility: 'private' },
      { status: 'repaired' },
      {},
    ]) {
      expectNotFound(await patchRupture(therapist, rupture.id, payload));
    }
    expect(await storedRupture(rupture.id)).toEqual(stored);
  });

  it('is 404 for outsiders and malformed ids, 401 when signed out, changing nothing', async () => {
    const { client, rupture } = await withShared();
    const stored = await storedRupture(rupture.id);
    for (const outsider of [stranger, otherClient]) {
      expectNotFound(await patchRupture(outsider, rupture.id, { title: 'Mine now' }));
    }
    expectNotFound(await patchRupture(client, 'nope', { title: 'x' }));
    expectSignedOut(await anonymous(t.app, 'PATCH', `/api/ruptures/${rupture.id}`, { title: 'x' }));
    expect(await storedRupture(rupture.id)).toEqual(stored);
  });

  it.each([
    ['a title of 201 characters', { title: 't'.repeat(201) }, 'title'],
    ['a blank title', { title: '  ' }, 'title'],
    ['a title as null', { title: null }, 'title'],
    ['whatHappened as null', { whatHappened: null }, 'whatHappened'],
    ['a text of 100,001 characters', { whatHappened: 'w'.repeat(100_001) }, 'whatHappened'],
    ['a reflection of 100,001 characters', { reflection: 'r'.repeat(100_001) }, 'reflection'],
    ['intensity 6', { intensity: 6 }, 'intensity'],
    ['an unknown status', { status: 'closed' }, 'status'],
    ['an unknown visibility', { visibility: 'everyone' }, 'visibility'],
    ['a move to another appointment', { appointmentId: 'x' }, 'appointmentId'],
    ['a sharedAt', { sharedAt: daysFromNow(-1) }, 'sharedAt'],
  ])('refuses %s with 400 naming the field, changing nothing', async (_name, payload, field) => {
    const { client, relationship } = await buildRelationship(t.app);
    const rupture = await record(client, relationship.id);
    expectInvalid(await patchRupture(client, rupture.id, { intensity: 1, ...payload }), [field]);
    expect(await seen(client, rupture.id)).toEqual(rupture);
  });

  it("refuses sharing while solo, and another client's part, changing nothing", async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const mine = await addPart(client, 'Keeper');
    const theirs = await addPart(otherClient, `Guard ${relationship.id}`);
    const rupture = await record(client, relationship.id, { partIds: [mine.id] });
    expectInvalid(await patchRupture(client, rupture.id, { visibility: 'shared', intensity: 1 }), [
      'visibility',
    ]);
    expectInvalid(await patchRupture(client, rupture.id, { partIds: [theirs.id], intensity: 1 }), [
      'partIds',
    ]);
    expectInvalid(await patchRupture(client, rupture.id, { partIds: ['nope'] }), ['partIds']);
    expect(await seen(client, rupture.id)).toEqual(rupture);
    expect(await storedTags(rupture.id)).toEqual([mine.id]);
  });
});

describe('DELETE /api/ruptures/:id', () => {
  it('lets the client remove a record, with its repair steps', async () => {
    const { client, therapist, relationship, rupture } = await withShared();
    await addRepair(therapist, rupture.id);
    const response = await removeRupture(client, rupture.id);
    expect(response.statusCode, response.body).toBe(204);
    expect(response.body).toBe('');
    expectNotFound(await getRupture(client, rupture.id));
    expectNotFound(await getRupture(therapist, rupture.id));
    expectNotFound(await removeRupture(client, rupture.id));
    expect(await list(client, relationship.id)).toEqual([]);
    expect(await storedRupture(rupture.id)).toBeUndefined();
    expect(await storedRepairs(rupture.id)).toEqual([]);
  });

  it('is 404 for the therapist, outsiders and malformed ids, 401 when signed out, removing nothing', async () => {
    const { client, therapist, rupture } = await withShared();
    for (const person of [therapist, stranger, otherClient]) {
      expectNotFound(await removeRupture(person, rupture.id));
    }
    expectNotFound(await removeRupture(client, 'nope'));
    expectSignedOut(
      await t.app.inject({ method: 'DELETE', url: `/api/ruptures/${rupture.id}`, payload: {} }),
    );
    expect(await seen(client, rupture.id)).toEqual(rupture);
  });
});

describe('POST /api/ruptures/:id/repairs', () => {
  it('records a step with exactly the documented fields, and moves an open record to repairing', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const rupture = await record(client, relationship.id);
    const at = daysFromNow(-1);
    const response = await postRepair(client, rupture.id, {
      at,
      kind: 'talked-in-session',
      by: 'client',
      note: 'I brought it up first thing.',
      feltHeard: 4,
      defensiveness: 0,
    });
    expect(response.statusCode, response.body).toBe(201);
    const { repair } = response.json<{ repair: RepairJson }>();
    expect(Object.keys(repair).sort()).toEqual([
      'at',
      'by',
      'createdAt',
      'defensiveness',
      'feltHeard',
      'id',
      'kind',
      'note',
      'ruptureId',
      'writtenBy',
    ]);
    expect(repair).toMatchObject({
      ruptureId: rupture.id,
      at,
      kind: 'talked-in-session',
      by: 'client',
      note: 'I brought it up first thing.',
      feltHeard: 4,
      defensiveness: 0,
      writtenBy: 'client',
    });
    isoTime(repair.createdAt);
    const after = await seen(client, rupture.id);
    expect(after.status).toBe('repairing');
    expect(after.repairs).toEqual([repair]);
  });

  it.each(
    REPAIR_KINDS.map((kind) => [kind, kind.startsWith('therapist-') ? 'therapist' : 'client']),
  )('accepts the kind %s (done by the %s)', async (kind, by) => {
    const { client, relationship } = await buildRelationship(t.app);
    const rupture = await record(client, relationship.id);
    const repair = await addRepair(client, rupture.id, { kind, by });
    expect(repair).toMatchObject({ kind, by, writtenBy: 'client' });
  });

  it('does not move a record on from any status but open', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    for (const status of ['repaired', 'unresolved'] as const) {
      const rupture = await record(client, relationship.id);
      const marked = await change(client, rupture.id, { status });
      await addRepair(client, rupture.id);
      const after = await seen(client, rupture.id);
      expect(after.status).toBe(status);
      expect(after.repairedAt).toBe(marked.repairedAt);
    }
  });

  it('lets the therapist add a step to a shared record, written down as theirs', async () => {
    const { client, therapist, rupture } = await withShared();
    const repair = await addRepair(therapist, rupture.id, {
      kind: 'therapist-apologized',
      note: 'I said I was sorry for the short notice.',
    });
    expect(repair).toMatchObject({ by: 'therapist', writtenBy: 'therapist', feltHeard: null });
    expect((await seen(client, rupture.id)).repairs).toEqual([repair]);
    // The status is the client's to decide: the therapist's step leaves it open.
    expect((await seen(client, rupture.id)).status).toBe('open');
    expect(await storedRepairs(rupture.id)).toEqual([
      expect.objectContaining({ authorId: therapist.id, authorRole: 'therapist' }),
    ]);
  });

  it('is 404 for the therapist on a private record, writing nothing', async () => {
    const { client, therapist, relationship } = await connected();
    const rupture = await record(client, relationship.id);
    expectNotFound(
      await postRepair(therapist, rupture.id, {
        at: daysFromNow(-1),
        kind: 'therapist-explained',
        by: 'therapist',
      }),
    );
    expect(await storedRepairs(rupture.id)).toEqual([]);
    expect((await storedRupture(rupture.id))?.status).toBe('open');
  });

  it('lists steps in the order they happened, whoever wrote them', async () => {
    const { client, therapist, rupture } = await withShared();
    const last = await addRepair(client, rupture.id, { at: daysFromNow(0, -1) });
    const first = await addRepair(therapist, rupture.id, {
      at: daysFromNow(-3),
      kind: 'therapist-explained',
    });
    const middle = await addRepair(client, rupture.id, {
      at: daysFromNow(-2),
      kind: 'felt-it-out',
      by: 'client',
    });
    const ordered = [first, middle, last];
    expect((await seen(client, rupture.id)).repairs).toEqual(ordered);
    expect((await seen(therapist, rupture.id)).repairs).toEqual(ordered);
    expect(ordered.map((r) => r.writtenBy)).toEqual(['therapist', 'client', 'client']);
  });

  it.each([
    ['the client', 'client'],
    ['the therapist', 'therapist'],
  ] as const)(
    "refuses a therapist's kind of step said to be done by the client, written by %s",
    async (_name, writer) => {
      const { client, therapist, rupture } = await withShared();
      const author = writer === 'client' ? client : therapist;
      for (const kind of REPAIR_KINDS.filter((k) => k.startsWith('therapist-'))) {
        expectInvalid(
          await postRepair(author, rupture.id, { at: daysFromNow(-1), kind, by: 'client' }),
          ['by'],
        );
      }
      expect(await storedRepairs(rupture.id)).toEqual([]);
    },
  );

  it("refuses the therapist's answers to the client's questions, writing nothing", async () => {
    const { therapist, rupture } = await withShared();
    const base = { at: daysFromNow(-1), kind: 'explored-together', by: 'therapist' };
    expectInvalid(await postRepair(therapist, rupture.id, { ...base, feltHeard: 4 }), [
      'feltHeard',
    ]);
    expectInvalid(await postRepair(therapist, rupture.id, { ...base, defensiveness: 0 }), [
      'defensiveness',
    ]);
    expectInvalid(
      await postRepair(therapist, rupture.id, { ...base, feltHeard: 3, defensiveness: 1 }),
      ['feltHeard', 'defensiveness'],
    );
    expect(await storedRepairs(rupture.id)).toEqual([]);
  });

  it.each([
    ['no time', { at: undefined }, 'at'],
    ['a time that is not a time', { at: 'soon' }, 'at'],
    ['an unknown kind', { kind: 'hug' }, 'kind'],
    ['no kind', { kind: undefined }, 'kind'],
    ['nobody who did it', { by: undefined }, 'by'],
    ['somebody else who did it', { by: 'friend' }, 'by'],
    ['feltHeard of 5', { feltHeard: 5 }, 'feltHeard'],
    ['feltHeard of -1', { feltHeard: -1 }, 'feltHeard'],
    ['defensiveness of 2.5', { defensiveness: 2.5 }, 'defensiveness'],
    ['defensiveness as text', { defensiveness: '3' }, 'defensiveness'],
    ['a note of 100,001 characters', { note: 'n'.repeat(100_001) }, 'note'],
    ['a writer', { writtenBy: 'therapist' }, 'writtenBy'],
  ])('refuses %s with 400 naming the field, writing nothing', async (_name, body, field) => {
    const { client, relationship } = await buildRelationship(t.app);
    const rupture = await record(client, relationship.id);
    expectInvalid(
      await postRepair(client, rupture.id, {
        at: daysFromNow(-1),
        kind: 'wrote-it-out',
        by: 'client',
        ...body,
      }),
      [field],
    );
    expect(await storedRepairs(rupture.id)).toEqual([]);
    expect((await storedRupture(rupture.id))?.status).toBe('open');
  });

  it.each([0, 4])('takes ratings of %i', async (rating) => {
    const { client, relationship } = await buildRelationship(t.app);
    const rupture = await record(client, relationship.id);
    const repair = await addRepair(client, rupture.id, {
      feltHeard: rating,
      defensiveness: rating,
    });
    expect(repair).toMatchObject({ feltHeard: rating, defensiveness: rating });
  });

  it('is 404 for outsiders and malformed ids, 401 when signed out, writing nothing', async () => {
    const { client, rupture } = await withShared();
    const body = { at: daysFromNow(-1), kind: 'other', by: 'client' };
    for (const outsider of [stranger, otherClient]) {
      expectNotFound(await postRepair(outsider, rupture.id, body));
    }
    expectNotFound(await postRepair(client, 'nope', body));
    expectSignedOut(await anonymous(t.app, 'POST', `/api/ruptures/${rupture.id}/repairs`, body));
    expect(await storedRepairs(rupture.id)).toEqual([]);
  });
});

describe('PATCH and DELETE /api/repairs/:id', () => {
  it("lets the client answer the questions on any step of theirs, the therapist's included", async () => {
    const { client, therapist, rupture } = await withShared();
    const theirs = await addRepair(therapist, rupture.id, { kind: 'therapist-apologized' });
    const mine = await addRepair(client, rupture.id);
    const response = await patchRepair(client, theirs.id, { feltHeard: 3, defensiveness: 1 });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json<{ repair: RepairJson }>().repair).toEqual({
      ...theirs,
      feltHeard: 3,
      defensiveness: 1,
    });
    const rated = await patchRepair(client, mine.id, { feltHeard: 0, note: 'Changed my mind.' });
    expect(rated.json<{ repair: RepairJson }>().repair).toMatchObject({
      feltHeard: 0,
      note: 'Changed my mind.',
    });
    const cleared = await patchRepair(client, theirs.id, { defensiveness: null, note: undefined });
    expect(cleared.json<{ repair: RepairJson }>().repair).toMatchObject({
      feltHeard: 3,
      defensiveness: null,
    });
    expect((await seen(therapist, rupture.id)).repairs.map((r) => r.feltHeard)).toEqual([3, 0]);
  });

  it("lets the therapist change the note of their own step, not the client's, and never rate", async () => {
    const { client, therapist, rupture } = await withShared();
    const theirs = await addRepair(therapist, rupture.id, {
      kind: 'therapist-explained',
      note: 'First draft.',
    });
    const mine = await addRepair(client, rupture.id, { note: 'My note.', feltHeard: 2 });

    const noted = await patchRepair(therapist, theirs.id, { note: 'What I explained, better.' });
    expect(noted.statusCode, noted.body).toBe(200);
    expect(noted.json<{ repair: RepairJson }>().repair.note).toBe('What I explained, better.');
    const blanked = await patchRepair(therapist, theirs.id, { note: '  ' });
    expect(blanked.json<{ repair: RepairJson }>().repair.note).toBeNull();

    expectInvalid(await patchRepair(therapist, mine.id, { note: 'Their words.' }), ['note']);
    expectInvalid(await patchRepair(therapist, mine.id, { feltHeard: 4 }), ['feltHeard']);
    expectInvalid(await patchRepair(therapist, theirs.id, { defensiveness: 0 }), ['defensiveness']);
    expectInvalid(await patchRepair(client, theirs.id, { note: 'My version of it.' }), ['note']);

    const [stillMine] = (await seen(client, rupture.id)).repairs.filter((r) => r.id === mine.id);
    expect(stillMine).toMatchObject({ note: 'My note.', feltHeard: 2 });
    const [stillTheirs] = (await seen(client, rupture.id)).repairs.filter(
      (r) => r.id === theirs.id,
    );
    expect(stillTheirs).toMatchObject({ note: null, defensiveness: null });
  });

  it.each([
    ['feltHeard of 5', { feltHeard: 5 }, 'feltHeard'],
    ['defensiveness of -1', { defensiveness: -1 }, 'defensiveness'],
    ['a kind (not changeable)', { kind: 'other' }, 'kind'],
    ['a note of 100,001 characters', { note: 'n'.repeat(100_001) }, 'note'],
  ])('refuses %s with 400 naming the field', async (_name, payload, field) => {
    const { client, relationship } = await buildRelationship(t.app);
    const rupture = await record(client, relationship.id);
    const repair = await addRepair(client, rupture.id);
    expectInvalid(await patchRepair(client, repair.id, payload), [field]);
    expect((await seen(client, rupture.id)).repairs).toEqual([repair]);
  });

  it('is 404 for the therapist once the record is private again, and for outsiders', async () => {
    const { client, therapist, rupture } = await withShared();
    const theirs = await addRepair(therapist, rupture.id, { note: 'Mine.' });
    await change(client, rupture.id, { visibility: 'private' });
    expectNotFound(await patchRepair(therapist, theirs.id, { note: 'Still mine?' }));
    expectNotFound(await removeRepair(therapist, theirs.id));
    for (const outsider of [stranger, otherClient]) {
      expectNotFound(await patchRepair(outsider, theirs.id, { note: 'x' }));
      expectNotFound(await removeRepair(outsider, theirs.id));
    }
    expectNotFound(await patchRepair(client, 'nope', { feltHeard: 1 }));
    expectNotFound(await removeRepair(client, 'nope'));
    expectSignedOut(await anonymous(t.app, 'PATCH', `/api/repairs/${theirs.id}`, { note: 'x' }));
    expect((await seen(client, rupture.id)).repairs).toEqual([theirs]);
  });

  it('lets only the writer remove a step; anyone else gets 404', async () => {
    const { client, therapist, rupture } = await withShared();
    const theirs = await addRepair(therapist, rupture.id, { kind: 'therapist-set-boundary' });
    const mine = await addRepair(client, rupture.id);
    expectNotFound(await removeRepair(client, theirs.id));
    expectNotFound(await removeRepair(therapist, mine.id));
    expect((await storedRepairs(rupture.id)).map((r) => r.id).sort()).toEqual(
      [theirs.id, mine.id].sort(),
    );

    expect((await removeRepair(therapist, theirs.id)).statusCode).toBe(204);
    expect((await removeRepair(client, mine.id)).statusCode).toBe(204);
    expect((await seen(client, rupture.id)).repairs).toEqual([]);
    expectNotFound(await removeRepair(client, mine.id));
  });
});

describe('GET /api/relationships/:id/patterns', () => {
  it('counts what the viewer can see, in the documented shape', async () => {
    const { client, therapist, relationship } = await connected();
    const shared = await record(client, relationship.id, {
      kind: 'withdrawal',
      visibility: 'shared',
      occurredAt: daysFromNow(-4),
    });
    await record(client, relationship.id, { kind: 'confrontation' });
    await record(client, relationship.id, { kind: null, visibility: 'shared' });
    await addRepair(client, shared.id, { at: daysFromNow(-3), kind: 'talked-in-session' });
    await change(client, shared.id, { status: 'repaired' });

    const response = await patternsRaw(client, relationship.id);
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json<{
      patterns: PatternsJson;
      rules: { strengths: { id: string; rule: string }[]; redFlags: { id: string }[] };
    }>();
    expect(Object.keys(body)).toEqual(['patterns', 'rules']);
    // Every rule is listed in its words, applying or not.
    expect(body.rules.strengths.map((r) => r.id)).toEqual([
      'owned-mistake',
      'explained-boundary',
      'felt-heard',
    ]);
    expect(body.rules.redFlags.map((r) => r.id)).toEqual([
      'repeated-defensiveness',
      'not-heard',
      'left-unresolved',
    ]);
    for (const r of body.rules.strengths) expect(r.rule).toMatch(/^Shown when /);
    const mine = body.patterns;
    for (const key of [
      'total',
      'byKind',
      'byStatus',
      'medianDaysToRepair',
      'repairKindsBeforeRepair',
      'strengths',
      'redFlags',
    ]) {
      expect(mine).toHaveProperty(key);
    }
    expect(mine).toMatchObject({
      total: 3,
      byKind: { withdrawal: 1, confrontation: 1, mixed: 0, unsure: 0, unspecified: 1 },
      byStatus: { open: 2, repairing: 0, repaired: 1, unresolved: 0 },
      repairKindsBeforeRepair: [{ kind: 'talked-in-session', ruptures: 1 }],
      strengths: [],
      redFlags: [],
    });
    expect(mine.medianDaysToRepair).toBeCloseTo(4, 0);

    const theirs = await patternsOf(therapist, relationship.id);
    expect(theirs).toMatchObject({
      total: 2,
      byKind: { withdrawal: 1, confrontation: 0, mixed: 0, unsure: 0, unspecified: 1 },
      byStatus: { open: 1, repairing: 0, repaired: 1, unresolved: 0 },
    });
  });

  it('shows repeated defensiveness only from the second step rated 3 or more', async () => {
    const { client, therapist, relationship, rupture } = await withShared();
    const first = await addRepair(therapist, rupture.id, { kind: 'therapist-explained' });
    await addRepair(client, rupture.id, { defensiveness: 2 });
    const flags = async (person: Person) =>
      (await patternsOf(person, relationship.id)).redFlags.map((f) => f.id);

    expect(await flags(client)).toEqual([]);
    expect((await patchRepair(client, first.id, { defensiveness: 3 })).statusCode).toBe(200);
    expect(await flags(client)).toEqual([]);
    expect(await flags(therapist)).toEqual([]);

    await addRepair(client, rupture.id, { kind: 'wrote-it-out', defensiveness: 4 });
    const mine = await patternsOf(client, relationship.id);
    expect(mine.redFlags).toEqual([
      { id: 'repeated-defensiveness', count: 2, rule: expect.any(String) },
    ]);
    expect((await patternsOf(therapist, relationship.id)).redFlags).toEqual(mine.redFlags);
  });

  it('counts an apology by the therapist as a strength', async () => {
    const { client, therapist, relationship, rupture } = await withShared();
    expect((await patternsOf(client, relationship.id)).strengths).toEqual([]);
    await addRepair(therapist, rupture.id, { kind: 'therapist-apologized' });
    const { strengths } = await patternsOf(client, relationship.id);
    expect(strengths).toEqual([{ id: 'owned-mistake', count: 1, rule: expect.any(String) }]);
    expect((await patternsOf(therapist, relationship.id)).strengths).toEqual(strengths);
  });

  it('leaves out the steps of records the therapist cannot see', async () => {
    const { client, therapist, relationship } = await connected();
    const hidden = await record(client, relationship.id);
    await addRepair(client, hidden.id, { kind: 'therapist-apologized', by: 'therapist' });
    await addRepair(client, hidden.id, { defensiveness: 4 });
    await addRepair(client, hidden.id, { defensiveness: 3 });
    const mine = await patternsOf(client, relationship.id);
    expect(mine.strengths.map((s) => s.id)).toEqual(['owned-mistake']);
    expect(mine.redFlags.map((f) => f.id)).toEqual(['repeated-defensiveness']);
    const theirs = await patternsOf(therapist, relationship.id);
    expect(theirs).toMatchObject({ total: 0, strengths: [], redFlags: [] });
  });

  it('records the therapist reading the patterns', async () => {
    const { client, therapist, relationship } = await withShared();
    const before = (await auditRowsOf(t.services, relationship.id)).length;
    await patternsOf(therapist, relationship.id);
    expect((await auditRowsOf(t.services, relationship.id)).slice(before)).toEqual([
      expect.objectContaining({
        actorId: therapist.id,
        subjectUserId: client.id,
        action: 'read',
        subjectType: 'patterns',
      }),
    ]);
  });
});
