import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allianceScore, isValidCheckin, normalizeResolved, SCORE_MAX } from './checkin.ts';

const item = fc.integer({ min: 0, max: 10 });
const answers = fc.record({ bond: item, goals: item, method: item, overall: item });

describe('allianceScore', () => {
  it('sums the four items', () => {
    expect(allianceScore({ bond: 7, goals: 8, method: 6, overall: 9 })).toBe(30);
    expect(allianceScore({ bond: 0, goals: 0, method: 0, overall: 0 })).toBe(0);
    expect(allianceScore({ bond: 10, goals: 10, method: 10, overall: 10 })).toBe(SCORE_MAX);
  });

  it('stays within 0–40 and grows with every item', () => {
    fc.assert(
      fc.property(
        answers,
        fc.constantFrom('bond', 'goals', 'method', 'overall' as const),
        (a, key) => {
          const score = allianceScore(a);
          expect(score).toBeGreaterThanOrEqual(0);
          expect(score).toBeLessThanOrEqual(40);
          if (a[key] < 10) expect(allianceScore({ ...a, [key]: a[key] + 1 })).toBe(score + 1);
        },
      ),
    );
  });
});

describe('normalizeResolved', () => {
  it('is null without tension, and keeps the answer with tension', () => {
    expect(normalizeResolved(0, 3)).toBeNull();
    expect(normalizeResolved(2, 3)).toBe(3);
    expect(normalizeResolved(2, undefined)).toBeNull();
  });
});

describe('isValidCheckin', () => {
  const base = { bond: 5, goals: 5, method: 5, overall: 5, tension: 0, resolved: null };
  it('accepts answers within their scales', () => {
    expect(isValidCheckin(base)).toBe(true);
    expect(isValidCheckin({ ...base, tension: 4, resolved: 4 })).toBe(true);
  });
  it.each([
    { bond: 11 },
    { goals: -1 },
    { method: 2.5 },
    { tension: 5 },
    { tension: 2, resolved: 5 },
  ])('refuses %o', (change) => {
    expect(isValidCheckin({ ...base, ...change })).toBe(false);
  });
});
