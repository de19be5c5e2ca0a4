import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { communityModerators, users } from '../db/schema.ts';

/**
 * Moderators: the accounts whose emails are in ATTUNE_MODERATORS, and those granted with
 * `npm run admin -- grant-moderator <email>` (scripts/admin.ts).
 */

export async function isModerator(
  db: Db,
  user: { id: string; email: string },
  configured: readonly string[],
): Promise<boolean> {
  if (configured.includes(user.email.trim().toLowerCase())) return true;
  const [row] = await db
    .select({ userId: communityModerators.userId })
    .from(communityModerators)
    .where(eq(communityModerators.userId, user.id))
    .limit(1);
  return row !== undefined;
}

export type GrantResult = 'granted' | 'already' | 'revoked' | 'not-granted' | 'no-account';

async function accountOf(db: Db, email: string): Promise<string | undefined> {
  const [row] = await db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.email, email.trim().toLowerCase()))
    .limit(1);
  return row?.id;
}

/** Makes the account with this email a moderator. */
export async function grantModerator(db: Db, email: string): Promise<GrantResult> {
  const userId = await accountOf(db, email);
  if (!userId) return 'no-account';
  const inserted = await db
    .insert(communityModerators)
    .values({ userId })
    .onConflictDoNothing()
    .returning();
  return inserted.length > 0 ? 'granted' : 'already';
}

/** Takes the grant back (an email in ATTUNE_MODERATORS stays a moderator). */
export async function revokeModerator(db: Db, email: string): Promise<GrantResult> {
  const userId = await accountOf(db, email);
  if (!userId) return 'no-account';
  const deleted = await db
    .delete(communityModerators)
    .where(eq(communityModerators.userId, userId))
    .returning();
  return deleted.length > 0 ? 'revoked' : 'not-granted';
}
