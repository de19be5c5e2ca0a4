import { eq, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { loginThrottle } from '../db/schema.ts';

/**
 * Limits repeated failed sign-ins, per account and per address, across all instances.
 *
 * Per account: from the 5th failure in 15 minutes, each further failure locks the account's
 * sign-in for 30 s, doubling, but never more than 5 minutes — so a stranger guessing can slow the
 * owner down for minutes at most, never lock them out for long. A successful sign-in clears it.
 * Per address: 30 failures in 15 minutes lock that address until the window ends.
 */

const WINDOW_MS = 15 * 60_000;
const ACCOUNT_FREE_FAILURES = 4;
const ACCOUNT_BASE_LOCK_MS = 30_000;
const ACCOUNT_MAX_LOCK_MS = 5 * 60_000;
const ADDRESS_MAX_FAILURES = 30;

const accountKey = (email: string) => `account:${email}`;
const addressKey = (ip: string) => `address:${ip}`;

export class LoginThrottle {
  private readonly db: Db;
  private readonly now: () => number;

  constructor(db: Db, now: () => number = Date.now) {
    this.db = db;
    this.now = now;
  }

  /** Seconds to wait before another try is allowed, or 0. */
  async retryAfter(email: string, ip: string): Promise<number> {
    const rows = await this.db
      .select({ lockedUntil: loginThrottle.lockedUntil })
      .from(loginThrottle)
      .where(inArray(loginThrottle.key, [accountKey(email), addressKey(ip)]));
    const now = this.now();
    let until = 0;
    for (const row of rows) until = Math.max(until, row.lockedUntil?.getTime() ?? 0);
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    const now = this.now();
    const account = await this.bump(accountKey(email), now);
    if (account.failures > ACCOUNT_FREE_FAILURES) {
      const lock = Math.min(
        ACCOUNT_BASE_LOCK_MS * 2 ** (account.failures - ACCOUNT_FREE_FAILURES - 1),
        ACCOUNT_MAX_LOCK_MS,
      );
      await this.lock(accountKey(email), now + lock);
    }
    const address = await this.bump(addressKey(ip), now);
    if (address.failures >= ADDRESS_MAX_FAILURES) {
      await this.lock(addressKey(ip), address.windowStartedAt.getTime() + WINDOW_MS);
    }
  }

  async recordSuccess(email: string): Promise<void> {
    await this.db.delete(loginThrottle).where(eq(loginThrottle.key, accountKey(email)));
  }

  /** Forgets windows that ended long ago. */
  async sweep(): Promise<void> {
    await this.db
      .delete(loginThrottle)
      .where(lt(loginThrottle.windowStartedAt, new Date(this.now() - 2 * WINDOW_MS)));
  }

  private async bump(key: string, now: number) {
    const windowStart = new Date(now - WINDOW_MS);
    const fresh = sql`${loginThrottle.windowStartedAt} < ${windowStart}`;
    const [row] = await this.db
      .insert(loginThrottle)
      .values({ key, failures: 1, windowStartedAt: new Date(now), lockedUntil: null })
      .onConflictDoUpdate({
        target: loginThrottle.key,
        set: {
          failures: sql`case when ${fresh} then 1 else ${loginThrottle.failures} + 1 end`,
          windowStartedAt: sql`case when ${fresh} then ${new Date(now)}::timestamptz else ${loginThrottle.windowStartedAt} end`,
        },
      })
      .returning({
        failures: loginThrottle.failures,
        windowStartedAt: loginThrottle.windowStartedAt,
      });
    if (!row) throw new Error('login throttle upsert returned nothing');
    return row;
  }

  private async lock(key: string, until: number): Promise<void> {
    await this.db
      .update(loginThrottle)
      .set({ lockedUntil: new Date(until) })
      .where(eq(loginThrottle.key, key));
  }
}
