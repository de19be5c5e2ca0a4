import type { PGlite } from '@electric-sql/pglite';
import type { FastifyBaseLogger } from 'fastify';
import type pg from 'pg';
import { fromPglite, PgBoss } from 'pg-boss';
import type { Database } from '../db/client.ts';
import { loggableError } from '../errors.ts';
import { rollSlots } from '../scheduling/fill.ts';
import type { Reminders } from './reminders.ts';

/**
 * The reminder sweep as a pg-boss job, scheduled every minute. pg-boss keeps its queue and the
 * schedule in the database (schema `pgboss`), on PGlite as on PostgreSQL, so the schedule
 * survives a restart, and with several instances each minute's sweep runs on one of them.
 * (The sweep is safe to run twice anyway: see reminders.ts.)
 *
 * Beside it, the roll of regular slots (scheduling/fill.ts): hourly, and once at every start so
 * that a server that was down catches up at once. It too is safe to run twice or on two
 * instances at once.
 */

export const SWEEP_QUEUE = 'attune-reminder-sweep';
export const ROLL_QUEUE = 'attune-slot-roll';

export type JobOptions = {
  /** How often a worker looks for a job, in seconds (pg-boss's default is 2). */
  pollingIntervalSeconds?: number;
};

export class ReminderJobs {
  private readonly database: Database;
  private readonly reminders: Reminders;
  private readonly log: FastifyBaseLogger;
  private boss: PgBoss | undefined;

  constructor(database: Database, reminders: Reminders, log: FastifyBaseLogger) {
    this.database = database;
    this.reminders = reminders;
    this.log = log;
  }

  get running(): boolean {
    return this.boss !== undefined;
  }

  async start(options: JobOptions = {}): Promise<void> {
    if (this.boss) return;
    const boss = createBoss(this.database);
    boss.on('error', (error: unknown) => {
      this.log.error({ err: loggableError(error) }, 'job queue error');
    });
    await boss.start();
    await boss.createQueue(SWEEP_QUEUE, {
      // A sweep missed is made up by the next one; a late one is of no use.
      retryLimit: 0,
      expireInSeconds: 5 * 60,
      deleteAfterSeconds: 24 * 3600,
    });
    await boss.schedule(SWEEP_QUEUE, '* * * * *');
    await boss.work(
      SWEEP_QUEUE,
      { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 10 },
      async () => {
        const sent = await this.reminders.sweep(new Date());
        if (sent.length > 0) this.log.info({ reminders: sent.length }, 'reminders sent');
      },
    );
    await boss.createQueue(ROLL_QUEUE, {
      // The next hour's roll makes up for a failed one.
      retryLimit: 0,
      expireInSeconds: 15 * 60,
      deleteAfterSeconds: 24 * 3600,
    });
    await boss.schedule(ROLL_QUEUE, '0 * * * *');
    await boss.work(
      ROLL_QUEUE,
      { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 10 },
      async () => {
        const made = await rollSlots(this.database.db, new Date());
        if (made > 0) this.log.info({ appointments: made }, 'slots rolled forward');
      },
    );
    await boss.send(ROLL_QUEUE, {});
    this.boss = boss;
  }

  /** Asks for a roll of the slots now (on whichever instance picks it up). */
  async rollSoon(): Promise<string | null> {
    if (!this.boss) throw new Error('the job queue is not running');
    return this.boss.send(ROLL_QUEUE, {});
  }

  /** Asks for a sweep now (on whichever instance picks it up). */
  async sweepSoon(): Promise<string | null> {
    if (!this.boss) throw new Error('the job queue is not running');
    return this.boss.send(SWEEP_QUEUE, {});
  }

  async stop(): Promise<void> {
    const boss = this.boss;
    this.boss = undefined;
    // Waits for a sweep under way; pg-boss closes only the connections it opened itself.
    await boss?.stop({ graceful: true, timeout: 10_000 });
  }
}

/**
 * pg-boss on the database Attune already has: PGlite's single in-process connection through
 * pg-boss's PGlite adapter, or a small pool of its own on the same PostgreSQL server.
 */
function createBoss(database: Database): PgBoss {
  // drizzle's $client is the driver it was given: a PGlite instance or a pg.Pool.
  const client = (database.db as unknown as { $client: PGlite | pg.Pool }).$client;
  if (database.kind === 'pglite') {
    return new PgBoss({ db: fromPglite(client as PGlite), backend: 'pglite' });
  }
  const { connectionString } = (client as pg.Pool).options;
  return new PgBoss({ connectionString, max: 2, application_name: 'attune-jobs' });
}
