import { eq } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/client.ts';
import { appointments, messages, relationships, timeOff, users } from '../db/schema.ts';
import { loggableError } from '../errors.ts';
import { nextAppointmentAfter } from '../scheduling/time-off.ts';
import { composeEmail } from './emails.ts';
import type { Mailer } from './mailer.ts';
import type { LiveEvent, NoticeKind, Notifier } from './notifier.ts';
import { categoryOf, loadSettings } from './settings.ts';

/**
 * Email for notices, by each recipient's settings. It runs beside the request that caused the
 * notice, never inside it: a slow or failing mail server must not slow or fail sending a message.
 * `idle()` waits for the emails under way (tests, shutdown).
 */

/** Kinds that remind about something that is still waiting: one email per thing and person. */
export const REMINDER_KINDS: ReadonlySet<NoticeKind> = new Set([
  'reply-due',
  'unread-message',
  'agreement-unacknowledged',
  'appointment-reminder',
]);

const clients = alias(users, 'client');

export class EmailNotices {
  private readonly db: Db;
  private readonly mailer: Mailer;
  private readonly publicUrl: string;
  private readonly log: FastifyBaseLogger;
  private readonly pending = new Set<Promise<void>>();
  private stopped = false;

  constructor(db: Db, mailer: Mailer, options: { publicUrl: string; log: FastifyBaseLogger }) {
    this.db = db;
    this.mailer = mailer;
    this.publicUrl = options.publicUrl;
    this.log = options.log;
  }

  attach(notifier: Notifier): void {
    notifier.onNotice((event) => {
      if (this.stopped || categoryOf[event.kind] === null) return;
      const work = this.handle(event).catch((error: unknown) => {
        this.log.error({ err: loggableError(error), kind: event.kind }, 'notice email failed');
      });
      this.pending.add(work);
      void work.finally(() => this.pending.delete(work));
    });
  }

  /** Resolves once every email under way has been sent, kept or has failed. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** Takes no more notices (the server is stopping) and waits for the emails under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle();
  }

  /** Emails the notice when its recipient wants it. */
  async handle(event: LiveEvent): Promise<void> {
    const category = categoryOf[event.kind];
    if (category === null || event.relationshipId === null) return;
    const settings = await loadSettings(this.db, event.userId);
    if (!settings.email[category]) return;
    const [row] = await this.db
      .select({
        relationshipId: relationships.id,
        clientId: relationships.clientId,
        therapistId: relationships.therapistId,
        therapistName: relationships.therapistName,
        clientName: clients.displayName,
      })
      .from(relationships)
      .innerJoin(clients, eq(clients.id, relationships.clientId))
      .where(eq(relationships.id, event.relationshipId))
      .limit(1);
    if (!row) return;
    const role =
      row.clientId === event.userId
        ? 'client'
        : row.therapistId === event.userId
          ? 'therapist'
          : undefined;
    if (!role) return;
    const [recipient] = await this.db
      .select({ email: users.email, displayName: users.displayName })
      .from(users)
      .where(eq(users.id, event.userId))
      .limit(1);
    if (!recipient) return;
    const composed = composeEmail({
      kind: event.kind,
      recipientName: recipient.displayName,
      recipientRole: role,
      // Each person sees the other by the name they know: the client's own name for their
      // therapist, the client's display name for the therapist.
      otherName: role === 'client' ? row.therapistName : row.clientName,
      relationshipId: row.relationshipId,
      publicUrl: this.publicUrl,
      dueAt: event.kind === 'reply-due' ? await this.replyDueAt(event.subjectId) : null,
      appointmentAt: await this.appointmentAt(event),
      timezone: settings.timezone,
    });
    if (!composed) return;
    await this.mailer.send({
      to: recipient.email,
      ...composed,
      dedupeKey: REMINDER_KINDS.has(event.kind)
        ? `${event.kind}:${event.subjectId}:${event.userId}`
        : `notice:${event.id}`,
    });
  }

  private async replyDueAt(messageId: string | null): Promise<Date | null> {
    if (!messageId) return null;
    const [row] = await this.db
      .select({ replyDueAt: messages.replyDueAt })
      .from(messages)
      .where(eq(messages.id, messageId))
      .limit(1);
    return row?.replyDueAt ?? null;
  }

  /**
   * The appointment time an email names: the reminded appointment's start, or for time off the
   * first appointment of the relationship after it.
   */
  private async appointmentAt(event: LiveEvent): Promise<Date | null> {
    if (!event.subjectId || !event.relationshipId) return null;
    if (event.kind === 'appointment-reminder') {
      const [row] = await this.db
        .select({ startsAt: appointments.startsAt })
        .from(appointments)
        .where(eq(appointments.id, event.subjectId))
        .limit(1);
      return row?.startsAt ?? null;
    }
    if (event.kind === 'time-off') {
      const [period] = await this.db
        .select({ endsAt: timeOff.endsAt })
        .from(timeOff)
        .where(eq(timeOff.id, event.subjectId))
        .limit(1);
      if (!period) return null;
      const next = await nextAppointmentAfter(this.db, event.relationshipId, period.endsAt);
      return next?.startsAt ?? null;
    }
    return null;
  }
}
