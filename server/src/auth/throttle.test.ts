import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FreshDatabase, freshDatabase } from '../test/harness.ts';
import { LoginThrottle } from './throttle.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

let fresh: FreshDatabase;
beforeAll(async () => {
  fresh = await freshDatabase();
});
afterAll(async () => {
  await fresh?.drop();
});

/** A throttle on the shared database with its own hand-moved clock; keys are new per test. */
function world() {
  let now = Date.parse('2031-03-03T09:00:00Z');
  const throttle = new LoginThrottle(fresh.database.db, () => now);
  return {
    throttle,
    advance(ms: number) {
      now += ms;
    },
    email: () => `person-${randomUUID()}@example.test`,
    ip: () => `10.${randomUUID().replaceAll('-', '').slice(0, 24)}`,
  };
}

describe('LoginThrottle per account', () => {
  it('allows the first 4 failures without a lock, and locks for 30 s at the 5th', async () => {
    const { throttle, email, ip } = world();
    const account = email();
    const address = ip();
    for (let i = 1; i <= 4; i++) {
      await throttle.recordFailure(account, address);
      expect(await throttle.retryAfter(account, address), `after failure ${i}`).toBe(0);
    }
    await throttle.recordFailure(account, address);
    expect(await throttle.retryAfter(account, address)).toBe(30);
    // The lock is the account's, whatever address the next try comes from.
    expect(await throttle.retryAfter(account, ip())).toBe(30);
    // Other accounts are not affected.
    expect(await throttle.retryAfter(email(), address)).toBe(0);
  });

  it('counts down, and lets the owner try again once the lock has passed', async () => {
    const { throttle, email, ip, advance } = world();
    const account = email();
    const address = ip();
    for (let i = 0; i < 5; i++) await throttle.recordFailure(account, address);
    advance(10 * SECOND);
    expect(await throttle.retryAfter(account, address)).toBe(20);
    advance(20 * SECOND - 1);
    expect(await throttle.retryAfter(account, address)).toBe(1);
    advance(1);
    expect(await throttle.retryAfter(account, address)).toBe(0);
  });

  it('doubles the lock with each further failure, capped at 5 minutes', async () => {
    const { throttle, email, ip, advance } = world();
    const account = email();
    const address = ip();
    for (let i = 0; i < 4; i++) await throttle.recordFailure(account, address);
    const locks: number[] = [];
    // Someone who waits out every lock and tries again at once (all within one 15-minute
    // window: 30 + 60 + 120 + 240 + 300 s pass before the last try).
    for (let i = 0; i < 6; i++) {
      await throttle.recordFailure(account, address);
      const wait = await throttle.retryAfter(account, address);
      locks.push(wait);
      advance(wait * SECOND);
      expect(await throttle.retryAfter(account, address)).toBe(0);
    }
    expect(locks).toEqual([30, 60, 120, 240, 300, 300]);
  });

  it('never locks for more than 5 minutes, however many failures', async () => {
    const { throttle, email, ip } = world();
    const account = email();
    for (let i = 0; i < 60; i++) await throttle.recordFailure(account, ip());
    const wait = await throttle.retryAfter(account, ip());
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(300);
  });

  it('forgets the failures after a successful sign-in', async () => {
    const { throttle, email, ip } = world();
    const account = email();
    const address = ip();
    for (let i = 0; i < 4; i++) await throttle.recordFailure(account, address);
    await throttle.recordSuccess(account);
    for (let i = 0; i < 4; i++) await throttle.recordFailure(account, address);
    expect(await throttle.retryAfter(account, address)).toBe(0);
    await throttle.recordFailure(account, address);
    expect(await throttle.retryAfter(account, address)).toBe(30);
  });

  it('lifts a lock on a successful sign-in', async () => {
    const { throttle, email, ip } = world();
    const account = email();
    const address = ip();
    for (let i = 0; i < 5; i++) await throttle.recordFailure(account, address);
    expect(await throttle.retryAfter(account, address)).toBe(30);
    await throttle.recordSuccess(account);
    expect(await throttle.retryAfter(account, address)).toBe(0);
  });

  it('starts counting again once the 15-minute window has passed', async () => {
    const { throttle, email, ip, advance } = world();
    const account = email();
    const address = ip();
    for (let i = 0; i < 4; i++) await throttle.recordFailure(account, address);
    advance(15 * MINUTE + SECOND);
    for (let i = 1; i <= 4; i++) {
      await throttle.recordFailure(account, address);
      expect(await throttle.retryAfter(account, address), `new window, failure ${i}`).toBe(0);
    }
    await throttle.recordFailure(account, address);
    expect(await throttle.retryAfter(account, address)).toBe(30);
  });

  it('keeps counting within the 15-minute window', async () => {
    const { throttle, email, ip, advance } = world();
    const account = email();
    const address = ip();
    for (let i = 0; i < 4; i++) await throttle.recordFailure(account, address);
    advance(15 * MINUTE - SECOND);
    await throttle.recordFailure(account, address);
    expect(await throttle.retryAfter(account, address)).toBe(30);
  });
});

describe('LoginThrottle per address', () => {
  it('locks an address after 30 failures across accounts, but not another address', async () => {
    const { throttle, email, ip, advance } = world();
    const address = ip();
    for (let i = 1; i <= 29; i++) {
      await throttle.recordFailure(email(), address);
      advance(SECOND);
    }
    expect(await throttle.retryAfter(email(), address)).toBe(0);

    await throttle.recordFailure(email(), address);
    const wait = await throttle.retryAfter(email(), address);
    expect(wait).toBeGreaterThan(0);
    // Until the window that began with the first failure ends (15 min; 29 s have passed).
    expect(wait).toBe(15 * 60 - 29);
    expect(await throttle.retryAfter(email(), ip())).toBe(0);

    advance(wait * SECOND);
    expect(await throttle.retryAfter(email(), address)).toBe(0);
  });

  it('does not lock the accounts tried from that address by themselves', async () => {
    const { throttle, email, ip } = world();
    const address = ip();
    const accounts = Array.from({ length: 30 }, () => email());
    for (const account of accounts) await throttle.recordFailure(account, address);
    for (const account of accounts) {
      expect(await throttle.retryAfter(account, ip())).toBe(0);
    }
  });
});
