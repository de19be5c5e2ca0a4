import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import { createTransport } from 'nodemailer';
import type { Db } from '../db/client.ts';
import { emailOutbox } from '../db/schema.ts';

/**
 * Sending email. Every email is first a row of the outbox, keyed by a dedupe key: the insert
 * that wins the key is the only one that sends, so a reminder found by two instances at once
 * leaves once. Without SMTP_URL nothing leaves the machine: the row stays `kept-local`, for the
 * instance operator to read. The log says to whom, the subject and the outbox id, never the text.
 */

export type Email = {
  to: string;
  subject: string;
  text: string;
  /** Sending twice with the same key sends once. */
  dedupeKey: string;
};

export type OutboxStatus = (typeof emailOutbox.$inferSelect)['status'];

type Transport = ReturnType<typeof createTransport>;

export class Mailer {
  private readonly db: Db;
  private readonly log: FastifyBaseLogger;
  private readonly from: string;
  private readonly transport: Transport | undefined;

  constructor(
    db: Db,
    options: { smtpUrl: string | undefined; from: string; log: FastifyBaseLogger },
  ) {
    this.db = db;
    this.log = options.log;
    this.from = options.from;
    this.transport = options.smtpUrl
      ? createTransport({
          url: options.smtpUrl,
          // A mail server that does not answer must not hold sends (and shutdown) for minutes.
          connectionTimeout: 15_000,
          greetingTimeout: 15_000,
          socketTimeout: 30_000,
        })
      : undefined;
  }

  /**
   * Records the email and sends it (or keeps it local). Undefined when its dedupe key was used
   * before, by this instance or another: then nothing is sent.
   */
  async send(email: Email): Promise<{ id: string; status: OutboxStatus } | undefined> {
    const id = randomUUID();
    const [row] = await this.db
      .insert(emailOutbox)
      .values({
        id,
        toAddress: email.to,
        subject: email.subject,
        text: email.text,
        dedupeKey: email.dedupeKey,
        status: this.transport ? 'pending' : 'kept-local',
      })
      .onConflictDoNothing({ target: emailOutbox.dedupeKey })
      .returning({ id: emailOutbox.id });
    if (!row) return undefined;
    const logged = { outboxId: id, to: email.to, subject: email.subject };
    if (!this.transport) {
      this.log.info(logged, 'email kept in the local outbox (SMTP_URL is not set)');
      return { id, status: 'kept-local' };
    }
    try {
      await this.transport.sendMail({
        from: this.from,
        to: email.to,
        subject: email.subject,
        text: email.text,
      });
      await this.db
        .update(emailOutbox)
        .set({ status: 'sent', sentAt: new Date() })
        .where(eq(emailOutbox.id, id));
      this.log.info(logged, 'email sent');
      return { id, status: 'sent' };
    } catch (error) {
      const reason = error instanceof Error ? error.message.slice(0, 500) : 'unknown error';
      await this.db
        .update(emailOutbox)
        .set({ status: 'failed', error: reason })
        .where(eq(emailOutbox.id, id));
      this.log.warn({ ...logged, code: (error as { code?: unknown }).code }, 'email failed');
      return { id, status: 'failed' };
    }
  }

  close(): void {
    this.transport?.close();
  }
}
