import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client.ts';
import { auditEvents } from '../db/schema.ts';
import type { Membership } from '../policies/relationship.ts';

type AuditRow = typeof auditEvents.$inferInsert;

/**
 * Sign-in events and changes to how one signs in, recorded with the person as their own subject
 * (subjectType `account`), so they see them beside who read their data.
 */
export const ACCOUNT_ACTIONS = [
  'sign-in',
  'sign-in-failed',
  'sign-in-code-failed',
  'sign-out',
  'password-changed',
  'email-changed',
  'two-factor-on',
  'two-factor-off',
  'sign-in-ended',
  'signed-out-everywhere',
] as const;
export type AccountAction = (typeof ACCOUNT_ACTIONS)[number];
type Waiting = { row: AuditRow; resolve: () => void; reject: (error: unknown) => void };

const BATCH = 500;

/**
 * The audit trail of reads and changes of another person's clinical data, which its subject can
 * see. A read is answered only after its row is written. Rows that arrive while a write is under
 * way go together in the next one (group commit): under load, many reads of one client's data
 * cost one insert instead of many inserts contending for the same index pages.
 */
export class AuditLog {
  private readonly db: Db;
  private queue: Waiting[] = [];
  private writing = false;

  constructor(db: Db) {
    this.db = db;
  }

  /** Records what the member did with the client's data; reading your own records nothing. */
  record(
    m: Membership,
    action: string,
    subjectType: string,
    subjectId: string | null = null,
  ): Promise<void> {
    const subjectUserId = m.relationship.clientId;
    if (m.actor.id === subjectUserId) return Promise.resolve();
    return this.add({
      id: randomUUID(),
      at: new Date(),
      actorId: m.actor.id,
      subjectUserId,
      relationshipId: m.relationship.id,
      action,
      subjectType,
      subjectId,
    });
  }

  /** Records a sign-in event or an account change of this person's. */
  account(userId: string, action: AccountAction): Promise<void> {
    return this.add({
      id: randomUUID(),
      at: new Date(),
      actorId: userId,
      subjectUserId: userId,
      relationshipId: null,
      action,
      subjectType: 'account',
      subjectId: null,
    });
  }

  private add(row: AuditRow): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      if (!this.writing) this.write();
    });
  }

  private write(): void {
    this.writing = true;
    const batch = this.queue.splice(0, BATCH);
    this.db
      .insert(auditEvents)
      .values(batch.map((w) => w.row))
      .then(
        () => {
          for (const w of batch) w.resolve();
        },
        // One row that cannot be written (its subject erased a moment ago) must not fail the
        // reads of everyone else in the batch: each row is then tried on its own.
        (error: unknown) => (batch.length === 1 ? batch[0]!.reject(error) : this.oneByOne(batch)),
      )
      .finally(() => {
        this.writing = false;
        if (this.queue.length > 0) this.write();
      });
  }

  private async oneByOne(batch: Waiting[]): Promise<void> {
    for (const w of batch) {
      await this.db.insert(auditEvents).values(w.row).then(w.resolve, w.reject);
    }
  }
}
