import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/client.ts';
import { emailOutbox, messages, notifications } from '../db/schema.ts';
import {
  databaseKind,
  type FreshDatabase,
  freshDatabase,
  startTestApp,
  type TestApp,
} from '../test/harness.ts';
import { buildRelationship, type ConnectedWorld } from '../test/world.ts';
import { listen, openEvents, startSmtp, type TestSmtp } from './testing.ts';

/**
 * Two instances of Attune on one PostgreSQL server, as a deployment behind a load balancer runs
 * them: an event from one reaches a page connected to the other, and a reminder found by both
 * is sent once.
 *
 * Only on PostgreSQL: PGlite is embedded in one process and locked to it (decision 001), so two
 * instances cannot share one. The suite runs on PostgreSQL when DATABASE_URL is set (CI does).
 */

const HOUR = 3_600_000;
const SECRET = `Please do not tell anyone ${randomUUID()}`;

describe.skipIf(databaseKind !== 'postgres')('two instances on one PostgreSQL', () => {
  let smtp: TestSmtp;
  let fresh: FreshDatabase;
  let a: TestApp;
  let b: TestApp;
  let baseB: string;

  beforeAll(async () => {
    smtp = await startSmtp();
    fresh = await freshDatabase();
    if (!fresh.url) throw new Error('a PostgreSQL database was expected');
    // Instance B has its own connections (its own pool and LISTEN connection) to the same database.
    const second = await openDatabase({ databaseUrl: fresh.url, dataDir: undefined, poolSize: 5 });
    const env = { smtpUrl: smtp.url, publicUrl: 'https://attune.example' };
    a = await startTestApp({ fresh, env });
    b = await startTestApp({
      fresh: { database: second, url: fresh.url, drop: () => second.close() },
      env,
    });
    baseB = await listen(b.app);
  });
  afterAll(async () => {
    await b?.close();
    await b?.services.database.close();
    await a?.close();
    await fresh?.drop();
    await smtp?.close();
  });

  it('delivers a message sent through instance A live to a page connected to instance B', async () => {
    const { client, therapist, relationship } = (await buildRelationship(a.app, {
      mode: 'connected',
    })) as ConnectedWorld;
    // The therapist's page is served by B; the session made on A is valid there (one database).
    const stream = await openEvents(baseB, therapist.cookie);
    try {
      expect(stream.status).toBe(200);
      await stream.next((event) => event.event === 'ready');

      const sent = await client.request({
        method: 'POST',
        url: `/api/relationships/${relationship.id}/messages`,
        payload: { body: SECRET },
      });
      expect(sent.statusCode, sent.body).toBe(201);
      const { message } = sent.json<{ message: { id: string } }>();

      const event = await stream.next((e) => e.event === 'notice');
      expect(JSON.parse(event.data)).toMatchObject({
        kind: 'message',
        relationshipId: relationship.id,
        subjectId: message.id,
      });
      expect(event.data).not.toContain(SECRET);
      expect(a.app.notifications.live.count(therapist.id)).toBe(0);
      expect(b.app.notifications.live.count(therapist.id)).toBe(1);
    } finally {
      stream.close();
    }
  });

  it('tells open pages to fetch afresh when the listening connection was lost and is back', async () => {
    const person = (await buildRelationship(a.app)).client;
    const stream = await openEvents(baseB, person.cookie);
    try {
      await stream.next((event) => event.event === 'ready');
      // Cut every connection that LISTENs for events on this database (both instances').
      await a.services.db.execute(
        sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query = 'listen "attune_events"'`,
      );
      await stream.next((event) => event.event === 'resync', 10_000);
      // And events flow again after it.
      const event = await a.services.notifier.notify({
        userId: person.id,
        relationshipId: null,
        kind: 'message',
        subjectId: null,
      });
      await stream.next(
        (e) => e.event === 'notice' && (JSON.parse(e.data) as { id: string }).id === event.id,
        10_000,
      );
    } finally {
      stream.close();
    }
  });

  it('sends a reminder once when both instances sweep at the same moment', async () => {
    const world = (await buildRelationship(a.app, { mode: 'connected' })) as ConnectedWorld;
    const id = randomUUID();
    const sentAt = Date.now();
    await a.services.db.insert(messages).values({
      id,
      relationshipId: world.relationship.id,
      senderId: world.client.id,
      senderRole: 'client',
      body: SECRET,
      sentAt: new Date(sentAt),
      replyDueAt: new Date(sentAt + 24 * HOUR),
    });
    const now = new Date(sentAt + 21 * HOUR);
    for (let round = 0; round < 3; round++) {
      await Promise.all([
        a.app.notifications.reminders.sweep(now),
        b.app.notifications.reminders.sweep(now),
      ]);
    }
    await a.app.notifications.emails.idle();
    await b.app.notifications.emails.idle();

    const rows = await a.services.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, world.therapist.id), eq(notifications.subjectId, id)));
    expect(rows.map((row) => row.kind)).toEqual(['reply-due']);
    const outbox = await a.services.db
      .select()
      .from(emailOutbox)
      .where(eq(emailOutbox.toAddress, world.therapist.email));
    expect(outbox.map((row) => [row.dedupeKey, row.status])).toEqual([
      [`reply-due:${id}:${world.therapist.id}`, 'sent'],
    ]);
    expect(smtp.received.filter((email) => email.to.includes(world.therapist.email))).toHaveLength(
      1,
    );
  });

  it('runs the scheduled sweep on one instance when both run the job queue', async () => {
    const world = (await buildRelationship(a.app, { mode: 'connected' })) as ConnectedWorld;
    const id = randomUUID();
    await a.services.db.insert(messages).values({
      id,
      relationshipId: world.relationship.id,
      senderId: world.therapist.id,
      senderRole: 'therapist',
      body: SECRET,
      sentAt: new Date(Date.now() - 25 * HOUR),
    });
    await Promise.all([
      a.app.notifications.jobs.start({ pollingIntervalSeconds: 0.5 }),
      b.app.notifications.jobs.start({ pollingIntervalSeconds: 0.5 }),
    ]);
    try {
      await Promise.all([
        a.app.notifications.jobs.sweepSoon(),
        b.app.notifications.jobs.sweepSoon(),
      ]);
      const emailsTo = () =>
        smtp.received.filter((email) => email.to.includes(world.client.email)).length;
      await expect.poll(emailsTo, { timeout: 15_000 }).toBe(1);
      // Both sweeps have had time to run; still one email.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await a.app.notifications.emails.idle();
      await b.app.notifications.emails.idle();
      expect(emailsTo()).toBe(1);
    } finally {
      await a.app.notifications.jobs.stop();
      await b.app.notifications.jobs.stop();
    }
  });
});
