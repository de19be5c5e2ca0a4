import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { communityRateLimits } from '../db/schema.ts';
import { tooManyRequests } from '../errors.ts';
import type { Window } from './config.ts';
import { makeRef } from './refs.ts';

/**
 * Fixed-window counters in the database, so that the limit holds across instances: one
 * statement counts the attempt (a window that has ended starts again) and returns the count.
 * The key is an opaque reference of the person and the action, never an account id.
 */
export async function hit(
  db: Db,
  action: 'ask' | 'answer' | 'report',
  userId: string,
  window: Window,
  now = new Date(),
): Promise<void> {
  const { ref } = makeRef('rate', [action, userId]);
  const key = `${action}:${ref}`;
  const expired = new Date(now.getTime() - window.windowMs).toISOString();
  const at = now.toISOString();
  const [row] = await db
    .insert(communityRateLimits)
    .values({ key, count: 1, windowStartedAt: now })
    .onConflictDoUpdate({
      target: communityRateLimits.key,
      set: {
        count: sql`case when ${communityRateLimits.windowStartedAt} <= ${expired}::timestamptz then 1 else ${communityRateLimits.count} + 1 end`,
        windowStartedAt: sql`case when ${communityRateLimits.windowStartedAt} <= ${expired}::timestamptz then ${at}::timestamptz else ${communityRateLimits.windowStartedAt} end`,
      },
    })
    .returning();
  if (!row || row.count <= window.limit) return;
  const endsAt = row.windowStartedAt.getTime() + window.windowMs;
  const seconds = Math.max(1, Math.ceil((endsAt - now.getTime()) / 1000));
  throw tooManyRequests(
    seconds,
    `You have posted a lot in a short time. Please take a breather and try again in ${describe(seconds)}.`,
  );
}

function describe(seconds: number): string {
  if (seconds <= 60) return 'a minute';
  if (seconds < 5400) return `${Math.ceil(seconds / 60)} minutes`;
  return `${Math.ceil(seconds / 3600)} hours`;
}

/** Forgets windows that ended long ago (the retention sweep calls it). */
export async function forgetOldWindows(db: Db, before: Date): Promise<void> {
  await db
    .delete(communityRateLimits)
    .where(sql`${communityRateLimits.windowStartedAt} < ${before.toISOString()}::timestamptz`);
}
