import { and, eq, gt, inArray, isNull, like, or, sql } from 'drizzle-orm';
import { lockCaseload } from '../scheduling/fill.ts';
import type { Db } from './client.ts';
import {
  appointments,
  communityProfiles,
  communityQuestions,
  emailOutbox,
  messages,
  relationships,
  slots,
  users,
} from './schema.ts';

/**
 * Erasing an account (DELETE /api/me, docs/api/privacy.md "Erasure"): every personal record of
 * the person goes in one transaction; what others hold of theirs is decided by the foreign keys
 * of schema.ts (cascade: theirs, gone; set null: the other person's, kept without a name).
 */

/**
 * Declares, for the current transaction only, that it erases an account. audit_events is
 * append-only (migration 0007): its triggers refuse every UPDATE, DELETE and TRUNCATE, the
 * foreign-key actions of a deleted account included, unless the transaction has said this first.
 * `set_config(…, true)` ends with the transaction, committed or not.
 */
export async function declareErasure(tx: Db): Promise<void> {
  await tx.execute(sql`select set_config('attune.erasure', 'on', true)`);
}

export type ErasedAccount = {
  /** The relationships that went (a client's) or became solo (a therapist's). */
  relationshipIds: string[];
};

/**
 * Erases the account in one transaction. Undefined when it was already gone (two erasures at
 * once: one of them does it).
 *
 * - A client: their users row goes, and with it (cascades) their relationships and everything
 *   in them, the therapist's copies included (messages both ways, repair steps, agreements);
 *   audit events about them; and the operator's copies of emails that link to those
 *   relationships (sent to their therapist, naming them).
 * - A therapist: each relationship goes on for its client as a solo one (the therapist's name
 *   as the client wrote it stays); what the therapist wrote there stays the client's, without
 *   an author (set null). Their regular slots go, and the appointments those slots had made
 *   still to come are cancelled (as removing a slot does); their time off, open times, couples,
 *   notifications and settings go (cascades). A client's reply time that was still running
 *   stops: nobody is left to answer, so no "reply overdue" appears later.
 * - Both: sessions, recovery codes, the calendar feed, and emails addressed to them. Audit
 *   events of their actions on others' data stay with the actor set to null.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function eraseAccount(
  db: Db,
  userId: string,
  now: Date = new Date(),
): Promise<ErasedAccount | undefined> {
  return db.transaction(async (tx) => {
    await declareErasure(tx);
    const [row] = await tx
      .select({ id: users.id, role: users.role, email: users.email })
      .from(users)
      .where(eq(users.id, userId))
      .for('update');
    if (!row) return undefined;

    let relationshipIds: string[];
    if (row.role === 'therapist') {
      // The same lock the slot roll takes: no roll makes appointments of a slot going now.
      await lockCaseload(tx, row.id);
      const left = await tx
        .update(relationships)
        .set({ mode: 'solo', therapistId: null, version: sql`${relationships.version} + 1` })
        .where(eq(relationships.therapistId, row.id))
        .returning({ id: relationships.id });
      relationshipIds = left.map((r) => r.id);
      const theirSlots = tx
        .select({ id: slots.id })
        .from(slots)
        .where(eq(slots.therapistId, row.id));
      await tx
        .update(appointments)
        .set({ status: 'cancelled', cancelReason: 'slot-removed' })
        .where(
          and(
            inArray(appointments.slotId, theirSlots),
            eq(appointments.status, 'scheduled'),
            gt(appointments.startsAt, now),
          ),
        );
      await tx.delete(slots).where(eq(slots.therapistId, row.id));
      if (relationshipIds.length > 0) {
        await tx
          .update(messages)
          .set({ replyDueAt: null })
          .where(
            and(
              inArray(messages.relationshipId, relationshipIds),
              eq(messages.senderRole, 'client'),
              isNull(messages.acknowledgedAt),
              isNull(messages.repliedAt),
              gt(messages.replyDueAt, now),
            ),
          );
      }
    } else {
      const theirs = await tx
        .select({ id: relationships.id })
        .from(relationships)
        .where(eq(relationships.clientId, row.id));
      relationshipIds = theirs.map((r) => r.id);
      // Emails link to a relationship by its id (notifications/emails.ts): those about this
      // client's name them to their therapist.
      if (relationshipIds.length > 0) {
        await tx
          .delete(emailOutbox)
          .where(
            or(...relationshipIds.map((id) => like(emailOutbox.text, `%/relationships/${id}?%`))),
          );
      }
    }

    // Community posts go with the profile (foreign keys), except anonymous asks, which name no
    // profile: the profile keeps, sealed, the ids of those still linked to it (docs/COMMUNITY.md).
    const [profile] = await tx
      .select({ anonymousAsks: communityProfiles.anonymousAsks })
      .from(communityProfiles)
      .where(eq(communityProfiles.userId, row.id));
    const asks = (Array.isArray(profile?.anonymousAsks) ? profile.anonymousAsks : []).filter((id) =>
      UUID.test(id),
    );
    if (asks.length > 0) {
      await tx.delete(communityQuestions).where(inArray(communityQuestions.id, asks));
    }

    await tx.delete(emailOutbox).where(eq(emailOutbox.toAddress, row.email));
    await tx.delete(users).where(eq(users.id, row.id));
    return { relationshipIds };
  });
}
