import { createHash, randomBytes } from 'node:crypto';
import { toICalendar } from '@attune/core/ical';
import { and, asc, eq, gte } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { SessionUser } from '../../auth/sessions.ts';
import { appointments, calendarFeeds, relationships, users } from '../../db/schema.ts';
import { notFound } from '../../errors.ts';
import { requireUser, signedIn } from '../../plugins/auth.ts';
import { memberOf } from '../../policies/relationship.ts';
import { calendarEvent } from '../../presenters/calendar.ts';
import type { Services } from '../../services.ts';
import { EmptyBody } from '../relationships/schema.ts';
import { CalendarToken, FeedQuery } from './schema.ts';

const DAY = 86_400_000;
/** How far back the feed goes. */
const FEED_PAST_DAYS = 90;

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

export const calendarRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const { db } = services;
  const tags = ['calendar'];
  const present = (token: string) => ({
    token,
    url: `${services.env.publicUrl}/api/calendar.ics?token=${encodeURIComponent(token)}`,
  });

  /** Makes a new secret token for the person, replacing any old one (which stops working). */
  async function renew(userId: string, replace: boolean): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const values = { userId, token, tokenHash: hashOf(token), createdAt: new Date() };
    const insert = db.insert(calendarFeeds).values(values);
    if (replace) {
      await insert.onConflictDoUpdate({
        target: calendarFeeds.userId,
        set: { token: values.token, tokenHash: values.tokenHash, createdAt: values.createdAt },
      });
      return token;
    }
    // Two first calls at once: both answer with whichever token was stored.
    await insert.onConflictDoNothing({ target: calendarFeeds.userId });
    const [stored] = await db
      .select({ token: calendarFeeds.token })
      .from(calendarFeeds)
      .where(eq(calendarFeeds.userId, userId))
      .limit(1);
    return stored?.token ?? token;
  }

  app.get(
    '/api/me/calendar-token',
    {
      onRequest: signedIn,
      schema: {
        tags,
        description:
          'The caller’s secret calendar feed address (made on the first call). Anyone with it can see appointment times, never anything else.',
        response: { 200: CalendarToken },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      const [feed] = await db
        .select({ token: calendarFeeds.token })
        .from(calendarFeeds)
        .where(eq(calendarFeeds.userId, actor.id))
        .limit(1);
      return present(feed?.token ?? (await renew(actor.id, false)));
    },
  );

  app.post(
    '/api/me/calendar-token',
    {
      onRequest: signedIn,
      schema: {
        tags,
        body: EmptyBody,
        description: 'A new feed address; the old one stops working at once.',
        response: { 200: CalendarToken },
      },
    },
    async (request) => present(await renew(requireUser(request).id, true)),
  );

  app.get(
    '/api/calendar.ics',
    {
      config: { rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: {
        tags,
        querystring: FeedQuery,
        description:
          'The calendar feed (RFC 5545) of the token’s owner: their appointments from 90 days ago on, cancelled ones included (`STATUS:CANCELLED`), every one titled "Therapy". No session needed; an unknown or replaced token: 404.',
        produces: ['text/calendar'],
      },
    },
    async (request, reply) => {
      const token = request.query.token;
      if (!token) throw notFound();
      const [owner] = await db
        .select({
          id: users.id,
          email: users.email,
          displayName: users.displayName,
          role: users.role,
        })
        .from(calendarFeeds)
        .innerJoin(users, eq(users.id, calendarFeeds.userId))
        .where(eq(calendarFeeds.tokenHash, hashOf(token)))
        .limit(1);
      if (!owner) throw notFound();
      const rows = await appointmentsOf(owner);
      const now = new Date();
      const calendar = toICalendar(
        rows.map((a) => calendarEvent(a, now)),
        { name: 'Attune' },
      );
      return reply
        .header('content-type', 'text/calendar; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(calendar);
    },
  );

  /**
   * The person's appointments from the feed's horizon on, in their relationships (a therapist:
   * the connected ones). A couples appointment is one meeting: the therapist gets it once.
   */
  async function appointmentsOf(owner: SessionUser) {
    const rows = await db
      .select({ appointment: appointments })
      .from(appointments)
      .innerJoin(relationships, eq(relationships.id, appointments.relationshipId))
      .where(
        and(
          memberOf(owner),
          gte(appointments.startsAt, new Date(Date.now() - FEED_PAST_DAYS * DAY)),
        ),
      )
      .orderBy(asc(appointments.startsAt), asc(appointments.id));
    const seen = new Set<string>();
    return rows
      .map((r) => r.appointment)
      .filter((a) => {
        if (!a.coupleAppointmentId) return true;
        if (seen.has(a.coupleAppointmentId)) return false;
        seen.add(a.coupleAppointmentId);
        return true;
      });
  }
};
