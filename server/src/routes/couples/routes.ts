import { randomUUID } from 'node:crypto';
import { and, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { SessionUser } from '../../auth/sessions.ts';
import { appointments, couples, relationships, users } from '../../db/schema.ts';
import { conflict, invalidInput, notFound } from '../../errors.ts';
import { requireUser, signedIn } from '../../plugins/auth.ts';
import { type CoupleRow, coupleFor, joinable } from '../../policies/couple.ts';
import { isId } from '../../policies/relationship.ts';
import { presentCoupleForPartner, presentCoupleForTherapist } from '../../presenters/couple.ts';
import { presentAppointment } from '../../presenters/relationship.ts';
import type { Services } from '../../services.ts';
import { EmptyBody, IdParams } from '../relationships/schema.ts';
import {
  CoupleAppointmentBody,
  CoupleAppointments,
  CoupleList,
  CoupleResponse,
  CreateCoupleBody,
} from './schema.ts';

const coupleEnded = () =>
  conflict('couple_ended', 'These couples appointments have ended. A new invitation is needed.');

const firstRel = alias(relationships, 'first_relationship');
const secondRel = alias(relationships, 'second_relationship');
const firstClient = alias(users, 'first_client');
const secondClient = alias(users, 'second_client');

export const coupleRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const { db } = services;
  const tags = ['couples'];

  /** The couple as the actor may see it (one query for the names, for a partner). */
  async function present(actor: SessionUser, couple: CoupleRow) {
    if (actor.role === 'therapist') return presentCoupleForTherapist(couple);
    const [row] = await partnerRows(actor, eq(couples.id, couple.id));
    if (!row) throw notFound();
    return row;
  }

  /** The couples a client is a partner in, presented for them. */
  async function partnerRows(actor: SessionUser, where?: ReturnType<typeof eq>) {
    const rows = await db
      .select({
        couple: couples,
        firstClientId: firstRel.clientId,
        firstName: firstClient.displayName,
        secondName: secondClient.displayName,
      })
      .from(couples)
      .innerJoin(firstRel, eq(firstRel.id, couples.firstRelationshipId))
      .innerJoin(secondRel, eq(secondRel.id, couples.secondRelationshipId))
      .innerJoin(firstClient, eq(firstClient.id, firstRel.clientId))
      .innerJoin(secondClient, eq(secondClient.id, secondRel.clientId))
      .where(and(or(eq(firstRel.clientId, actor.id), eq(secondRel.clientId, actor.id)), where))
      .orderBy(couples.createdAt, couples.id);
    return rows.map((r) =>
      r.firstClientId === actor.id
        ? presentCoupleForPartner(r.couple, 'first', r.secondName)
        : presentCoupleForPartner(r.couple, 'second', r.firstName),
    );
  }

  app.post(
    '/api/couples',
    {
      onRequest: signedIn,
      schema: {
        tags,
        body: CreateCoupleBody,
        description:
          'The therapist joins two of their connected relationships, with two different clients, for couples appointments; both clients are told and asked to consent. One active couple per pair: 409 `couple_exists`.',
        response: { 201: CoupleResponse },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      if (actor.role !== 'therapist') throw notFound();
      const [a, b] = request.body.relationshipIds as [string, string];
      if (!isId(a) || !isId(b)) throw notFound();
      const rows = await db
        .select()
        .from(relationships)
        .where(inArray(relationships.id, [a, b]));
      const first = rows.find((r) => r.id === a);
      const second = rows.find((r) => r.id === b);
      if (!joinable(actor, first) || !joinable(actor, second)) throw notFound();
      if (first.id === second.id || first.clientId === second.clientId) {
        throw invalidInput({
          relationshipIds: 'Please choose the relationships of two different clients.',
        });
      }
      const couple = await db.transaction(async (tx) => {
        const [existing] = await tx
          .select({ id: couples.id })
          .from(couples)
          .where(
            and(
              isNull(couples.endedAt),
              or(
                and(eq(couples.firstRelationshipId, a), eq(couples.secondRelationshipId, b)),
                and(eq(couples.firstRelationshipId, b), eq(couples.secondRelationshipId, a)),
              ),
            ),
          )
          .limit(1);
        if (existing) {
          throw conflict('couple_exists', 'These two are already joined for couples appointments.');
        }
        const [row] = await tx
          .insert(couples)
          .values({
            id: randomUUID(),
            therapistId: actor.id,
            firstRelationshipId: a,
            secondRelationshipId: b,
          })
          .returning();
        return row!;
      });
      for (const r of [first, second]) {
        await services.relationships.changed(r.id);
        await services.notifier.notify({
          userId: r.clientId,
          relationshipId: r.id,
          kind: 'couples-invite',
          subjectId: couple.id,
        });
      }
      return reply.status(201).send({ couple: presentCoupleForTherapist(couple) });
    },
  );

  app.get(
    '/api/couples',
    {
      onRequest: signedIn,
      schema: {
        tags,
        description:
          'The caller’s couples: for the therapist, both relationships and who has consented; for a partner, their own relationship, the other’s name and their own consent.',
        response: { 200: CoupleList },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      if (actor.role === 'client') return { items: await partnerRows(actor) };
      const rows = await db
        .select()
        .from(couples)
        .where(eq(couples.therapistId, actor.id))
        .orderBy(couples.createdAt, couples.id);
      return { items: rows.map(presentCoupleForTherapist) };
    },
  );

  app.post(
    '/api/couples/:id/consent',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        body: EmptyBody,
        description:
          'A partner consents to couples appointments (again changes nothing). Ended: 409 `couple_ended`.',
        response: { 200: CoupleResponse },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      const { couple, side } = await coupleFor(db, actor, request.params.id, 'consent');
      if (couple.endedAt) throw coupleEnded();
      const now = new Date().toISOString();
      const [updated] = await db
        .update(couples)
        .set(
          side === 'first'
            ? { firstConsentedAt: sql`coalesce(${couples.firstConsentedAt}, ${now}::timestamptz)` }
            : {
                secondConsentedAt: sql`coalesce(${couples.secondConsentedAt}, ${now}::timestamptz)`,
              },
        )
        .where(eq(couples.id, couple.id))
        .returning();
      await services.relationships.changed(
        side === 'first' ? couple.firstRelationshipId : couple.secondRelationshipId,
      );
      return { couple: await present(actor, updated ?? couple) };
    },
  );

  app.delete(
    '/api/couples/:id',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        body: EmptyBody,
        description:
          'A partner or the therapist ends the couple: its couples appointments still to come are cancelled (the reason is the caller’s role) and the others are told.',
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      const access = await coupleFor(db, actor, request.params.id, 'leave');
      const { couple } = access;
      const now = new Date();
      const cancelled = await db.transaction(async (tx) => {
        await tx
          .update(couples)
          .set({ endedAt: sql`coalesce(${couples.endedAt}, ${now.toISOString()}::timestamptz)` })
          .where(eq(couples.id, couple.id));
        return tx
          .update(appointments)
          .set({ status: 'cancelled', cancelReason: actor.role })
          .where(
            and(
              eq(appointments.coupleId, couple.id),
              eq(appointments.status, 'scheduled'),
              gt(appointments.startsAt, now),
            ),
          )
          .returning();
      });
      for (const r of [access.first, access.second]) await services.relationships.changed(r.id);
      const told = new Set<string>();
      for (const row of cancelled) {
        const r = row.relationshipId === access.first.id ? access.first : access.second;
        if (r.clientId !== actor.id) {
          await services.notifier.notify({
            userId: r.clientId,
            relationshipId: r.id,
            kind: 'appointment-cancelled',
            subjectId: row.id,
          });
        }
        // The therapist hears once per couples appointment (both rows are one meeting).
        const key = row.coupleAppointmentId ?? row.id;
        if (couple.therapistId !== actor.id && !told.has(key)) {
          told.add(key);
          await services.notifier.notify({
            userId: couple.therapistId,
            relationshipId: r.id,
            kind: 'appointment-cancelled',
            subjectId: row.id,
          });
        }
      }
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/couples/:id/appointments',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        body: CoupleAppointmentBody,
        description:
          'The therapist schedules a couples appointment once both partners consented: one row per partner’s relationship, kind `couples`, sharing one `coupleAppointmentId`. Before both consented: 409 `consent_missing`; ended: 409 `couple_ended`.',
        response: { 201: CoupleAppointments },
      },
    },
    async (request, reply) => {
      const access = await coupleFor(db, requireUser(request), request.params.id, 'schedule');
      const { couple } = access;
      if (couple.endedAt) throw coupleEnded();
      if (!couple.firstConsentedAt || !couple.secondConsentedAt) {
        throw conflict(
          'consent_missing',
          'Both partners need to agree to couples appointments before one can be scheduled.',
        );
      }
      const startsAt = new Date(request.body.startsAt);
      const coupleAppointmentId = randomUUID();
      const rows = await db
        .insert(appointments)
        .values(
          [access.first, access.second].map((r) => ({
            id: randomUUID(),
            relationshipId: r.id,
            startsAt,
            durationMinutes: request.body.durationMinutes,
            kind: 'couples' as const,
            status: startsAt.getTime() <= Date.now() ? ('held' as const) : ('scheduled' as const),
            coupleAppointmentId,
            coupleId: couple.id,
          })),
        )
        .returning();
      for (const r of [access.first, access.second]) await services.relationships.changed(r.id);
      const ordered = [access.first, access.second].map(
        (r) => rows.find((row) => row.relationshipId === r.id)!,
      );
      return reply.status(201).send({ appointments: ordered.map(presentAppointment) });
    },
  );
};
