import { createHash, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, SubscriptionState } from '../db/client.ts';
import { sessions, users } from '../db/schema.ts';
import { type FreshDatabase, freshDatabase } from '../test/harness.ts';
import { hashToken, type ResolvedSession, SessionStore } from './sessions.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

let fresh: FreshDatabase;
let database: Database;
beforeAll(async () => {
  fresh = await freshDatabase();
  database = fresh.database;
});
afterAll(async () => {
  await fresh?.drop();
});

/** A clock the test moves by hand. */
function fakeClock(start = Date.parse('2031-03-03T09:00:00Z')) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
    set(to: number) {
      now = to;
    },
    start,
  };
}

async function insertUser(displayName = 'Robin'): Promise<string> {
  const id = randomUUID();
  await database.db.insert(users).values({
    id,
    email: `person-${id}@example.test`,
    passwordHash: '$argon2id$v=19$m=19456,t=3,p=1$not-a-real-hash',
    displayName,
    role: 'client',
  });
  return id;
}

async function sessionRow(token: string) {
  const [row] = await database.db
    .select()
    .from(sessions)
    .where(eq(sessions.id, hashToken(token)));
  return row;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Asks again until `accept` holds or the deadline passes, and returns the last answer.
 * Notifications between instances are asynchronous (and go through the server on PostgreSQL).
 */
async function eventually<T>(ask: () => Promise<T>, accept: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 3000;
  for (;;) {
    const value = await ask();
    if (accept(value) || Date.now() > deadline) return value;
    await sleep(20);
  }
}

/**
 * Uses a session at the clock's time, then waits until the database knows of a use within the
 * last minute (activity is written back in the background, at most once a minute). Waiting keeps
 * the background writes of a fast-moving fake clock from overtaking one another.
 */
async function useAt(store: SessionStore, token: string, now: number) {
  const resolved = await store.resolve(token);
  const row = resolved
    ? await eventually(
        () => sessionRow(token),
        (r) => r !== undefined && now - r.lastSeenAt.getTime() < MINUTE,
      )
    : undefined;
  return { resolved, lastSeenAgo: row ? now - row.lastSeenAt.getTime() : undefined };
}

/** Runs `use` with started stores, and stops them whatever happens. */
async function withStores<T>(stores: SessionStore[], use: () => Promise<T>): Promise<T> {
  for (const store of stores) await store.start();
  try {
    return await use();
  } finally {
    for (const store of stores) await store.stop();
  }
}

describe('SessionStore on one instance', () => {
  const idleMs = 30 * MINUTE;
  const maxMs = 12 * HOUR;

  it('creates a session that resolves to its user', async () => {
    const clock = fakeClock();
    const store = new SessionStore(database, { idleMs, maxMs, now: clock.now });
    await withStores([store], async () => {
      const userId = await insertUser('Robin');
      const token = await store.create(userId, 'a browser');
      const resolved = await store.resolve(token);
      expect(resolved?.user).toEqual({
        id: userId,
        email: `person-${userId}@example.test`,
        displayName: 'Robin',
        role: 'client',
      });
      expect(resolved?.sessionId).toBe(hashToken(token));
      expect(await store.resolve(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)).toBe(
        undefined,
      );
    });
  });

  it('gives a 256-bit base64url token and stores only its SHA-256', async () => {
    const clock = fakeClock();
    const store = new SessionStore(database, { idleMs, maxMs, now: clock.now });
    await withStores([store], async () => {
      const userId = await insertUser();
      const token = await store.create(userId, 'a browser');
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token, 'base64url')).toHaveLength(32);
      const other = await store.create(userId, 'a browser');
      expect(other).not.toBe(token);

      const sha256 = createHash('sha256').update(token).digest('base64url');
      expect(hashToken(token)).toBe(sha256);
      const rows = await database.db.select().from(sessions).where(eq(sessions.userId, userId));
      expect(rows.map((row) => row.id).sort()).toEqual([sha256, hashToken(other)].sort());
      const everything = JSON.stringify(rows);
      expect(everything).not.toContain(token);
      expect(everything).not.toContain(other);
      const row = rows.find((r) => r.id === sha256);
      expect(row?.expiresAt.getTime()).toBe(clock.start + maxMs);
      expect(row?.lastSeenAt.getTime()).toBe(clock.start);
    });
  });

  // 2 minutes: shorter than the cache is trusted, so the cached copy itself must expire.
  it.each([
    ['30 minutes', idleMs],
    ['2 minutes', 2 * MINUTE],
  ])('ends a session after %s without use, and deletes it', async (_name, idleFor) => {
    const clock = fakeClock();
    const store = new SessionStore(database, { idleMs: idleFor, maxMs, now: clock.now });
    await withStores([store], async () => {
      const userId = await insertUser();
      const used = await store.create(userId, undefined);
      const idle = await store.create(userId, undefined);
      expect(await store.resolve(used)).toBeDefined();
      expect(await store.resolve(idle)).toBeDefined(); // now cached, too

      clock.advance(idleFor);
      expect(await store.resolve(used)).toBeDefined();
      clock.advance(1);
      expect(await store.resolve(idle)).toBeUndefined();
      expect(await sessionRow(idle)).toBeUndefined();
      expect(await store.resolve(idle)).toBeUndefined();
    });
  });

  it('ends an idle session that this instance never cached', async () => {
    const clock = fakeClock();
    const store = new SessionStore(database, { idleMs, maxMs, now: clock.now });
    await withStores([store], async () => {
      const token = await store.create(await insertUser(), undefined);
      clock.advance(idleMs + 1);
      expect(await store.resolve(token)).toBeUndefined();
      expect(await sessionRow(token)).toBeUndefined();
    });
  });

  it('keeps a session in regular use alive across many idle periods', async () => {
    const clock = fakeClock();
    const shortIdle = 3 * MINUTE;
    const store = new SessionStore(database, { idleMs: shortIdle, maxMs, now: clock.now });
    await withStores([store], async () => {
      const token = await store.create(await insertUser(), undefined);
      // 50 s steps for 8 idle periods: longer than the cache is trusted, so the session is
      // read back from the database several times and must find its activity written there.
      const until = clock.start + 8 * shortIdle;
      while (clock.now() < until) {
        clock.advance(50 * SECOND);
        const at = `at +${(clock.now() - clock.start) / SECOND} s`;
        const { resolved, lastSeenAgo } = await useAt(store, token, clock.now());
        expect(resolved, at).toBeDefined();
        expect(lastSeenAgo, at).toBeLessThan(MINUTE);
      }

      // A fresh instance (nothing cached) agrees that it is alive.
      const other = new SessionStore(database, { idleMs: shortIdle, maxMs, now: clock.now });
      await withStores([other], async () => {
        expect(await other.resolve(token)).toBeDefined();
      });
    });
  });

  it('writes activity back at most once a minute', async () => {
    const clock = fakeClock();
    const store = new SessionStore(database, { idleMs, maxMs, now: clock.now });
    await withStores([store], async () => {
      const token = await store.create(await insertUser(), undefined);
      clock.advance(30 * SECOND);
      expect(await store.resolve(token)).toBeDefined();
      clock.advance(20 * SECOND);
      expect(await store.resolve(token)).toBeDefined();
      expect((await sessionRow(token))?.lastSeenAt.getTime()).toBe(clock.start);

      clock.advance(10 * SECOND);
      expect(await store.resolve(token)).toBeDefined();
      const row = await eventually(
        () => sessionRow(token),
        (r) => r?.lastSeenAt.getTime() === clock.now(),
      );
      expect(row?.lastSeenAt.getTime()).toBe(clock.start + MINUTE);
    });
  });

  it('ends a session at its absolute lifetime even with constant use', async () => {
    const clock = fakeClock();
    const store = new SessionStore(database, { idleMs, maxMs, now: clock.now });
    await withStores([store], async () => {
      const token = await store.create(await insertUser(), undefined);
      const end = clock.start + maxMs;
      while (clock.now() + 10 * MINUTE < end) {
        clock.advance(10 * MINUTE);
        expect((await useAt(store, token, clock.now())).resolved).toBeDefined();
      }
      clock.set(end - 1);
      expect((await useAt(store, token, clock.now())).resolved).toBeDefined();
      clock.set(end);
      expect(await store.resolve(token)).toBeUndefined();
      expect(await sessionRow(token)).toBeUndefined();
      clock.advance(MINUTE);
      expect(await store.resolve(token)).toBeUndefined();
    });
  });

  it('ends a revoked session, even when it was cached', async () => {
    const clock = fakeClock();
    const store = new SessionStore(database, { idleMs, maxMs, now: clock.now });
    await withStores([store], async () => {
      const userId = await insertUser();
      const token = await store.create(userId, undefined);
      const keep = await store.create(userId, undefined);
      const resolved = await store.resolve(token);
      expect(resolved).toBeDefined();
      await store.revoke(resolved?.sessionId ?? '');
      expect(await store.resolve(token)).toBeUndefined();
      expect(await sessionRow(token)).toBeUndefined();
      expect(await store.resolve(keep)).toBeDefined();
    });
  });

  it("revokeAllForUser ends all of that user's sessions and nobody else's", async () => {
    const clock = fakeClock();
    const store = new SessionStore(database, { idleMs, maxMs, now: clock.now });
    await withStores([store], async () => {
      const robin = await insertUser('Robin');
      const avery = await insertUser('Avery');
      const robins = [await store.create(robin, 'phone'), await store.create(robin, 'laptop')];
      const averys = await store.create(avery, 'phone');
      for (const token of [...robins, averys]) expect(await store.resolve(token)).toBeDefined();

      await store.revokeAllForUser(robin);
      for (const token of robins) {
        expect(await store.resolve(token)).toBeUndefined();
        expect(await sessionRow(token)).toBeUndefined();
      }
      expect((await store.resolve(averys))?.user.id).toBe(avery);
    });
  });
});

describe('SessionStore across instances', () => {
  const options = { idleMs: 30 * MINUTE, maxMs: 12 * HOUR };

  it('a session revoked on one instance ends on another that had it cached', async () => {
    const clock = fakeClock();
    const a = new SessionStore(database, { ...options, now: clock.now });
    const b = new SessionStore(database, { ...options, now: clock.now });
    await withStores([a, b], async () => {
      const userId = await insertUser();
      const token = await a.create(userId, undefined);
      const other = await a.create(userId, undefined);
      expect(await a.resolve(token)).toBeDefined();
      expect(await a.resolve(other)).toBeDefined();
      const onB = await b.resolve(token);
      expect(onB).toBeDefined();

      await b.revoke(onB?.sessionId ?? '');
      const after = await eventually(
        () => a.resolve(token),
        (value) => value === undefined,
      );
      expect(after).toBeUndefined();
      expect(await a.resolve(other)).toBeDefined();
    });
  });

  it("revokeAllForUser on one instance ends that user's sessions cached on another", async () => {
    const clock = fakeClock();
    const a = new SessionStore(database, { ...options, now: clock.now });
    const b = new SessionStore(database, { ...options, now: clock.now });
    await withStores([a, b], async () => {
      const robin = await insertUser('Robin');
      const avery = await insertUser('Avery');
      const robins = await a.create(robin, undefined);
      const averys = await a.create(avery, undefined);
      expect(await a.resolve(robins)).toBeDefined();
      expect(await a.resolve(averys)).toBeDefined();

      await b.revokeAllForUser(robin);
      const after = await eventually(
        () => a.resolve(robins),
        (value) => value === undefined,
      );
      expect(after).toBeUndefined();
      expect((await a.resolve(averys))?.user.id).toBe(avery);
    });
  });

  it('a name change announced on one instance shows on another that had it cached', async () => {
    const clock = fakeClock();
    const a = new SessionStore(database, { ...options, now: clock.now });
    const b = new SessionStore(database, { ...options, now: clock.now });
    await withStores([a, b], async () => {
      const userId = await insertUser('Robin');
      const token = await a.create(userId, undefined);
      expect((await a.resolve(token))?.user.displayName).toBe('Robin');

      await database.db.update(users).set({ displayName: 'Robin Ash' }).where(eq(users.id, userId));
      // Cached until told: this is what makes the announcement necessary.
      expect((await a.resolve(token))?.user.displayName).toBe('Robin');

      await b.userChanged(userId);
      const after = await eventually(
        () => a.resolve(token),
        (value: ResolvedSession | undefined) => value?.user.displayName === 'Robin Ash',
      );
      expect(after?.user.displayName).toBe('Robin Ash');
    });
  });
});

describe('SessionStore while notifications may be missed', () => {
  /** The real database, but the test decides when the subscription is live. */
  function withControlledSubscription(inner: Database) {
    let report: SubscriptionState | undefined;
    const wrapper: Database = {
      ...inner,
      async subscribe(channel, onMessage, onState) {
        report = onState;
        return inner.subscribe(channel, onMessage, onState);
      },
    };
    return {
      wrapper,
      setLive(live: boolean) {
        if (!report) throw new Error('the store has not subscribed');
        report(live);
      },
    };
  }

  it('does not serve sessions from its cache', async () => {
    const clock = fakeClock();
    const control = withControlledSubscription(database);
    const store = new SessionStore(control.wrapper, {
      idleMs: 30 * MINUTE,
      maxMs: 12 * HOUR,
      now: clock.now,
    });
    await withStores([store], async () => {
      const userId = await insertUser();
      const deleteRow = (token: string) =>
        database.db.delete(sessions).where(eq(sessions.id, hashToken(token)));

      // Live: a session deleted behind the store's back is still served from its cache
      // (this is what the notifications are for).
      const cachedWhileLive = await store.create(userId, undefined);
      expect(await store.resolve(cachedWhileLive)).toBeDefined();
      await deleteRow(cachedWhileLive);
      expect(await store.resolve(cachedWhileLive)).toBeDefined();

      // The subscription drops: what was cached is no longer trusted...
      control.setLive(false);
      expect(await store.resolve(cachedWhileLive)).toBeUndefined();

      // ...and nothing new is trusted from the cache either.
      const token = await store.create(userId, undefined);
      expect(await store.resolve(token)).toBeDefined();
      expect(await store.resolve(token)).toBeDefined();
      await deleteRow(token);
      expect(await store.resolve(token)).toBeUndefined();

      // Live again: caching resumes.
      control.setLive(true);
      const again = await store.create(userId, undefined);
      expect(await store.resolve(again)).toBeDefined();
      await deleteRow(again);
      expect(await store.resolve(again)).toBeDefined();
    });
  });
});
