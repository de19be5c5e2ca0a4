import { and, asc, eq, gt, gte, isNull, lt, or } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  appointmentRequests,
  appointments,
  openTimes,
  relationships,
  slots,
  timeOff,
  users,
} from '../../db/schema.ts';
import { invalidInput, notFound } from '../../errors.ts';
import { requireUser, signedIn } from '../../plugins/auth.ts';
import { memberOf } from '../../policies/relationship.ts';
import { presentAppointment } from '../../presenters/relationship.ts';
import { presentOpenTime, presentRequest } from '../../presenters/request.ts';
import { presentScheduleSlot, presentScheduleTimeOff } from '../../presenters/schedule.ts';
import type { Services } from '../../services.ts';
import { Schedule, ScheduleQuery } from './schema.ts';

const DAY = 86_400_000;
const WEEK = 7 * DAY;
const MAX_RANGE_DAYS = 62;

/** Monday 00:00 UTC of the week `at` falls in. */
function mondayOf(at: Date): Date {
  const midnight = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  const sinceMonday = (new Date(midnight).getUTCDay() + 6) % 7;
  return new Date(midnight - sinceMonday * DAY);
}

/** The asked range; a missing end is a week from the other, and no range is this week. */
export function scheduleRange(query: { from?: string; to?: string }, now = new Date()) {
  const from = query.from
    ? new Date(query.from)
    : query.to
      ? new Date(new Date(query.to).getTime() - WEEK)
      : mondayOf(now);
  const to = query.to ? new Date(query.to) : new Date(from.getTime() + WEEK);
  if (to.getTime() <= from.getTime())
    throw invalidInput({ to: 'Please choose an end after the start.' });
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY) {
    throw invalidInput({ to: `Please choose at most ${MAX_RANGE_DAYS} days.` });
  }
  return { from, to };
}

export const scheduleRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const { db } = services;

  app.get(
    '/api/me/schedule',
    {
      onRequest: signedIn,
      schema: {
        tags: ['schedule'],
        querystring: ScheduleQuery,
        description:
          'The therapist’s week (or any range up to 62 days; default this week from Monday 00:00 UTC): appointments of their connected relationships starting in it, active slots, time off overlapping it, open requests and open times still to come and not taken. Each client’s item carries `clientName`.',
        response: { 200: Schedule },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      if (actor.role !== 'therapist') throw notFound();
      const { from, to } = scheduleRange(request.query);
      const now = new Date();
      const clientName = users.displayName;
      const mine = memberOf(actor);
      const [appointmentRows, slotRows, timeOffRows, requestRows, openTimeRows] = await Promise.all(
        [
          db
            .select({ appointment: appointments, clientName })
            .from(appointments)
            .innerJoin(relationships, eq(relationships.id, appointments.relationshipId))
            .innerJoin(users, eq(users.id, relationships.clientId))
            .where(and(mine, gte(appointments.startsAt, from), lt(appointments.startsAt, to)))
            .orderBy(asc(appointments.startsAt), asc(appointments.id)),
          db
            .select({ slot: slots, clientName })
            .from(slots)
            .innerJoin(relationships, eq(relationships.id, slots.relationshipId))
            .innerJoin(users, eq(users.id, relationships.clientId))
            .where(
              and(
                mine,
                isNull(slots.removedAt),
                or(isNull(slots.endsOn), gte(slots.endsOn, from.toISOString().slice(0, 10))),
              ),
            )
            .orderBy(asc(slots.weekday), asc(slots.time), asc(slots.id)),
          db
            .select()
            .from(timeOff)
            .where(
              and(
                eq(timeOff.therapistId, actor.id),
                lt(timeOff.startsAt, to),
                gt(timeOff.endsAt, from),
              ),
            )
            .orderBy(asc(timeOff.startsAt)),
          db
            .select({ request: appointmentRequests, relationship: relationships, clientName })
            .from(appointmentRequests)
            .innerJoin(relationships, eq(relationships.id, appointmentRequests.relationshipId))
            .innerJoin(users, eq(users.id, relationships.clientId))
            .where(and(mine, eq(appointmentRequests.status, 'open')))
            .orderBy(asc(appointmentRequests.createdAt), asc(appointmentRequests.id)),
          db
            .select()
            .from(openTimes)
            .where(
              and(
                eq(openTimes.therapistId, actor.id),
                isNull(openTimes.takenAt),
                gt(openTimes.startsAt, now),
              ),
            )
            .orderBy(asc(openTimes.startsAt), asc(openTimes.id)),
        ],
      );
      // The clients' notes on their requests are theirs: reading them is recorded, as for messages.
      const noted = new Map(
        requestRows.filter((r) => r.request.note).map((r) => [r.relationship.id, r.relationship]),
      );
      for (const relationship of noted.values()) {
        await services.audit.record(
          { relationship, role: 'therapist', actor },
          'read',
          'appointment-requests',
        );
      }
      return {
        from: from.toISOString(),
        to: to.toISOString(),
        appointments: appointmentRows.map((r) => ({
          ...presentAppointment(r.appointment),
          clientName: r.clientName,
        })),
        slots: slotRows.map((r) => ({ ...presentScheduleSlot(r.slot), clientName: r.clientName })),
        timeOff: timeOffRows.map(presentScheduleTimeOff),
        requests: requestRows.map((r) => ({
          ...presentRequest(r.request),
          clientName: r.clientName,
        })),
        openTimes: openTimeRows.map(presentOpenTime),
      };
    },
  );
};
