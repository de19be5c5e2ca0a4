import { randomUUID } from 'node:crypto';
import { ALLIANCE_ITEMS } from '@attune/core/checkin';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  appointments,
  auditEvents,
  calendarFeeds,
  checkins,
  sessions,
  users,
} from '../../db/schema.ts';
import type { Person } from '../../test/factories.ts';
import { startTestApp, type TestApp } from '../../test/harness.ts';
import {
  addAppointment,
  anonymous,
  buildRelationship,
  checkIn,
  daysFromNow,
  expectSignedOut,
} from '../../test/world.ts';
import { csv, csvCell } from './csv.ts';
import { LINK_IDS, QUESTIONNAIRE_URL } from './fhir.ts';
import { CSV_HEADER, exportDocument } from './routes.ts';
import { EXPORT_FORMAT, ExportDocument } from './schema.ts';

type ExportJson = z.infer<typeof ExportDocument>;

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

async function exportOf(person: Person) {
  const response = await person.request({ method: 'GET', url: '/api/me/export' });
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers['content-type']).toMatch(/^application\/json; charset=utf-8/);
  expect(response.headers['content-disposition']).toMatch(
    /^attachment; filename="attune-export-\d{4}-\d{2}-\d{2}\.json"$/,
  );
  expect(response.headers['cache-control']).toBe('no-store');
  // Every export has exactly the documented shape (strict: nothing unlisted at the top).
  const parsed = ExportDocument.safeParse(JSON.parse(response.body));
  expect(parsed.error, 'export shape').toBeUndefined();
  return { body: response.body, json: JSON.parse(response.body) as ExportJson };
}

async function csvOf(person: Person) {
  const response = await person.request({ method: 'GET', url: '/api/me/export/checkins.csv' });
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
  expect(response.headers['content-disposition']).toMatch(
    /^attachment; filename="attune-checkins-\d{4}-\d{2}-\d{2}\.csv"$/,
  );
  return response.body;
}

/** A minimal RFC 4180 reader: quoted fields, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  expect(cell, 'the last record ends with CRLF').toBe('');
  return rows;
}

const post = async (person: Person, url: string, payload: object, status = 201) => {
  const response = await person.request({ method: 'POST', url, payload });
  expect(response.statusCode, response.body).toBe(status);
  return response.json();
};

/** A connected relationship where both people have written things of their own. */
async function busyWorld() {
  const world = await buildRelationship(t.app, { mode: 'connected', therapistName: 'Sam' });
  const { client, therapist, relationship } = world;
  const rel = relationship.id;
  const first = await addAppointment(client, rel, { startsAt: daysFromNow(-14) });
  const second = await addAppointment(client, rel, { startsAt: daysFromNow(-7) });
  const privateCheckin = await checkIn(client, first.id, {
    bond: 3,
    goals: 4,
    method: 5,
    overall: 6,
    tension: 3,
    resolved: 1,
    note: 'CLIENT-PRIVATE-NOTE, with "quotes"',
    shared: false,
  });
  const sharedCheckin = await checkIn(client, second.id, { note: 'CLIENT-SHARED-NOTE' });
  const therapistCheckin = await checkIn(therapist, first.id, { note: 'THERAPIST-OWN-NOTE' });
  const part = (await post(client, '/api/parts', { name: 'PART-SECRET' })).part;
  const privateRupture = (
    await post(client, `/api/relationships/${rel}/ruptures`, {
      title: 'PRIVATE-RUPTURE',
      occurredAt: daysFromNow(-7),
      whatHappened: 'PRIVATE-WHAT-HAPPENED',
      intensity: 3,
      partIds: [part.id],
    })
  ).rupture;
  const sharedRupture = (
    await post(client, `/api/relationships/${rel}/ruptures`, {
      title: 'SHARED-RUPTURE',
      occurredAt: daysFromNow(-6),
      whatHappened: 'SHARED-WHAT-HAPPENED',
      intensity: 2,
      visibility: 'shared',
    })
  ).rupture;
  await post(therapist, `/api/ruptures/${sharedRupture.id}/repairs`, {
    at: daysFromNow(-5),
    kind: 'therapist-explained',
    by: 'therapist',
    note: 'THERAPIST-REPAIR-NOTE',
  });
  await post(client, `/api/relationships/${rel}/letters`, {
    title: 'LETTER-DRAFT',
    body: 'LETTER-BODY',
  });
  await post(client, `/api/relationships/${rel}/good-moments`, {
    at: daysFromNow(-3),
    text: 'GOOD-MOMENT',
  });
  await post(client, `/api/relationships/${rel}/agenda`, { text: 'AGENDA-ITEM' });
  const agreement = await therapist.request({
    method: 'PUT',
    url: `/api/relationships/${rel}/agreement`,
    payload: {
      replyTimeHours: 48,
      contact: 'AGREEMENT-CONTACT',
      availability: 'Weekdays.',
      scheduling: 'Weekly.',
      roomRules: '',
      emergency: 'Call 112.',
    },
  });
  expect(agreement.statusCode, agreement.body).toBe(201);
  await post(client, `/api/relationships/${rel}/agreement/acknowledge`, { version: 1 }, 200);
  await post(client, `/api/relationships/${rel}/messages`, { body: 'FROM-CLIENT' });
  await post(therapist, `/api/relationships/${rel}/messages`, { body: 'FROM-THERAPIST' });
  return {
    ...world,
    privateCheckin,
    sharedCheckin,
    therapistCheckin,
    privateRupture,
    sharedRupture,
  };
}

/** Strings no export may ever hold: password hashes, session ids and tokens, feed tokens. */
async function secretsOf(person: Person): Promise<string[]> {
  const token = await person.request({ method: 'GET', url: '/api/me/calendar-token' });
  expect(token.statusCode, token.body).toBe(200);
  const [user] = await t.services.db.select().from(users).where(eq(users.id, person.id));
  const own = await t.services.db.select().from(sessions).where(eq(sessions.userId, person.id));
  const [feed] = await t.services.db
    .select()
    .from(calendarFeeds)
    .where(eq(calendarFeeds.userId, person.id));
  expect(own.length).toBeGreaterThan(0);
  return [
    '$argon2',
    person.password,
    user?.passwordHash ?? 'missing',
    person.cookie.split('=')[1] ?? 'missing',
    ...own.map((s) => s.id),
    feed?.token ?? 'missing',
    feed?.tokenHash ?? 'missing',
  ];
}

const auditCount = async () =>
  (await t.services.db.select({ n: count() }).from(auditEvents))[0]?.n ?? 0;

describe('GET /api/me/export', () => {
  it('answers 401 when signed out', async () => {
    expectSignedOut(await anonymous(t.app, 'GET', '/api/me/export'));
    expectSignedOut(await anonymous(t.app, 'GET', '/api/me/export/checkins.csv'));
  });

  it('gives a client everything they wrote and the messages they were given', async () => {
    const w = await busyWorld();
    const before = await auditCount();
    const { body, json } = await exportOf(w.client);
    expect(await auditCount()).toBe(before);

    expect(json.format).toBe(EXPORT_FORMAT);
    expect(json.account).toEqual({
      id: w.client.id,
      email: w.client.email,
      displayName: w.client.displayName,
      role: 'client',
      createdAt: expect.any(String),
    });
    expect(json.relationships.map((r) => r.id)).toEqual([w.relationship.id]);
    expect(json.appointments).toHaveLength(2);
    // Their own check-ins only, private ones included; never the therapist's.
    expect(json.checkins.map((c) => c.id)).toEqual([w.privateCheckin.id, w.sharedCheckin.id]);
    expect(json.checkins.every((c) => c.respondent === 'client')).toBe(true);
    expect(body).not.toContain('THERAPIST-OWN-NOTE');
    expect(json.ruptures.map((r) => r.title)).toEqual(['PRIVATE-RUPTURE', 'SHARED-RUPTURE']);
    expect(json.ruptures[0]?.parts).toEqual([{ id: expect.any(String), name: 'PART-SECRET' }]);
    expect(json.ruptures[1]?.repairs.map((r) => r.note)).toEqual(['THERAPIST-REPAIR-NOTE']);
    expect(json.repairsWritten).toEqual([]);
    expect(json.parts).toEqual([expect.objectContaining({ name: 'PART-SECRET', ruptureCount: 1 })]);
    expect(json.letters.map((l) => l.title)).toEqual(['LETTER-DRAFT']);
    expect(json.goodMoments).toEqual([expect.objectContaining({ text: 'GOOD-MOMENT' })]);
    expect(json.agendaItems).toEqual([expect.objectContaining({ text: 'AGENDA-ITEM' })]);
    // The therapist wrote the agreement; the client acknowledged it.
    expect(json.agreements).toEqual([]);
    expect(json.agreementAcknowledgements).toEqual([
      expect.objectContaining({ relationshipId: w.relationship.id, version: 1 }),
    ]);
    expect(json.messages.map((m) => [m.body, m.direction])).toEqual([
      ['FROM-CLIENT', 'sent'],
      ['FROM-THERAPIST', 'received'],
    ]);
    expect(json.notificationSettings).toEqual(expect.objectContaining({ timezone: 'UTC' }));
    for (const secret of await secretsOf(w.client)) expect(body).not.toContain(secret);
  });

  it('gives a therapist what they wrote, never the client’s private writing', async () => {
    const w = await busyWorld();
    const { body, json } = await exportOf(w.therapist);
    expect(json.account.role).toBe('therapist');
    expect(json.relationships.map((r) => r.id)).toEqual([w.relationship.id]);
    expect(json.checkins.map((c) => c.id)).toEqual([w.therapistCheckin.id]);
    expect(json.fhir.responses.map((r) => r.id)).toEqual([w.therapistCheckin.id]);
    for (const theirs of [
      'CLIENT-PRIVATE-NOTE',
      'CLIENT-SHARED-NOTE',
      'PRIVATE-RUPTURE',
      'PRIVATE-WHAT-HAPPENED',
      'SHARED-RUPTURE',
      'SHARED-WHAT-HAPPENED',
      'PART-SECRET',
      'LETTER-DRAFT',
      'LETTER-BODY',
      'GOOD-MOMENT',
      'AGENDA-ITEM',
      w.privateCheckin.id,
      w.privateRupture.id,
    ]) {
      expect(body).not.toContain(theirs);
    }
    for (const key of ['ruptures', 'parts', 'letters', 'goodMoments', 'agendaItems'] as const) {
      expect(json[key]).toEqual([]);
    }
    // The repair step they wrote, without the client's ratings of it.
    expect(json.repairsWritten).toEqual([
      expect.objectContaining({ note: 'THERAPIST-REPAIR-NOTE', writtenBy: 'therapist' }),
    ]);
    expect(json.repairsWritten[0]).not.toHaveProperty('feltHeard');
    expect(json.agreements).toEqual([
      expect.objectContaining({ version: 1, contact: 'AGREEMENT-CONTACT' }),
    ]);
    // Messages they sent and those they were given.
    expect(json.messages.map((m) => [m.body, m.direction])).toEqual([
      ['FROM-CLIENT', 'received'],
      ['FROM-THERAPIST', 'sent'],
    ]);
    for (const secret of await secretsOf(w.therapist)) expect(body).not.toContain(secret);
    // The client's account is not theirs to export.
    expect(body).not.toContain(w.client.email);
  });

  it('gives someone who has written nothing an empty, well-formed export', async () => {
    const { client } = await buildRelationship(t.app);
    const { json } = await exportOf(client);
    expect(json.checkins).toEqual([]);
    expect(json.fhir.responses).toEqual([]);
    expect(json.fhir.questionnaire.status).toBe('active');
  });
});

describe('FHIR R4', () => {
  it('has a Questionnaire of Attune’s items and a completed response per check-in', async () => {
    const w = await busyWorld();
    const { json } = await exportOf(w.client);
    const { questionnaire, responses } = json.fhir;
    expect(questionnaire.resourceType).toBe('Questionnaire');
    expect(questionnaire.url).toBe(QUESTIONNAIRE_URL);
    expect(questionnaire.status).toBe('active');
    expect(questionnaire.item.map((i) => i.linkId)).toEqual([...LINK_IDS]);
    for (const item of ALLIANCE_ITEMS) {
      expect(questionnaire.item.find((i) => i.linkId === item)).toEqual(
        expect.objectContaining({ type: 'integer', required: true, text: expect.any(String) }),
      );
    }
    const known = new Map(questionnaire.item.map((i) => [i.linkId, i]));
    expect(responses).toHaveLength(2);
    for (const response of responses) {
      expect(response.resourceType).toBe('QuestionnaireResponse');
      expect(response.status).toBe('completed');
      expect(response.questionnaire).toBe(questionnaire.url);
      expect(response.author.type).toBe('Patient');
      for (const item of response.item) {
        const definition = known.get(item.linkId);
        expect(definition, item.linkId).toBeDefined();
        expect(item.text).toBe(definition?.text);
        const [answer] = item.answer;
        if (definition?.type === 'integer') expect(answer).toHaveProperty('valueInteger');
        else expect(answer).toHaveProperty('valueString');
      }
    }
    const [privateOne, sharedOne] = responses;
    expect(privateOne?.id).toBe(w.privateCheckin.id);
    expect(privateOne?.authored).toBe(w.privateCheckin.createdAt);
    const answers = Object.fromEntries(
      (privateOne?.item ?? []).map((i) => [i.linkId, Object.values(i.answer[0] ?? {})[0]]),
    );
    expect(answers).toEqual({
      bond: 3,
      goals: 4,
      method: 5,
      overall: 6,
      tension: 3,
      resolved: 1,
      note: 'CLIENT-PRIVATE-NOTE, with "quotes"',
    });
    // No tension: "resolved" was not asked, so it is not answered.
    expect(sharedOne?.item.map((i) => i.linkId)).toEqual([...ALLIANCE_ITEMS, 'tension', 'note']);
  });
});

describe('GET /api/me/export/checkins.csv', () => {
  it('writes RFC 4180 CSV that a spreadsheet never runs as a formula', async () => {
    const w = await busyWorld();
    const appointment = await addAppointment(w.client, w.relationship.id, {
      startsAt: daysFromNow(-1),
    });
    await checkIn(w.client, appointment.id, { note: '=HYPERLINK("http://x","y")\r\nmore' });
    const text = await csvOf(w.client);
    expect(text.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(text);
    expect(rows[0]).toEqual([...CSV_HEADER]);
    expect(rows).toHaveLength(4);
    const column = (name: (typeof CSV_HEADER)[number]) => CSV_HEADER.indexOf(name);
    const [, first, second, third] = rows;
    expect(first?.[column('note')]).toBe('CLIENT-PRIVATE-NOTE, with "quotes"');
    expect(first?.[column('score')]).toBe('18');
    expect(first?.[column('resolved')]).toBe('1');
    expect(first?.[column('shared')]).toBe('false');
    expect(first?.[column('therapist_name')]).toBe('Sam');
    expect(first?.[column('appointment_date')]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(second?.[column('resolved')]).toBe('');
    expect(third?.[column('note')]).toBe('\'=HYPERLINK("http://x","y")\r\nmore');
    expect(text).toContain('"\'=HYPERLINK(""http://x"",""y"")\r\nmore"');
    // The therapist's CSV has their own check-in only.
    const theirs = parseCsv(await csvOf(w.therapist));
    expect(theirs).toHaveLength(2);
    expect(theirs[1]?.[column('note')]).toBe('THERAPIST-OWN-NOTE');
  });

  it('escapes every kind of cell', () => {
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(0)).toBe('0');
    expect(csvCell(false)).toBe('false');
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    for (const start of ['=', '+', '-', '@', '\t']) {
      expect(csvCell(`${start}1+1`)).toBe(`'${start}1+1`);
    }
    expect(csvCell('=1,"2"')).toBe('"\'=1,""2"""');
    expect(csvCell('\r1')).toBe('"\'\r1"');
    expect(csv(['a', 'b'], [['x', 1]])).toBe('a,b\r\nx,1\r\n');
  });
});

describe('a large export', () => {
  it('streams 300 check-ins in pieces, as JSON, FHIR and CSV', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const { db } = t.services;
    const start = Date.now() - 400 * 86_400_000;
    const rows = Array.from({ length: 300 }, (_, i) => ({
      appointment: {
        id: randomUUID(),
        relationshipId: relationship.id,
        startsAt: new Date(start + i * 86_400_000),
        durationMinutes: 50,
        kind: 'individual' as const,
        status: 'held' as const,
      },
      checkin: {
        id: randomUUID(),
        relationshipId: relationship.id,
        respondent: 'client' as const,
        bond: i % 11,
        goals: 5,
        method: 5,
        overall: 5,
        tension: i % 5,
        resolved: i % 5 === 0 ? null : 1,
        note: i % 7 === 0 ? `-note ${i}, "${'x'.repeat(2000)}"` : null,
        shared: i % 2 === 0,
      },
    }));
    await db.insert(appointments).values(rows.map((r) => r.appointment));
    await db
      .insert(checkins)
      .values(rows.map((r) => ({ ...r.checkin, appointmentId: r.appointment.id })));

    const { json, body } = await exportOf(client);
    expect(json.checkins).toHaveLength(300);
    expect(json.checkins.map((c) => c.id)).toEqual(rows.map((r) => r.checkin.id));
    expect(json.fhir.responses).toHaveLength(300);
    expect(json.fhir.responses.map((r) => r.id)).toEqual(rows.map((r) => r.checkin.id));
    expect(body.length).toBeGreaterThan(300 * 500);

    const csvRows = parseCsv(await csvOf(client));
    expect(csvRows).toHaveLength(301);
    expect(csvRows[1]?.[CSV_HEADER.indexOf('note')]).toMatch(/^'-note 0, "x{2000}"$/);

    // Pieces, not one string: the web page can show progress as they arrive.
    const me = { id: client.id, email: client.email, displayName: 'Robin', role: 'client' };
    let pieces = 0;
    for await (const _ of exportDocument(db, me as never, new Date())) pieces++;
    expect(pieces).toBeGreaterThan(20);
  });
});
