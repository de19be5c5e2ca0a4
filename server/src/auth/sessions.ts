import { createHash, randomBytes } from 'node:crypto';
import { eq, lt, or, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { sessions, users } from '../db/schema.ts';

/**
 * Sign-in sessions: a 256-bit random token in the cookie, only its SHA-256 in the database.
 *
 * Resolving a session on every request would cost a database round trip, so resolved sessions
 * are cached in memory. Revocation holds across instances: every revocation is announced with
 * NOTIFY, every instance LISTENs and drops what it cached, and while that channel is down
 * (notifications could be missed) no instance trusts its cache at all.
 */

export type SessionUser = {
  id: string;
  email: string;
  displayName: string;
  role: 'client' | 'therapist';
};

export type ResolvedSession = { sessionId: string; user: SessionUser };

type Entry = {
  user: SessionUser;
  expiresAt: number;
  lastSeenAt: number;
  storedLastSeenAt: number;
  cachedAt: number;
};

const CHANNEL = 'attune_sessions';
/** How often last_seen_at is written back; idle timeouts are accurate to this. */
const TOUCH_INTERVAL_MS = 60_000;
/** An upper bound on how long a cached entry is trusted without asking the database. */
const CACHE_TTL_MS = 5 * 60_000;
const CACHE_MAX_ENTRIES = 50_000;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export type SessionOptions = {
  idleMs: number;
  maxMs: number;
  now?: () => number;
};

export class SessionStore {
  private readonly cache = new Map<string, Entry>();
  private readonly database: Database;
  private readonly idleMs: number;
  private readonly maxMs: number;
  private readonly now: () => number;
  private live = false;
  /** Bumped by every invalidation, so a lookup that raced one is not cached. */
  private generation = 0;
  private unsubscribe: (() => Promise<void>) | undefined;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(database: Database, options: SessionOptions) {
    this.database = database;
    this.idleMs = options.idleMs;
    this.maxMs = options.maxMs;
    this.now = options.now ?? Date.now;
  }

  async start(): Promise<void> {
    this.unsubscribe = await this.database.subscribe(
      CHANNEL,
      (payload) => this.drop(payload),
      (live) => {
        this.generation++;
        this.cache.clear();
        this.live = live;
      },
    );
    this.sweeper = setInterval(() => {
      this.sweep().catch(() => {});
    }, 15 * 60_000);
    this.sweeper.unref();
  }

  async stop(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.live = false;
    this.cache.clear();
    await this.unsubscribe?.();
  }

  /** Starts a session for the user and returns its token (the only copy). */
  async create(userId: string, userAgent: string | undefined): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = this.now();
    await this.database.db.insert(sessions).values({
      id: hashToken(token),
      userId,
      createdAt: new Date(now),
      lastSeenAt: new Date(now),
      expiresAt: new Date(now + this.maxMs),
      userAgent: userAgent?.slice(0, 300) ?? null,
    });
    return token;
  }

  /** The session and user a token belongs to, or undefined when it is unknown, expired or idle. */
  async resolve(token: string): Promise<ResolvedSession | undefined> {
    const sessionId = hashToken(token);
    const now = this.now();
    return this.fromCache(sessionId, now) ?? this.load(sessionId, now);
  }

  /** The session from the cache alone, or undefined when the database must be asked. */
  cached(token: string): ResolvedSession | undefined {
    return this.fromCache(hashToken(token), this.now());
  }

  private fromCache(sessionId: string, now: number): ResolvedSession | undefined {
    const entry = this.live ? this.cache.get(sessionId) : undefined;
    if (!entry || now - entry.cachedAt >= CACHE_TTL_MS || now - entry.lastSeenAt > this.idleMs)
      return undefined;
    if (now >= entry.expiresAt) return undefined;
    entry.lastSeenAt = now;
    if (now - entry.storedLastSeenAt >= TOUCH_INTERVAL_MS) {
      entry.storedLastSeenAt = now;
      this.touch(sessionId, now);
    }
    return { sessionId, user: entry.user };
  }

  private async load(sessionId: string, now: number): Promise<ResolvedSession | undefined> {
    const generation = this.generation;
    const [row] = await this.database.db
      .select({
        expiresAt: sessions.expiresAt,
        lastSeenAt: sessions.lastSeenAt,
        id: users.id,
        email: users.email,
        displayName: users.displayName,
        role: users.role,
      })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(sessions.id, sessionId))
      .limit(1);
    this.cache.delete(sessionId);
    if (!row) return undefined;
    const expiresAt = row.expiresAt.getTime();
    let storedLastSeenAt = row.lastSeenAt.getTime();
    if (now >= expiresAt || now - storedLastSeenAt > this.idleMs) {
      await this.revoke(sessionId);
      return undefined;
    }
    if (now - storedLastSeenAt >= TOUCH_INTERVAL_MS) {
      storedLastSeenAt = now;
      this.touch(sessionId, now);
    }
    const user: SessionUser = {
      id: row.id,
      email: row.email,
      displayName: row.displayName,
      role: row.role,
    };
    if (this.live && generation === this.generation) {
      if (this.cache.size >= CACHE_MAX_ENTRIES) {
        const oldest = this.cache.keys().next().value;
        if (oldest !== undefined) this.cache.delete(oldest);
      }
      this.cache.set(sessionId, {
        user,
        expiresAt,
        lastSeenAt: now,
        storedLastSeenAt,
        cachedAt: now,
      });
    }
    return { sessionId, user };
  }

  private touch(sessionId: string, now: number): void {
    this.database.db
      .update(sessions)
      .set({ lastSeenAt: sql`greatest(${sessions.lastSeenAt}, ${new Date(now)}::timestamptz)` })
      .where(eq(sessions.id, sessionId))
      .then(
        () => {},
        () => {},
      );
  }

  /** Ends one session everywhere. */
  async revoke(sessionId: string): Promise<void> {
    await this.database.db.delete(sessions).where(eq(sessions.id, sessionId));
    await this.announce(`session:${sessionId}`);
  }

  /** Ends every session of a user everywhere (password change, erasure). */
  async revokeAllForUser(userId: string): Promise<void> {
    await this.database.db.delete(sessions).where(eq(sessions.userId, userId));
    await this.announce(`user:${userId}`);
  }

  /** Drops cached copies of a user's sessions everywhere, e.g. after their name changed. */
  async userChanged(userId: string): Promise<void> {
    await this.announce(`user:${userId}`);
  }

  private async announce(payload: string): Promise<void> {
    this.drop(payload);
    await this.database.notify(CHANNEL, payload);
  }

  private drop(payload: string): void {
    this.generation++;
    const [kind, id] = payload.split(':', 2);
    if (kind === 'session' && id) {
      this.cache.delete(id);
    } else if (kind === 'user' && id) {
      for (const [sessionId, entry] of this.cache) {
        if (entry.user.id === id) this.cache.delete(sessionId);
      }
    } else {
      this.cache.clear();
    }
  }

  /** Deletes sessions that have expired or gone idle. */
  async sweep(): Promise<void> {
    const now = this.now();
    await this.database.db
      .delete(sessions)
      .where(
        or(
          lt(sessions.expiresAt, new Date(now)),
          lt(sessions.lastSeenAt, new Date(now - this.idleMs)),
        ),
      );
  }
}
