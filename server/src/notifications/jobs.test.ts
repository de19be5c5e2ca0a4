import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appointments, messages, notifications, slots } from '../db/schema.ts';
import { startTestApp, type TestApp } from '../test/harness.ts';
import { buildRelationship, type ConnectedWorld } from '../test/world.ts';
import { ReminderJobs, ROLL_QUEUE, SWEEP_QUEUE } from './jobs.ts';

/**
 * The reminder sweep as a pg-boss job, on whichever database this suite runs on (PGlite or
 * PostgreSQL): it runs, and it still runs after a restart.
 */

const HOUR = 3_600_000;

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

/** A therapist's message the client has not opened for 25 hours. */
async function unreadMessage(): Promise<{ world: ConnectedWorld; id: string }> {
  const world = (await buildRelationship(t.app, { mode: 'connected' })) as ConnectedWorld;
  const id = randomUUID();
  await t.services.db.insert(messages).values({
    id,
    relationshipId: world.relationship.id,
    senderId: world.therapist.id,
    senderRole: 'therapist',
    body: 'Hello.',
    sentAt: new Date(Date.now() - 25 * HOUR),
  });
  return { world, id };
}

async function reminded(world: ConnectedWorld, id: string): Promise<number> {
  const rows = await t.services.db
    .select({ id: notifications.id })
    .from(notifications)
    .where(
      and(
        eq(notifications.userId, world.client.id),
        eq(notifications.kind, 'unread-message'),
        eq(notifications.subjectId, id),
      ),
    );
  return rows.length;
}

describe('the reminder job', () => {
  it('runs the sweep through pg-boss, schedules it every minute, and runs again after a restart', async () => {
    const first = new ReminderJobs(t.services.database, t.app.notifications.reminders, t.app.log);
    await first.start({ pollingIntervalSeconds: 0.5 });
    try {
      const one = await unreadMessage();
      expect(await first.sweepSoon()).toEqual(expect.any(String));
      await expect.poll(() => reminded(one.world, one.id), { timeout: 15_000 }).toBe(1);

      const schedules = (await t.services.db.execute(
        sql`select name, cron from pgboss.schedule where name = ${SWEEP_QUEUE}`,
      )) as unknown as { rows: { name: string; cron: string }[] };
      expect(schedules.rows).toEqual([{ name: SWEEP_QUEUE, cron: '* * * * *' }]);
    } finally {
      await first.stop();
    }
    expect(first.running).toBe(false);

    // A restart: a new job runner on the same database picks up where the first left off.
    const second = new ReminderJobs(t.services.database, t.app.notifications.reminders, t.app.log);
    await second.start({ pollingIntervalSeconds: 0.5 });
    try {
      const two = await unreadMessage();
      await second.sweepSoon();
      await expect.poll(() => reminded(two.world, two.id), { timeout: 15_000 }).toBe(1);
    } finally {
      await second.stop();
    }
  });

  it('rolls the slots forward at start, and schedules the roll hourly', async () => {
    const world = (await buildRelationship(t.app, { mode: 'connected' })) as ConnectedWorld;
    const created = await world.therapist.request({
      method: 'POST',
      url: `/api/relationships/${world.relationship.id}/slots`,
      payload: {
        weekday: 4,
        time: '09:00',
        timezone: 'UTC',
        everyWeeks: 1,
        durationMinutes: 50,
        startsOn: new Date().toISOString().slice(0, 10),
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { slot } = created.json<{ slot: { id: string } }>();
    // As if the slot had last been filled two weeks short of the horizon.
    const made = await t.services.db
      .select()
      .from(appointments)
      .where(eq(appointments.slotId, slot.id));
    const cut = made.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime()).slice(-2);
    await t.services.db.delete(appointments).where(eq(appointments.slotId, slot.id));
    await t.services.db
      .update(slots)
      .set({ filledUntil: cut[0]!.startsAt })
      .where(eq(slots.id, slot.id));
    const count = async () =>
      (await t.services.db.select().from(appointments).where(eq(appointments.slotId, slot.id)))
        .length;
    expect(await count()).toBe(0);

    const jobs = new ReminderJobs(t.services.database, t.app.notifications.reminders, t.app.log);
    await jobs.start({ pollingIntervalSeconds: 0.5 });
    try {
      await expect.poll(count, { timeout: 15_000 }).toBe(2);
      const schedules = (await t.services.db.execute(
        sql`select name, cron from pgboss.schedule where name = ${ROLL_QUEUE}`,
      )) as unknown as { rows: { name: string; cron: string }[] };
      expect(schedules.rows).toEqual([{ name: ROLL_QUEUE, cron: '0 * * * *' }]);
    } finally {
      await jobs.stop();
    }
  });

  it('is stopped with the app', async () => {
    const app = await startTestApp();
    await app.app.notifications.jobs.start({ pollingIntervalSeconds: 0.5 });
    expect(app.app.notifications.jobs.running).toBe(true);
    await app.close();
    expect(app.app.notifications.jobs.running).toBe(false);
  });
});
