import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { notifications } from '../db/schema.ts';

/**
 * Telling people that something is waiting for them. Every notice is a row (the in-app list and
 * its badges) and an event on the `attune_events` channel, which every instance LISTENs to and
 * forwards to that person's open pages (live updates). Notices never carry clinical text: only
 * what kind of thing happened, in which relationship, and the id of what it is about.
 */

export const EVENTS_CHANNEL = 'attune_events';

export type NoticeKind =
  | 'message'
  | 'message-read'
  | 'message-acknowledged'
  | 'urgent-message'
  | 'call-request'
  | 'call-logged'
  | 'agreement-changed'
  | 'agreement-acknowledged'
  | 'reply-due'
  | 'unread-message'
  | 'agreement-unacknowledged'
  | 'appointment-changed'
  /** A scheduled appointment was cancelled (subject: the appointment). */
  | 'appointment-cancelled'
  /** The therapist will be away and appointments were cancelled (subject: the time off). */
  | 'time-off'
  /** A client asked for an extra appointment (to the therapist; subject: the request). */
  | 'appointment-request'
  /** The therapist accepted or declined a request (to the client; subject: the request). */
  | 'request-answered'
  /** An appointment is coming up (subject: the appointment). */
  | 'appointment-reminder'
  /** The therapist proposed couples appointments; the client's consent is asked (subject: the couple). */
  | 'couples-invite'
  /** The person marked notices seen (on another tab or device): badges update. Never a row. */
  | 'notifications-seen';

export type Notice = {
  userId: string;
  relationshipId: string | null;
  kind: NoticeKind;
  subjectId: string | null;
};

/** What goes over the channel: ids and a kind, never text. */
export type LiveEvent = Notice & { id: string; at: string };

export type NoticeListener = (notice: LiveEvent) => void | Promise<void>;

/** The key space of the advisory locks that make a reminder's notice happen once (see notifyOnce). */
const NOTICE_ONCE_LOCK = 74_283_420;

export class Notifier {
  private readonly database: Database;
  private readonly listeners: NoticeListener[] = [];

  constructor(database: Database) {
    this.database = database;
  }

  /** Called for every notice sent through this instance (e.g. to send email). */
  onNotice(listener: NoticeListener): void {
    this.listeners.push(listener);
  }

  /** Records the notice and announces it to every instance. */
  async notify(notice: Notice): Promise<LiveEvent> {
    const id = randomUUID();
    const at = new Date();
    await this.database.db.insert(notifications).values({
      id,
      userId: notice.userId,
      relationshipId: notice.relationshipId,
      kind: notice.kind,
      subjectId: notice.subjectId,
      createdAt: at,
    });
    return this.announce({ ...notice, id, at: at.toISOString() });
  }

  /**
   * Records the notice unless the person already has one of the same kind about the same thing,
   * then announces it like notify(); undefined when it was already there. Reminders use it: two
   * instances (or two runs of the reminder sweep) may find the same reminder due at once, and an
   * advisory lock on (person, kind, subject) lets exactly one of them record and announce it.
   */
  async notifyOnce(notice: Notice & { subjectId: string }): Promise<LiveEvent | undefined> {
    const id = randomUUID();
    const at = new Date();
    const key = `${notice.userId}:${notice.kind}:${notice.subjectId}`;
    const recorded = await this.database.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${NOTICE_ONCE_LOCK}, hashtext(${key}))`);
      const [already] = await tx
        .select({ id: notifications.id })
        .from(notifications)
        .where(
          and(
            eq(notifications.userId, notice.userId),
            eq(notifications.kind, notice.kind),
            eq(notifications.subjectId, notice.subjectId),
          ),
        )
        .limit(1);
      if (already) return false;
      await tx.insert(notifications).values({
        id,
        userId: notice.userId,
        relationshipId: notice.relationshipId,
        kind: notice.kind,
        subjectId: notice.subjectId,
        createdAt: at,
      });
      return true;
    });
    if (!recorded) return undefined;
    return this.announce({ ...notice, id, at: at.toISOString() });
  }

  /** A recorded notice: to every instance's open pages, and to this instance's listeners. */
  private async announce(event: LiveEvent): Promise<LiveEvent> {
    await this.publish(event);
    for (const listener of this.listeners) await listener(event);
    return event;
  }

  /**
   * Announces a change that needs no notice row (e.g. a message was read, so the sender's thread
   * should update) to the person's open pages on every instance.
   */
  async publish(event: LiveEvent): Promise<void> {
    await this.database.notify(EVENTS_CHANNEL, JSON.stringify(event));
  }
}
