import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  baselineOf,
  computeMarkers,
  type MarkerCheckin,
  type MarkerInput,
  type MarkerMessage,
} from './markers.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 5, 10);
const client = { role: 'client', clientName: 'Robin' } as const;
const therapist = { role: 'therapist', clientName: 'Robin' } as const;

/** Weekly client check-ins with the given scores (tension 0 unless given). */
function weekly(scores: number[], extra: Partial<MarkerCheckin>[] = []): MarkerCheckin[] {
  return scores.map((score, i) => ({
    appointmentId: `a${i}`,
    startsAt: T0 + i * 7 * DAY,
    createdAt: T0 + i * 7 * DAY + 3_600_000,
    respondent: 'client',
    score,
    tension: 0,
    resolved: null,
    ...extra[i],
  }));
}

const input = (checkins: MarkerCheckin[], more: Partial<MarkerInput> = {}): MarkerInput => ({
  asOf: T0 + 1000 * DAY,
  sensitivity: 'standard',
  viewer: client,
  checkins,
  ...more,
});

const kinds = (i: MarkerInput) =>
  computeMarkers(i).map((m) => `${m.kind}@${m.appointmentId ?? m.messageId}:${m.severity}`);

describe('baselineOf', () => {
  it('is the mean with the sample SD, floored at 2', () => {
    expect(baselineOf([30, 30, 30], 0, 3)).toEqual({ mean: 30, spread: 2 });
    const { mean, spread } = baselineOf([20, 30, 40], 0, 3);
    expect(mean).toBe(30);
    expect(spread).toBeCloseTo(10);
  });
});

describe('drop', () => {
  it('needs at least 3 earlier check-ins', () => {
    expect(kinds(input(weekly([33, 33, 10])))).toEqual([]);
    expect(kinds(input(weekly([33, 33, 33, 10])))).toEqual(['drop@a3:warn']);
  });

  it('fires exactly at baseline − 2 × spread, not one point above', () => {
    // baseline 33, spread floored to 2 → threshold 29.
    expect(kinds(input(weekly([33, 33, 33, 29])))).toEqual(['drop@a3:warn']);
    expect(kinds(input(weekly([33, 33, 33, 30])))).toEqual([]);
  });

  it('uses the sample SD when it is above the floor', () => {
    // 28, 33, 38: mean 33, sd 5 → threshold 23.
    expect(kinds(input(weekly([28, 33, 38, 23])))).toEqual(['drop@a3:warn']);
    expect(kinds(input(weekly([28, 33, 38, 24])))).toEqual([]);
  });

  it('uses only the 5 most recent earlier scores', () => {
    // Old low scores fall out of the window: baseline of the last five 35s is 35 → threshold 31.
    expect(kinds(input(weekly([10, 10, 35, 35, 35, 35, 35, 31])))).toEqual(['drop@a7:warn']);
    // With a 6-score window the 10 would widen the spread and hide it; 5 it is.
  });

  it('uses k = 1 for a sensitive relationship', () => {
    expect(kinds(input(weekly([33, 33, 33, 31]), { sensitivity: 'sensitive' }))).toEqual([
      'drop@a3:warn',
    ]);
    expect(kinds(input(weekly([33, 33, 33, 31])))).toEqual([]);
  });

  it('is an alert when the same check-in has tension 3 or more', () => {
    const checkins = weekly([33, 33, 33, 20], [{}, {}, {}, { tension: 3, resolved: 3 }]);
    expect(kinds(input(checkins))).toEqual(['drop@a3:alert']);
  });

  it('orders by appointment start, not by the order given', () => {
    const checkins = weekly([33, 33, 33, 20]).reverse();
    expect(kinds(input(checkins))).toEqual(['drop@a3:warn']);
  });

  it("explains itself in the viewer's words", () => {
    const [forClient] = computeMarkers(input(weekly([33, 33, 33, 24])));
    expect(forClient?.explanation).toMatch(/Your check-in score \(24\).*about 33/);
    const [forTherapist] = computeMarkers(input(weekly([33, 33, 33, 24]), { viewer: therapist }));
    expect(forTherapist?.explanation).toMatch(/Robin's check-in score: 24, usually about 33/);
  });
});

describe('tension', () => {
  const one = (tension: number, resolved: number | null) =>
    kinds(input(weekly([30], [{ tension, resolved }])));
  it('fires from tension 2 when not fully eased', () => {
    expect(one(1, 0)).toEqual([]);
    expect(one(2, null)).toEqual(['tension@a0:warn']);
    expect(one(2, 1)).toEqual(['tension@a0:warn']);
    expect(one(2, 2)).toEqual([]);
    expect(one(3, 4)).toEqual([]);
  });
  it('is an alert at tension 3+ with resolved ≤ 1, a missing resolved counting as 0', () => {
    expect(one(3, 1)).toEqual(['tension@a0:alert']);
    expect(one(3, null)).toEqual(['tension@a0:alert']);
    expect(one(3, 2)).toEqual(['tension@a0:warn']);
    expect(one(4, 0)).toEqual(['tension@a0:alert']);
  });
});

describe('unnoticed', () => {
  it('fires when the client reports tension 2+ and the therapist 0 for the same appointment', () => {
    const [c] = weekly([30], [{ tension: 2, resolved: 2 }]);
    const t = { ...c!, respondent: 'therapist' as const, tension: 0 };
    expect(kinds(input([c!, t]))).toEqual(['unnoticed@a0:warn']);
    expect(kinds(input([c!, { ...t, tension: 1 }]))).toEqual([]);
    expect(kinds(input([c!]))).toEqual([]);
  });
});

describe('overdue-reply', () => {
  const message = (over: Partial<MarkerMessage> = {}): MarkerMessage => ({
    id: 'm1',
    senderRole: 'client',
    sentAt: T0,
    replyDueAt: T0 + 2 * DAY,
    acknowledgedAt: null,
    repliedAt: null,
    ...over,
  });
  const at = (asOf: number, m: MarkerMessage) => kinds(input([], { asOf, messages: [m] }));
  it('fires once the due time has passed without acknowledgment or reply', () => {
    expect(at(T0 + DAY, message())).toEqual([]);
    expect(at(T0 + 2 * DAY, message())).toEqual(['overdue-reply@m1:warn']);
    expect(computeMarkers(input([], { asOf: T0 + 3 * DAY, messages: [message()] }))[0]?.at).toBe(
      T0 + 2 * DAY,
    );
  });
  it("does not fire when acknowledged or replied in time, or for the therapist's messages", () => {
    expect(at(T0 + 3 * DAY, message({ acknowledgedAt: T0 + DAY }))).toEqual([]);
    expect(at(T0 + 3 * DAY, message({ repliedAt: T0 + 2 * DAY }))).toEqual([]);
    expect(at(T0 + 3 * DAY, message({ repliedAt: T0 + 2.5 * DAY }))).toEqual([
      'overdue-reply@m1:warn',
    ]);
    expect(at(T0 + 3 * DAY, message({ senderRole: 'therapist' }))).toEqual([]);
    expect(at(T0 + 3 * DAY, message({ replyDueAt: null }))).toEqual([]);
  });
});

describe('gap', () => {
  const appt = (id: string, day: number, status: 'held' | 'scheduled' | 'cancelled' = 'held') => ({
    id,
    startsAt: T0 + day * DAY,
    status,
  });
  it('fires past 2f days between held or scheduled appointments, at the moment it passed 2f', () => {
    const appointments = [appt('a', 0), appt('b', 7), appt('c', 21, 'cancelled'), appt('d', 22)];
    const markers = computeMarkers(
      input([], { asOf: T0 + 23 * DAY, appointments, sessionFrequencyDays: 7 }),
    );
    expect(markers.map((m) => [m.kind, m.appointmentId, m.at])).toEqual([
      ['gap', 'b', T0 + 21 * DAY],
    ]);
  });
  it('counts the time since the last appointment until asOf, and nothing without a frequency', () => {
    const appointments = [appt('a', 0)];
    expect(
      kinds(input([], { asOf: T0 + 14 * DAY, appointments, sessionFrequencyDays: 7 })),
    ).toEqual([]);
    expect(
      kinds(input([], { asOf: T0 + 15 * DAY, appointments, sessionFrequencyDays: 7 })),
    ).toEqual(['gap@a:info']);
    expect(kinds(input([], { asOf: T0 + 99 * DAY, appointments }))).toEqual([]);
  });
});

describe('properties', () => {
  const checkinArb = fc.record({
    day: fc.integer({ min: 0, max: 400 }),
    lag: fc.integer({ min: 0, max: 10 }),
    respondent: fc.constantFrom('client' as const, 'therapist' as const),
    score: fc.integer({ min: 0, max: 40 }),
    tension: fc.integer({ min: 0, max: 4 }),
    resolved: fc.option(fc.integer({ min: 0, max: 4 })),
  });
  const series = fc.array(checkinArb, { maxLength: 40 }).map((rows) =>
    rows.map(
      (r, i): MarkerCheckin => ({
        appointmentId: `a${r.day}`,
        startsAt: T0 + r.day * DAY + i, // distinct starts keep the order well defined
        createdAt: T0 + (r.day + r.lag) * DAY + i,
        respondent: r.respondent,
        score: r.score,
        tension: r.tension,
        resolved: r.tension === 0 ? null : r.resolved,
      }),
    ),
  );

  it('never depends on data after asOf', () => {
    fc.assert(
      fc.property(
        series,
        fc.integer({ min: 0, max: 420 }),
        fc.boolean(),
        (checkins, day, sensitive) => {
          const asOf = T0 + day * DAY;
          const known = checkins.filter((c) => c.startsAt <= asOf && c.createdAt <= asOf);
          const sensitivity = sensitive ? 'sensitive' : 'standard';
          expect(computeMarkers(input(checkins, { asOf, sensitivity }))).toEqual(
            computeMarkers(input(known, { asOf, sensitivity })),
          );
        },
      ),
    );
  });

  it('adding a later check-in never changes the markers before it', () => {
    fc.assert(
      fc.property(series, checkinArb, (checkins, extra) => {
        const last = Math.max(T0, ...checkins.map((c) => c.startsAt));
        const added: MarkerCheckin = {
          appointmentId: 'new',
          startsAt: last + DAY,
          createdAt: last + DAY,
          respondent: extra.respondent,
          score: extra.score,
          tension: extra.tension,
          resolved: extra.tension === 0 ? null : extra.resolved,
        };
        const before = computeMarkers(input(checkins));
        const after = computeMarkers(input([...checkins, added])).filter(
          (m) => m.at < added.startsAt,
        );
        expect(after).toEqual(before);
      }),
    );
  });

  it('does not depend on the order the check-ins are given in', () => {
    fc.assert(
      fc.property(series, (checkins) => {
        expect(computeMarkers(input([...checkins].reverse()))).toEqual(
          computeMarkers(input(checkins)),
        );
      }),
    );
  });

  it('a sensitive relationship sees every drop a standard one sees', () => {
    fc.assert(
      fc.property(series, (checkins) => {
        const drops = (s: 'standard' | 'sensitive') =>
          computeMarkers(input(checkins, { sensitivity: s }))
            .filter((m) => m.kind === 'drop')
            .map((m) => m.appointmentId);
        const sensitive = new Set(drops('sensitive'));
        for (const id of drops('standard')) expect(sensitive.has(id)).toBe(true);
      }),
    );
  });
});
