import { randomUUID } from 'node:crypto';
import { toICalendar } from '@attune/core/ical';
import { and, asc, eq, gte, lte } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { appointments } from '../../db/schema.ts';
import { invalidInput, notFound } from '../../errors.ts';
import { requireUser, signedIn } from '../../plugins/auth.ts';
import { authorize, isId, membership } from '../../policies/relationship.ts';
import { calendarEvent } from '../../presenters/calendar.ts';
import { presentAppointment } from '../../presenters/relationship.ts';
import type { Services } from '../../services.ts';
import { IdParams } from '../relationships/schema.ts';
import {
  AppointmentList,
  AppointmentResponse,
  CreateAppointmentBody,
  RangeQuery,
  UpdateAppointmentBody,
} from './schema.ts';

export const appointmentRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const { db } = services;
  const tags = ['appointments'];

  app.post(
    '/api/relationships/:id/appointments',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        body: CreateAppointmentBody,
        response: { 201: AppointmentResponse },
      },
    },
    async (request, reply) => {
      const m = authorize(
        await membership(db, requireUser(request), request.params.id),
        'addAppointment',
      );
      const startsAt = new Date(request.body.startsAt);
      const [appointment] = await db
        .insert(appointments)
        .values({
          id: randomUUID(),
          relationshipId: m.relationship.id,
          startsAt,
          durationMinutes: request.body.durationMinutes,
          kind: request.body.kind,
          status: request.body.status ?? (startsAt.getTime() <= Date.now() ? 'held' : 'scheduled'),
        })
        .returning();
      await services.relationships.changed(m.relationship.id);
      return reply.status(201).send({ appointment: presentAppointment(appointment!) });
    },
  );

  app.get(
    '/api/relationships/:id/appointments',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        querystring: RangeQuery,
        response: { 200: AppointmentList },
      },
    },
    async (request) => {
      const m = await membership(db, requireUser(request), request.params.id);
      const { from, to } = request.query;
      if (from && to && new Date(from) > new Date(to))
        throw invalidInput({ to: 'Please choose an end after the start.' });
      const rows = await db
        .select()
        .from(appointments)
        .where(
          and(
            eq(appointments.relationshipId, m.relationship.id),
            from ? gte(appointments.startsAt, new Date(from)) : undefined,
            to ? lte(appointments.startsAt, new Date(to)) : undefined,
          ),
        )
        .orderBy(asc(appointments.startsAt));
      return { items: rows.map(presentAppointment) };
    },
  );

  app.get(
    '/api/appointments/:id',
    {
      onRequest: signedIn,
      schema: { tags, params: IdParams, response: { 200: AppointmentResponse } },
    },
    async (request) => {
      const appointment = await appointmentFor(services, requireUser(request), request.params.id);
      return { appointment: presentAppointment(appointment) };
    },
  );

  app.patch(
    '/api/appointments/:id',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        body: UpdateAppointmentBody,
        response: { 200: AppointmentResponse },
      },
    },
    async (request) => {
      const appointment = await appointmentFor(services, requireUser(request), request.params.id);
      const { status, startsAt, durationMinutes } = request.body;
      const changes = {
        ...(status !== undefined
          ? {
              status,
              // Who cancelled it; any other status has no reason.
              cancelReason: status === 'cancelled' ? appointment.membership.role : null,
            }
          : {}),
        ...(startsAt !== undefined ? { startsAt: new Date(startsAt) } : {}),
        ...(durationMinutes !== undefined ? { durationMinutes } : {}),
      };
      if (Object.keys(changes).length === 0)
        return { appointment: presentAppointment(appointment) };
      // A couples appointment is one meeting: both partners' rows change together.
      const coupleAppointmentId = appointment.coupleAppointmentId;
      const rows = await db
        .update(appointments)
        .set(changes)
        .where(
          coupleAppointmentId
            ? eq(appointments.coupleAppointmentId, coupleAppointmentId)
            : eq(appointments.id, appointment.id),
        )
        .returning();
      for (const relationshipId of new Set(rows.map((row) => row.relationshipId))) {
        await services.relationships.changed(relationshipId);
      }
      const updated = rows.find((row) => row.id === appointment.id);
      return { appointment: presentAppointment(updated ?? appointment) };
    },
  );

  app.get(
    '/api/appointments/:id/calendar.ics',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        description:
          'The appointment as an iCalendar file (one event, titled "Therapy"), to download and add to a calendar.',
        produces: ['text/calendar'],
      },
    },
    async (request, reply) => {
      const appointment = await appointmentFor(services, requireUser(request), request.params.id);
      const calendar = toICalendar([calendarEvent(appointment, new Date())], { name: 'Attune' });
      return reply
        .header('content-type', 'text/calendar; charset=utf-8')
        .header('content-disposition', 'attachment; filename="appointment.ics"')
        .header('cache-control', 'no-store')
        .send(calendar);
    },
  );
};

/** An appointment of a relationship the actor belongs to, with that membership; else 404. */
export async function appointmentFor(
  services: Services,
  actor: Parameters<typeof membership>[1],
  id: string,
) {
  if (!isId(id)) throw notFound();
  const [appointment] = await services.db
    .select()
    .from(appointments)
    .where(eq(appointments.id, id))
    .limit(1);
  if (!appointment) throw notFound();
  const m = await membership(services.db, actor, appointment.relationshipId);
  return Object.assign(appointment, { membership: m });
}
