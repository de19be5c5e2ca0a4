import { randomUUID } from 'node:crypto';
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
  | 'appointment-changed';

export type Notice = {
  userId: string;
  relationshipId: string | null;
  kind: NoticeKind;
  subjectId: string | null;
};

/** What goes over the channel: ids and a kind, never text. */
export type LiveEvent = Notice & { id: string; at: string };

export type NoticeListener = (notice: LiveEvent) => void | Promise<void>;

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
    const event: LiveEvent = { ...notice, id, at: at.toISOString() };
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
