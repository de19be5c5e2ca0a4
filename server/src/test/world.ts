import { randomInt } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { z } from 'zod';
import { auditEvents, checkins } from '../db/schema.ts';
import type { Appointment } from '../routes/appointments/schema.ts';
import type { Checkin } from '../routes/checkins/schema.ts';
import type { Marker } from '../routes/markers/routes.ts';
import type { Relationship } from '../routes/relationships/schema.ts';
import type { Services } from '../services.ts';
import { buildClient, buildTherapist, type Person } from './factories.ts';

/**
 * A relationship's world, built through the API the way people build it: a client records a
 * relationship, invites, and the therapist accepts. Every call makes new people.
 */

export type RelationshipJson = z.infer<typeof Relationship>;
export type AppointmentJson = z.infer<typeof Appointment>;
export type CheckinJson = z.infer<typeof Checkin>;
export type MarkerJson = z.infer<typeof Marker>;
export type ErrorJson = {
  error: { code: string; message: string; fields?: Record<string, string> };
};

export type SoloWorld = { client: Person; relationship: RelationshipJson };
export type ConnectedWorld = SoloWorld & { therapist: Person };

type WorldOptions = {
  client?: Person;
  therapist?: Person;
  clientName?: string;
  therapistName?: string;
};

const DAY = 86_400_000;

/** An ISO time `days` from now (negative: in the past). */
export const daysFromNow = (days: number, hours = 0) =>
  new Date(Date.now() + days * DAY + hours * 3_600_000).toISOString();

/**
 * A request address of its own: accepting an invite is rate-limited per address, and each
 * world's therapist is a different person on a different network.
 */
export const someAddress = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

export function buildRelationship(
  app: FastifyInstance,
  options: WorldOptions & { mode: 'connected' },
): Promise<ConnectedWorld>;
export function buildRelationship(
  app: FastifyInstance,
  options?: WorldOptions & { mode?: 'solo' },
): Promise<SoloWorld>;
export async function buildRelationship(
  app: FastifyInstance,
  options: WorldOptions & { mode?: 'solo' | 'connected' } = {},
): Promise<SoloWorld | ConnectedWorld> {
  const client = options.client ?? (await buildClient(app, options.clientName));
  const created = await client.request({
    method: 'POST',
    url: '/api/relationships',
    payload: { therapistName: options.therapistName ?? 'Sam' },
  });
  expect(created.statusCode, created.body).toBe(201);
  const { relationship } = created.json<{ relationship: RelationshipJson }>();
  if (options.mode !== 'connected') return { client, relationship };
  const therapist = options.therapist ?? (await buildTherapist(app));
  const connected = await connect(client, relationship.id, therapist);
  return { client, therapist, relationship: connected };
}

/** Makes an invite as the client. */
export async function invite(client: Person, relationshipId: string) {
  const response = await client.request({
    method: 'POST',
    url: `/api/relationships/${relationshipId}/invites`,
    payload: {},
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ invite: { code: string; expiresAt: string } }>().invite;
}

/** Accepts an invite code as `person`, from an address of its own. */
export function accept(person: Person, code: string, remoteAddress = someAddress()) {
  return person.request({
    method: 'POST',
    url: `/api/invites/${encodeURIComponent(code)}/accept`,
    payload: {},
    remoteAddress,
  });
}

/** Invites and accepts: the relationship becomes connected to `therapist`. */
export async function connect(
  client: Person,
  relationshipId: string,
  therapist: Person,
): Promise<RelationshipJson> {
  const { code } = await invite(client, relationshipId);
  const response = await accept(therapist, code);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ relationship: RelationshipJson }>().relationship;
}

export async function addAppointment(
  person: Person,
  relationshipId: string,
  body: {
    startsAt: string;
    durationMinutes?: number;
    kind?: string;
    status?: string;
  },
): Promise<AppointmentJson> {
  const response = await person.request({
    method: 'POST',
    url: `/api/relationships/${relationshipId}/appointments`,
    payload: { durationMinutes: 50, kind: 'individual', ...body },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ appointment: AppointmentJson }>().appointment;
}

export type Answers = {
  bond: number;
  goals: number;
  method: number;
  overall: number;
  tension: number;
  resolved?: number | null;
  note?: string | null;
  shared?: boolean;
};

/** Four items that sum to `score` (0–40), as evenly as possible. */
export function itemsFor(score: number) {
  const base = Math.floor(score / 4);
  const extra = score % 4;
  const at = (i: number) => base + (i < extra ? 1 : 0);
  return { bond: at(0), goals: at(1), method: at(2), overall: at(3) };
}

export const calm: Answers = { ...itemsFor(32), tension: 0 };

/** Posts a check-in body as it is (it may be invalid on purpose). */
export function postCheckin(person: Person, appointmentId: string, answers: object) {
  return person.request({
    method: 'POST',
    url: `/api/appointments/${appointmentId}/checkins`,
    payload: answers,
  });
}

export async function checkIn(
  person: Person,
  appointmentId: string,
  answers: Partial<Answers> = {},
): Promise<CheckinJson> {
  const response = await postCheckin(person, appointmentId, { ...calm, ...answers });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ checkin: CheckinJson }>().checkin;
}

/** An appointment `days` from now with the client's check-in of the given score and tension. */
export async function session(
  world: SoloWorld,
  days: number,
  answers: Partial<Answers> & { score?: number } = {},
  by: Person = world.client,
) {
  const appointment = await addAppointment(world.client, world.relationship.id, {
    startsAt: daysFromNow(days),
  });
  const { score, ...rest } = answers;
  const checkin = await checkIn(by, appointment.id, {
    ...(score === undefined ? {} : itemsFor(score)),
    ...rest,
  });
  return { appointment, checkin };
}

/** Sets when a check-in was made (the API always says "now"). */
export async function backdate(services: Services, checkinId: string, at: string) {
  await services.db
    .update(checkins)
    .set({ createdAt: new Date(at) })
    .where(eq(checkins.id, checkinId));
}

export async function auditRowsOf(services: Services, relationshipId: string) {
  return services.db
    .select()
    .from(auditEvents)
    .where(eq(auditEvents.relationshipId, relationshipId))
    .orderBy(auditEvents.at);
}

/** An answer in the API.md error shape, with the given status and code. */
export function expectError(response: LightMyRequestResponse, status: number, code?: string) {
  expect(response.statusCode, response.body).toBe(status);
  const body = response.json<ErrorJson>();
  expect(body.error.message).toEqual(expect.any(String));
  if (code) expect(body.error.code).toBe(code);
  return body.error;
}

export const expectNotFound = (response: LightMyRequestResponse) =>
  expectError(response, 404, 'not_found');
export const expectSignedOut = (response: LightMyRequestResponse) =>
  expectError(response, 401, 'not_signed_in');

/** A 400 whose `fields` names exactly `fields` (or at least them, when `exact` is false). */
export function expectInvalid(response: LightMyRequestResponse, fields: string[], exact = true) {
  const error = expectError(response, 400, 'invalid_input');
  const named = Object.keys(error.fields ?? {});
  if (exact) expect(named.sort()).toEqual([...fields].sort());
  else expect(named).toEqual(expect.arrayContaining(fields));
  for (const field of fields) expect(error.fields?.[field]).toEqual(expect.any(String));
  return error;
}

/** A request by nobody in particular: no session cookie. */
export function anonymous(
  app: FastifyInstance,
  method: 'GET' | 'POST' | 'PATCH',
  url: string,
  payload?: object,
) {
  return app.inject({ method, url, ...(payload ? { payload } : {}) });
}
