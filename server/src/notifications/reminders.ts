import { and, eq, exists, gt, isNotNull, isNull, lte, not, type SQL, sql } from 'drizzle-orm';
import { type AnyPgColumn, alias } from 'drizzle-orm/pg-core';
import type { Db } from '../db/client.ts';
import {
  agreementAcknowledgements,
  agreements,
  appointments,
  messages,
  notificationSettings,
  notifications,
  relationships,
} from '../db/schema.ts';
import type { LiveEvent, Notice, Notifier } from './notifier.ts';
import {
  DEFAULT_APPOINTMENT_REMINDER_HOURS,
  DEFAULT_REPLY_DUE_REMINDER_HOURS,
  DEFAULT_UNREAD_REMINDER_HOURS,
  MAX_APPOINTMENT_REMINDER_HOURS,
} from './settings.ts';

/**
 * Reminders, found by one sweep over the database rather than timers in memory, so they survive
 * a restart and every instance agrees on them:
 *
 * - `reply-due`: a client's message not yet acknowledged or answered, whose reply time (from the
 *   agreement) ends within the therapist's `replyDueReminderHours` — to the therapist;
 * - `unread-message`: a message its recipient has not opened `unreadReminderHours` after it
 *   was sent — to the recipient;
 * - `agreement-unacknowledged`: the latest version of an agreement that a member (not its
 *   author) has not acknowledged 48 hours after it was saved — to that member;
 * - `appointment-reminder`: a scheduled appointment starting within a member's
 *   `appointmentReminderHours` (0: none) and not yet begun — to each member.
 *
 * Each is a notice about one thing for one person, recorded once (Notifier.notifyOnce) and
 * emailed once (the outbox's dedupe key), however many sweeps or instances find it. Only
 * things that came due in the last week are looked at: a server that was down for a month does
 * not send a month of reminders when it comes back.
 */

export const AGREEMENT_REMINDER_HOURS = 48;
const LOOKBACK_MS = 7 * 86_400_000;

type Due = Notice & { subjectId: string };

/** A time as a query parameter (raw SQL has no column to say how a Date is sent). */
const at = (time: Date) => sql`${time.toISOString()}::timestamptz`;

/** Whether the person already has this reminder about this thing. */
const sent = (kind: string, user: SQL | AnyPgColumn, subject: SQL) =>
  exists(
    sql`(select 1 from ${notifications} where ${notifications.userId} = ${user} and ${notifications.kind} = ${kind} and ${notifications.subjectId} = ${subject})`,
  );

/** The person's hours setting, or its default (stored settings are validated when saved). */
function hoursOf(
  key: 'replyDueReminderHours' | 'unreadReminderHours' | 'appointmentReminderHours',
  fallback: number,
): SQL {
  const value = sql`(${notificationSettings.settings} ->> ${sql.raw(`'${key}'`)})`;
  return sql`case when ${value} ~ '^[0-9]{1,4}$' then ${value}::int else ${fallback} end`;
}

export class Reminders {
  private readonly db: Db;
  private readonly notifier: Notifier;

  constructor(db: Db, notifier: Notifier) {
    this.db = db;
    this.notifier = notifier;
  }

  /** Finds every reminder due at `now` and sends each that was not sent before. */
  async sweep(now: Date = new Date()): Promise<LiveEvent[]> {
    const due = [
      ...(await this.replyDue(now)),
      ...(await this.unread(now)),
      ...(await this.agreementsUnacknowledged(now)),
      ...(await this.appointmentsComing(now)),
    ];
    const sentNow: LiveEvent[] = [];
    for (const reminder of due) {
      const event = await this.notifier.notifyOnce(reminder);
      if (event) sentNow.push(event);
    }
    return sentNow;
  }

  /** Client messages whose reply time ends within the therapist's reminder hours. */
  private async replyDue(now: Date): Promise<Due[]> {
    const hours = hoursOf('replyDueReminderHours', DEFAULT_REPLY_DUE_REMINDER_HOURS);
    const rows = await this.db
      .select({
        messageId: messages.id,
        relationshipId: messages.relationshipId,
        therapistId: relationships.therapistId,
      })
      .from(messages)
      .innerJoin(relationships, eq(relationships.id, messages.relationshipId))
      .leftJoin(notificationSettings, eq(notificationSettings.userId, relationships.therapistId))
      .where(
        and(
          eq(messages.senderRole, 'client'),
          isNull(messages.acknowledgedAt),
          isNull(messages.repliedAt),
          isNotNull(messages.replyDueAt),
          gt(messages.replyDueAt, new Date(now.getTime() - LOOKBACK_MS)),
          sql`${messages.replyDueAt} - make_interval(hours => ${hours}) <= ${at(now)}`,
          eq(relationships.mode, 'connected'),
          eq(relationships.status, 'active'),
          isNotNull(relationships.therapistId),
          not(sent('reply-due', relationships.therapistId, sql`${messages.id}::text`)),
        ),
      );
    return rows.flatMap((row) =>
      row.therapistId
        ? [
            {
              userId: row.therapistId,
              relationshipId: row.relationshipId,
              kind: 'reply-due' as const,
              subjectId: row.messageId,
            },
          ]
        : [],
    );
  }

  /** Messages not opened by their recipient within the recipient's reminder hours. */
  private async unread(now: Date): Promise<Due[]> {
    const recipient = sql`(case when ${messages.senderRole} = 'client' then ${relationships.therapistId} else ${relationships.clientId} end)`;
    const hours = hoursOf('unreadReminderHours', DEFAULT_UNREAD_REMINDER_HOURS);
    const dueAt = sql`(${messages.sentAt} + make_interval(hours => ${hours}))`;
    const rows = await this.db
      .select({
        messageId: messages.id,
        relationshipId: messages.relationshipId,
        recipientId: sql<string | null>`${recipient}::text`,
      })
      .from(messages)
      .innerJoin(relationships, eq(relationships.id, messages.relationshipId))
      .leftJoin(notificationSettings, eq(notificationSettings.userId, recipient))
      .where(
        and(
          isNull(messages.readAt),
          isNull(messages.acknowledgedAt),
          isNull(messages.repliedAt),
          // The index on (relationship_id, sent_at) serves neither bound; the lookback keeps the
          // rows the database must look at to a week of messages.
          gt(messages.sentAt, new Date(now.getTime() - LOOKBACK_MS - 336 * 3_600_000)),
          sql`${dueAt} <= ${at(now)}`,
          sql`${dueAt} > ${at(new Date(now.getTime() - LOOKBACK_MS))}`,
          eq(relationships.mode, 'connected'),
          eq(relationships.status, 'active'),
          isNotNull(relationships.therapistId),
          not(sent('unread-message', recipient, sql`${messages.id}::text`)),
        ),
      );
    return rows.flatMap((row) =>
      row.recipientId
        ? [
            {
              userId: row.recipientId,
              relationshipId: row.relationshipId,
              kind: 'unread-message' as const,
              subjectId: row.messageId,
            },
          ]
        : [],
    );
  }

  /** Latest agreement versions a member other than the author has not acknowledged in 48 h. */
  private async agreementsUnacknowledged(now: Date): Promise<Due[]> {
    const latest = alias(agreements, 'later');
    const savedBefore = new Date(now.getTime() - AGREEMENT_REMINDER_HOURS * 3_600_000);
    const due: Due[] = [];
    for (const member of [relationships.clientId, relationships.therapistId] as const) {
      const rows = await this.db
        .select({
          agreementId: agreements.id,
          relationshipId: agreements.relationshipId,
          userId: member,
        })
        .from(agreements)
        .innerJoin(relationships, eq(relationships.id, agreements.relationshipId))
        .where(
          and(
            lte(agreements.createdAt, savedBefore),
            gt(agreements.createdAt, new Date(savedBefore.getTime() - LOOKBACK_MS)),
            eq(relationships.mode, 'connected'),
            eq(relationships.status, 'active'),
            isNotNull(member),
            sql`${agreements.authorId} is distinct from ${member}`,
            not(
              exists(
                this.db
                  .select({ one: sql`1` })
                  .from(latest)
                  .where(
                    and(
                      eq(latest.relationshipId, agreements.relationshipId),
                      gt(latest.version, agreements.version),
                    ),
                  ),
              ),
            ),
            not(
              exists(
                this.db
                  .select({ one: sql`1` })
                  .from(agreementAcknowledgements)
                  .where(
                    and(
                      eq(agreementAcknowledgements.agreementId, agreements.id),
                      eq(agreementAcknowledgements.userId, member),
                    ),
                  ),
              ),
            ),
            not(sent('agreement-unacknowledged', member, sql`${agreements.id}::text`)),
          ),
        );
      for (const row of rows) {
        if (!row.userId) continue;
        due.push({
          userId: row.userId,
          relationshipId: row.relationshipId,
          kind: 'agreement-unacknowledged',
          subjectId: row.agreementId,
        });
      }
    }
    return due;
  }

  /**
   * Scheduled appointments not yet begun that start within a member's reminder hours: to the
   * client, and to the connected therapist. Only the coming week can be due (168 hours at most).
   */
  private async appointmentsComing(now: Date): Promise<Due[]> {
    const due: Due[] = [];
    const therapist = sql`(case when ${relationships.mode} = 'connected' then ${relationships.therapistId} end)`;
    for (const member of [sql`${relationships.clientId}`, therapist]) {
      const hours = hoursOf('appointmentReminderHours', DEFAULT_APPOINTMENT_REMINDER_HOURS);
      const rows = await this.db
        .select({
          appointmentId: appointments.id,
          relationshipId: appointments.relationshipId,
          userId: sql<string | null>`${member}::text`,
        })
        .from(appointments)
        .innerJoin(relationships, eq(relationships.id, appointments.relationshipId))
        .leftJoin(notificationSettings, eq(notificationSettings.userId, member))
        .where(
          and(
            eq(appointments.status, 'scheduled'),
            gt(appointments.startsAt, now),
            lte(
              appointments.startsAt,
              new Date(now.getTime() + MAX_APPOINTMENT_REMINDER_HOURS * 3_600_000),
            ),
            sql`${hours} > 0`,
            sql`${appointments.startsAt} - make_interval(hours => ${hours}) <= ${at(now)}`,
            eq(relationships.status, 'active'),
            sql`${member} is not null`,
            not(sent('appointment-reminder', member, sql`${appointments.id}::text`)),
          ),
        );
      for (const row of rows) {
        if (!row.userId) continue;
        due.push({
          userId: row.userId,
          relationshipId: row.relationshipId,
          kind: 'appointment-reminder',
          subjectId: row.appointmentId,
        });
      }
    }
    return due;
  }
}
