import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, gt, isNull } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { appointmentRequests, appointments, openTimes } from '../../db/schema.ts';
import { conflict, invalidInput, notFound } from '../../errors.ts';
import { requireUser, signedIn } from '../../plugins/auth.ts';
import { isId, membership } from '../../policies/relationship.ts';
import { authorizeRequest, type RequestRow, requestFor } from '../../policies/request.ts';
import { presentAppointment } from '../../presenters/relationship.ts';
import { presentOpenTime, presentRequest } from '../../presenters/request.ts';
import type { Services } from '../../services.ts';
import { Appointment } from '../appointments/schema.ts';
import { EmptyBody, IdParams } from '../relationships/schema.ts';
import {
  AcceptRequestBody,
  CreateOpenTimeBody,
  CreateRequestBody,
  DeclineRequestBody,
  OpenTimeList,
  OpenTimeResponse,
  RequestList,
  RequestResponse,
} from './schema.ts';

const requestClosed = () =>
  conflict(
    'request_closed',
    'This request has already been answered or withdrawn, so it cannot be changed now.',
  );

/** A note as stored: trimmed, and null when nothing was written. */
const noteOf = (note: string | null | undefined) => (note?.trim() ? note.trim() : null);

const futureOnly = 'Please choose a time that is still to come.';

export const requestRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const { db } = services;
  const tags = ['requests'];

  /** An open time of this therapist, still to come and not taken; else 404. */
  async function openTimeOf(therapistId: string, id: string) {
    if (!isId(id)) throw notFound();
    const [openTime] = await db
      .select()
      .from(openTimes)
      .where(
        and(
          eq(openTimes.id, id),
          eq(openTimes.therapistId, therapistId),
          isNull(openTimes.takenAt),
          gt(openTimes.startsAt, new Date()),
        ),
      )
      .limit(1);
    if (!openTime) throw notFound();
    return openTime;
  }

  app.post(
    '/api/relationships/:id/appointment-requests',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        body: CreateRequestBody,
        description:
          'The client of a connected relationship asks for an extra appointment at one of 1–5 times still to come, or at one of the therapist’s open times (`openTimeId`; the options may then be left out). The therapist is told.',
        response: { 201: RequestResponse },
      },
    },
    async (request, reply) => {
      const m = authorizeRequest(
        await membership(db, requireUser(request), request.params.id),
        'ask',
      );
      if (m.relationship.status === 'ended') {
        throw conflict(
          'relationship_ended',
          'This relationship has ended, so no new appointments can be asked for here.',
        );
      }
      const { options, note, openTimeId } = request.body;
      const now = Date.now();
      const late: Record<string, string> = {};
      options?.forEach((option, i) => {
        if (new Date(option.startsAt).getTime() <= now) late[`options.${i}.startsAt`] = futureOnly;
      });
      if (Object.keys(late).length > 0) throw invalidInput(late);
      if (!options && openTimeId === undefined) {
        throw invalidInput({ options: 'Please give at least one time.' });
      }
      const therapistId = m.relationship.therapistId;
      if (!therapistId) throw notFound();
      const openTime =
        openTimeId === undefined ? undefined : await openTimeOf(therapistId, openTimeId);
      const chosen =
        options?.map((o) => ({
          startsAt: new Date(o.startsAt).toISOString(),
          durationMinutes: o.durationMinutes,
        })) ??
        (openTime
          ? [
              {
                startsAt: openTime.startsAt.toISOString(),
                durationMinutes: openTime.durationMinutes,
              },
            ]
          : []);
      const [row] = await db
        .insert(appointmentRequests)
        .values({
          id: randomUUID(),
          relationshipId: m.relationship.id,
          options: chosen,
          note: noteOf(note),
          openTimeId: openTime?.id ?? null,
          status: 'open',
        })
        .returning();
      const created = row!;
      await services.relationships.changed(m.relationship.id);
      await services.notifier.notify({
        userId: therapistId,
        relationshipId: m.relationship.id,
        kind: 'appointment-request',
        subjectId: created.id,
      });
      return reply.status(201).send({ request: presentRequest(created) });
    },
  );

  app.get(
    '/api/relationships/:id/appointment-requests',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        description: 'The relationship’s requests, newest first.',
        response: { 200: RequestList },
      },
    },
    async (request) => {
      const m = await membership(db, requireUser(request), request.params.id);
      const rows = await db
        .select()
        .from(appointmentRequests)
        .where(eq(appointmentRequests.relationshipId, m.relationship.id))
        .orderBy(desc(appointmentRequests.createdAt), desc(appointmentRequests.id));
      // The client's notes are theirs: the therapist reading them is recorded.
      await services.audit.record(m, 'read', 'appointment-requests');
      return { items: rows.map(presentRequest) };
    },
  );

  app.post(
    '/api/appointment-requests/:id/accept',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        body: AcceptRequestBody,
        description:
          'The therapist accepts an open request at a time still to come (one of the options or another): an `extra` appointment is made, the open time it came from is taken, and the client is told. The length defaults to that of the matching option (else the first). Not open: 409 `request_closed`.',
        response: {
          200: z.object({ request: RequestResponse.shape.request, appointment: Appointment }),
        },
      },
    },
    async (request) => {
      const { m, request: asked } = await requestFor(db, requireUser(request), request.params.id);
      authorizeRequest(m, 'answer');
      if (asked.status !== 'open') throw requestClosed();
      const startsAt = new Date(request.body.startsAt);
      if (startsAt.getTime() <= Date.now()) throw invalidInput({ startsAt: futureOnly });
      const durationMinutes = request.body.durationMinutes ?? lengthFor(asked, startsAt);
      const result = await db.transaction(async (tx) => {
        const [appointment] = await tx
          .insert(appointments)
          .values({
            id: randomUUID(),
            relationshipId: m.relationship.id,
            startsAt,
            durationMinutes,
            kind: 'extra',
            status: 'scheduled',
          })
          .returning();
        // Only one answer wins: the update is conditional on the request still being open.
        const [accepted] = await tx
          .update(appointmentRequests)
          .set({
            status: 'accepted',
            appointmentId: appointment!.id,
            responseNote: noteOf(request.body.note),
            decidedAt: new Date(),
          })
          .where(and(eq(appointmentRequests.id, asked.id), eq(appointmentRequests.status, 'open')))
          .returning();
        if (!accepted) throw requestClosed();
        if (asked.openTimeId) {
          await tx
            .update(openTimes)
            .set({ takenAt: new Date() })
            .where(and(eq(openTimes.id, asked.openTimeId), isNull(openTimes.takenAt)));
        }
        return { request: accepted, appointment: appointment! };
      });
      await services.relationships.changed(m.relationship.id);
      await services.notifier.notify({
        userId: m.relationship.clientId,
        relationshipId: m.relationship.id,
        kind: 'request-answered',
        subjectId: asked.id,
      });
      await services.audit.record(m, 'read', 'appointment-request', asked.id);
      return {
        request: presentRequest(result.request),
        appointment: presentAppointment(result.appointment),
      };
    },
  );

  app.post(
    '/api/appointment-requests/:id/decline',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        body: DeclineRequestBody,
        description:
          'The therapist declines an open request, with an optional note; the client is told. Not open: 409 `request_closed`.',
        response: { 200: RequestResponse },
      },
    },
    async (request) => {
      const { m, request: asked } = await requestFor(db, requireUser(request), request.params.id);
      authorizeRequest(m, 'answer');
      const [declined] = await db
        .update(appointmentRequests)
        .set({ status: 'declined', responseNote: noteOf(request.body.note), decidedAt: new Date() })
        .where(and(eq(appointmentRequests.id, asked.id), eq(appointmentRequests.status, 'open')))
        .returning();
      if (!declined) throw requestClosed();
      await services.relationships.changed(m.relationship.id);
      await services.notifier.notify({
        userId: m.relationship.clientId,
        relationshipId: m.relationship.id,
        kind: 'request-answered',
        subjectId: asked.id,
      });
      await services.audit.record(m, 'read', 'appointment-request', asked.id);
      return { request: presentRequest(declined) };
    },
  );

  app.post(
    '/api/appointment-requests/:id/withdraw',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        body: EmptyBody,
        description: 'The client withdraws an open request. Not open: 409 `request_closed`.',
        response: { 200: RequestResponse },
      },
    },
    async (request) => {
      const { m, request: asked } = await requestFor(db, requireUser(request), request.params.id);
      authorizeRequest(m, 'withdraw');
      const [withdrawn] = await db
        .update(appointmentRequests)
        .set({ status: 'withdrawn', decidedAt: new Date() })
        .where(and(eq(appointmentRequests.id, asked.id), eq(appointmentRequests.status, 'open')))
        .returning();
      if (!withdrawn) throw requestClosed();
      await services.relationships.changed(m.relationship.id);
      return { request: presentRequest(withdrawn) };
    },
  );

  app.post(
    '/api/open-times',
    {
      onRequest: signedIn,
      schema: {
        tags,
        body: CreateOpenTimeBody,
        description: 'The therapist publishes a time still to come that their clients may ask for.',
        response: { 201: OpenTimeResponse },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      if (actor.role !== 'therapist') throw notFound();
      const startsAt = new Date(request.body.startsAt);
      if (startsAt.getTime() <= Date.now()) throw invalidInput({ startsAt: futureOnly });
      const [openTime] = await db
        .insert(openTimes)
        .values({
          id: randomUUID(),
          therapistId: actor.id,
          startsAt,
          durationMinutes: request.body.durationMinutes,
        })
        .returning();
      return reply.status(201).send({ openTime: presentOpenTime(openTime!) });
    },
  );

  app.get(
    '/api/open-times',
    {
      onRequest: signedIn,
      schema: {
        tags,
        description: 'The therapist’s open times still to come (taken or not), soonest first.',
        response: { 200: OpenTimeList },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      if (actor.role !== 'therapist') throw notFound();
      const rows = await db
        .select()
        .from(openTimes)
        .where(and(eq(openTimes.therapistId, actor.id), gt(openTimes.startsAt, new Date())))
        .orderBy(asc(openTimes.startsAt), asc(openTimes.id));
      return { items: rows.map(presentOpenTime) };
    },
  );

  app.delete(
    '/api/open-times/:id',
    {
      onRequest: signedIn,
      schema: { tags, params: IdParams, description: 'The therapist removes an open time.' },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      if (actor.role !== 'therapist' || !isId(request.params.id)) throw notFound();
      const [removed] = await db
        .delete(openTimes)
        .where(and(eq(openTimes.id, request.params.id), eq(openTimes.therapistId, actor.id)))
        .returning({ id: openTimes.id });
      if (!removed) throw notFound();
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/relationships/:id/open-times',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        description:
          'For the client of a connected relationship: the therapist’s open times still to come and not taken, soonest first.',
        response: { 200: OpenTimeList },
      },
    },
    async (request) => {
      const m = authorizeRequest(
        await membership(db, requireUser(request), request.params.id),
        'seeOpenTimes',
      );
      const therapistId = m.relationship.therapistId;
      if (!therapistId) throw notFound();
      const rows = await db
        .select()
        .from(openTimes)
        .where(
          and(
            eq(openTimes.therapistId, therapistId),
            isNull(openTimes.takenAt),
            gt(openTimes.startsAt, new Date()),
          ),
        )
        .orderBy(asc(openTimes.startsAt), asc(openTimes.id));
      return { items: rows.map(presentOpenTime) };
    },
  );
};

/** The length of the option at that time, else of the first option (a request has at least one). */
function lengthFor(asked: RequestRow, startsAt: Date): number {
  const same = asked.options.find((o) => new Date(o.startsAt).getTime() === startsAt.getTime());
  return (same ?? asked.options[0]!).durationMinutes;
}
