import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import { communityNotifications } from '../../db/schema.ts';

/**
 * The community's notifications. Each is written on its own, never in the transaction that
 * wrote what it is about, and what it is about is sealed: an answer to an anonymous ask tells
 * its asker without any row linking the ask to them.
 */

export type NoticeType = 'ask' | 'answer' | 'care' | 'moderation';
export type ModerationOutcome = 'approved' | 'removed' | 'suspended' | 'reinstated';

export const CARE_MESSAGE =
  'Someone here read what you wrote and wanted to check in on you. You are not in trouble, and nothing you wrote has been changed. If things feel heavy right now, you do not have to carry them alone: the people below are there to listen, any time, and talking to someone you trust can help too.';

export async function notify(
  db: Db,
  profileId: string | null,
  type: NoticeType,
  subject: { questionId?: string; answerId?: string; action?: ModerationOutcome },
  text: { message?: string | null; reason?: string | null } = {},
): Promise<void> {
  if (!profileId) return;
  await db.insert(communityNotifications).values({
    id: randomUUID(),
    profileId,
    type,
    subject,
    message: text.message ?? null,
    reason: text.reason ?? null,
  });
}
