import type { FastifyBaseLogger } from 'fastify';
import type { Services } from '../services.ts';
import { EmailNotices } from './email-notices.ts';
import { ReminderJobs } from './jobs.ts';
import { LiveHub } from './live.ts';
import { Mailer } from './mailer.ts';
import { Reminders } from './reminders.ts';

/**
 * The parts that deliver notices, started and stopped together: live streams to open pages,
 * email by each person's settings, and reminders (swept by a pg-boss job once `jobs` is started;
 * the server starts it, tests call `reminders.sweep(now)` directly).
 */
export class NotificationSystem {
  readonly live: LiveHub;
  readonly mailer: Mailer;
  readonly emails: EmailNotices;
  readonly reminders: Reminders;
  readonly jobs: ReminderJobs;
  private readonly services: Services;

  constructor(services: Services, log: FastifyBaseLogger) {
    const { env, database, db, notifier } = services;
    this.services = services;
    this.live = new LiveHub(database, { log, sessionIdleMs: env.sessionIdleMs });
    this.mailer = new Mailer(db, { smtpUrl: env.smtpUrl, from: env.mailFrom, log });
    this.emails = new EmailNotices(db, this.mailer, { publicUrl: env.publicUrl, log });
    this.reminders = new Reminders(db, notifier);
    this.jobs = new ReminderJobs(database, this.reminders, log);
  }

  async start(): Promise<void> {
    await this.live.start();
    this.emails.attach(this.services.notifier);
  }

  async stop(): Promise<void> {
    await this.jobs.stop();
    await this.live.stop();
    await this.emails.stop();
    this.mailer.close();
  }
}
