import { randomUUID } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { buildClient, buildTherapist, type Person } from '../test/factories.ts';
import { accept, buildRelationship, calm, connect, daysFromNow, invite } from '../test/world.ts';
import type { IdName, Method, Recorded } from './route-table.ts';

/**
 * What the attack suite (authz-matrix, fuzz and sessions.attack tests) shares: the routes the app
 * registers, recorded as it registers them, and client A's world built through the API, with an
 * id for every IdName of route-table.ts.
 *
 * This module imports nothing of Fastify at runtime, so a test's `vi.mock('fastify', …)` factory
 * may import it.
 */

// ---------------------------------------------------------------------------------------------
// The routes, from the app

/** A route as the onRoute hook saw it, with its schemas (the fuzzer derives bodies from them). */
export type RecordedRoute = Recorded & { schema?: { body?: unknown; querystring?: unknown } };

type FastifyModule = typeof import('fastify');

/**
 * The fastify module, with every instance it makes recording each route it registers (hidden
 * ones included) into `recorded`: an onRoute hook, added before app.ts registers anything. For a
 * test file's own `vi.mock('fastify', …)` (Vitest hoists vi.mock per file):
 *
 *     const recorded = vi.hoisted(() => [] as RecordedRoute[]);
 *     vi.mock('fastify', async (importOriginal) => {
 *       const { recordingFastify } = await import('./attack-world.ts');
 *       return recordingFastify(await importOriginal(), recorded);
 *     });
 */
export function recordingFastify(actual: FastifyModule, recorded: RecordedRoute[]) {
  const original = actual.default;
  const recording = ((options?: Parameters<typeof original>[0]) => {
    const app = original(options);
    app.addHook('onRoute', (route) => {
      recorded.push({
        method: route.method,
        url: route.url,
        schema: route.schema as RecordedRoute['schema'],
      });
    });
    return app;
  }) as typeof original;
  return { ...actual, default: recording, fastify: recording };
}

// ---------------------------------------------------------------------------------------------
// A's world

/** A value of this run's alone: names and texts of the world are found by it in any answer. */
export const tag = () => randomUUID().slice(0, 8);
const secret = (what: string) => `${what}-secret-${tag()}`;

/** The answer's status is `status`; its `pick` member is returned. */
export async function ok<T>(
  response: Promise<LightMyRequestResponse>,
  status: number,
  pick: string,
) {
  const r = await response;
  expect(r.statusCode, r.body).toBe(status);
  return r.json<Record<string, T>>()[pick] as T;
}

type WithId = { id: string };

const TEXTS = {
  agreement: 'agreement-contact',
  checkinNote: 'checkin-note',
  privateTitle: 'private-rupture-title',
  privateText: 'private-rupture-text',
  sharedTitle: 'shared-rupture-title',
  sharedText: 'shared-rupture-text',
  repairNote: 'repair-note',
  letterTitle: 'letter-title',
  letterBody: 'letter-body',
  partName: 'part-name',
  goodMoment: 'good-moment',
  agenda: 'agenda-item',
  messageFromA: 'message-from-a',
  messageFromT: 'message-from-t',
  requestNote: 'request-note',
  timeOffNote: 'time-off-note',
} as const;

export type AttackWorld = {
  /** The client. */
  A: Person;
  /** A's therapist, connected to A (and to C). */
  T: Person;
  /** T's other client, a couple with A (both consented). */
  C: Person;
  /** C's relationship with T. */
  cRelationship: string;
  /** The name A gave T on their relationship. */
  therapistName: string;
  /** Every free text A's world was written with (label → text), each unique to this world. */
  texts: Record<keyof typeof TEXTS, string>;
  ids: Record<IdName, string>;
  /** The id of that name; throws when the world has none (an IdName not built here yet). */
  id(name: IdName): string;
};

/**
 * Client A's world, through the API: A with their connected therapist T, who also sees C (A and C
 * are a couple with T), an agreement A acknowledged, a past and a future appointment, a shared
 * check-in, a part, a private and a shared rupture (naming the part), a repair of the shared one,
 * a draft letter about the private one, a good moment, an agenda item, an urgent message from A
 * and one from T, T's slot, time off and open time, A's open appointment request, the couple, the
 * invite code T used, and A's sign-in.
 */
export async function buildAttackWorld(app: FastifyInstance): Promise<AttackWorld> {
  const therapistName = `Thorne-as-A-calls-them-${tag()}`;
  const A = await buildClient(app, `Aurelia-${tag()}`);
  const T = await buildTherapist(app, `Dr-Thorne-${tag()}`);
  const C = await buildClient(app, `Caspian-${tag()}`);

  const rel = (await buildRelationship(app, { client: A, therapistName })).relationship.id;
  const code = (await invite(A, rel)).code;
  const accepted = await accept(T, code);
  expect(accepted.statusCode, accepted.body).toBe(200);
  const cRel = (await buildRelationship(app, { client: C })).relationship.id;
  await connect(C, cRel, T);

  const texts = Object.fromEntries(
    Object.entries(TEXTS).map(([label, what]) => [label, secret(what)]),
  ) as AttackWorld['texts'];

  const post = (p: Person, url: string, payload: object, method: Method = 'POST') =>
    p.request({ method, url, payload });
  const agreement = {
    replyTimeHours: 48,
    sessionFrequencyDays: 7,
    contact: texts.agreement,
    availability: 'Weekdays.',
    scheduling: 'By message.',
    roomRules: 'Be kind.',
    emergency: 'Call the crisis line.',
  };
  await ok(post(T, `/api/relationships/${rel}/agreement`, agreement, 'PUT'), 201, 'agreement');
  const acknowledged = await post(A, `/api/relationships/${rel}/agreement/acknowledge`, {
    version: 1,
  });
  expect(acknowledged.statusCode, acknowledged.body).toBe(200);

  const appointment = (startsAt: string) =>
    ok<WithId>(
      post(A, `/api/relationships/${rel}/appointments`, {
        startsAt,
        durationMinutes: 50,
        kind: 'individual',
      }),
      201,
      'appointment',
    );
  const past = await appointment(daysFromNow(-2));
  const future = await appointment(daysFromNow(9));
  const checkin = await ok<WithId>(
    post(A, `/api/appointments/${past.id}/checkins`, {
      ...calm,
      note: texts.checkinNote,
      shared: true,
    }),
    201,
    'checkin',
  );
  const part = await ok<WithId>(
    post(A, '/api/parts', { name: texts.partName, description: 'The part that keeps watch.' }),
    201,
    'part',
  );
  const rupture = (title: string, whatHappened: string, visibility: string) =>
    ok<WithId>(
      post(A, `/api/relationships/${rel}/ruptures`, {
        title,
        occurredAt: daysFromNow(-3),
        whatHappened,
        intensity: 3,
        partIds: [part.id],
        visibility,
      }),
      201,
      'rupture',
    );
  const privateRupture = await rupture(texts.privateTitle, texts.privateText, 'private');
  const sharedRupture = await rupture(texts.sharedTitle, texts.sharedText, 'shared');
  const repair = await ok<WithId>(
    post(A, `/api/ruptures/${sharedRupture.id}/repairs`, {
      at: daysFromNow(-1),
      kind: 'talked-in-session',
      by: 'client',
      note: texts.repairNote,
    }),
    201,
    'repair',
  );
  const letter = await ok<WithId>(
    post(A, `/api/relationships/${rel}/letters`, {
      title: texts.letterTitle,
      body: texts.letterBody,
      ruptureId: privateRupture.id,
    }),
    201,
    'letter',
  );
  const goodMoment = await ok<WithId>(
    post(A, `/api/relationships/${rel}/good-moments`, {
      at: daysFromNow(-1),
      text: texts.goodMoment,
    }),
    201,
    'goodMoment',
  );
  const agendaItem = await ok<WithId>(
    post(A, `/api/relationships/${rel}/agenda`, { text: texts.agenda }),
    201,
    'item',
  );
  const messageFromA = await ok<WithId>(
    post(A, `/api/relationships/${rel}/messages`, { body: texts.messageFromA, urgent: true }),
    201,
    'message',
  );
  const messageFromT = await ok<WithId>(
    post(T, `/api/relationships/${rel}/messages`, { body: texts.messageFromT }),
    201,
    'message',
  );
  const startsOn = daysFromNow(1).slice(0, 10);
  const slot = await ok<WithId>(
    post(T, `/api/relationships/${rel}/slots`, {
      weekday: 3,
      time: '10:00',
      timezone: 'Europe/London',
      everyWeeks: 1,
      durationMinutes: 50,
      startsOn,
    }),
    201,
    'slot',
  );
  const timeOff = await ok<WithId>(
    post(T, '/api/time-off', {
      from: daysFromNow(200),
      to: daysFromNow(201),
      note: texts.timeOffNote,
    }),
    201,
    'timeOff',
  );
  const openTime = await ok<WithId>(
    post(T, '/api/open-times', { startsAt: daysFromNow(30, 3), durationMinutes: 50 }),
    201,
    'openTime',
  );
  const request = await ok<WithId>(
    post(A, `/api/relationships/${rel}/appointment-requests`, {
      options: [{ startsAt: daysFromNow(5, 2), durationMinutes: 50 }],
      note: texts.requestNote,
    }),
    201,
    'request',
  );
  const couple = await ok<WithId>(
    post(T, '/api/couples', { relationshipIds: [rel, cRel] }),
    201,
    'couple',
  );
  await ok(post(A, `/api/couples/${couple.id}/consent`, {}), 200, 'couple');
  await ok(post(C, `/api/couples/${couple.id}/consent`, {}), 200, 'couple');

  const signIns = await A.request({ method: 'GET', url: '/api/me/sessions' });
  const signIn = signIns.json<{ items: WithId[] }>().items[0]?.id;
  if (!signIn) throw new Error('A has no sign-in to list');

  const ids: Record<IdName, string> = {
    relationship: rel,
    pastAppointment: past.id,
    futureAppointment: future.id,
    checkin: checkin.id,
    privateRupture: privateRupture.id,
    sharedRupture: sharedRupture.id,
    repair: repair.id,
    letter: letter.id,
    part: part.id,
    goodMoment: goodMoment.id,
    agendaItem: agendaItem.id,
    messageFromA: messageFromA.id,
    messageFromT: messageFromT.id,
    slot: slot.id,
    timeOff: timeOff.id,
    openTime: openTime.id,
    request: request.id,
    couple: couple.id,
    usedInviteCode: code,
    signIn,
  };
  const id = (name: IdName) => {
    const value = ids[name];
    if (value === undefined)
      throw new Error(`A's world has no id for ${name}: add it to buildAttackWorld`);
    return value;
  };
  return { A, T, C, cRelationship: cRel, therapistName, texts, ids, id };
}
