import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computePatterns,
  type PatternRepair,
  type PatternRupture,
  type Patterns,
  RED_FLAG_RULES,
  REPAIR_KINDS,
  RUPTURE_KINDS,
  RUPTURE_STATUSES,
  STRENGTH_RULES,
} from './patterns.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 5, 10);
const AS_OF = T0 + 100 * DAY;

let next = 0;
function rupture(over: Partial<PatternRupture> = {}): PatternRupture {
  return {
    id: `r${next++}`,
    kind: null,
    status: 'repairing',
    occurredAt: T0,
    repairedAt: null,
    repairs: [],
    ...over,
  };
}

function step(over: Partial<PatternRepair> = {}): PatternRepair {
  return {
    at: T0 + DAY,
    kind: 'talked-in-session',
    by: 'client',
    feltHeard: null,
    defensiveness: null,
    ...over,
  };
}

/** The shown observations as `id:count`, strengths then red flags. */
function shown(ruptures: PatternRupture[], asOf = AS_OF): string[] {
  const p = computePatterns(ruptures, asOf);
  return [...p.strengths, ...p.redFlags].map((o) => `${o.id}:${o.count}`);
}

/** One rupture holding the given steps. */
const withSteps = (...steps: Partial<PatternRepair>[]) => [
  rupture({ repairs: steps.map((s) => step(s)) }),
];

describe('empty input', () => {
  it('counts nothing and shows nothing', () => {
    expect(computePatterns([], AS_OF)).toEqual({
      total: 0,
      byKind: { withdrawal: 0, confrontation: 0, mixed: 0, unsure: 0, unspecified: 0 },
      byStatus: { open: 0, repairing: 0, repaired: 0, unresolved: 0 },
      medianDaysToRepair: null,
      repairedCount: 0,
      repairKindsBeforeRepair: [],
      strengths: [],
      redFlags: [],
    } satisfies Patterns);
  });
});

describe('counts by kind and status', () => {
  it('counts each rupture once, a missing kind as unspecified', () => {
    const p = computePatterns(
      [
        rupture({ kind: 'withdrawal', status: 'open' }),
        rupture({ kind: 'withdrawal', status: 'repaired' }),
        rupture({ kind: 'confrontation', status: 'unresolved' }),
        rupture({ kind: null, status: 'repairing' }),
        rupture({ kind: 'unsure', status: 'repairing' }),
      ],
      AS_OF,
    );
    expect(p.total).toBe(5);
    expect(p.byKind).toEqual({
      withdrawal: 2,
      confrontation: 1,
      mixed: 0,
      unsure: 1,
      unspecified: 1,
    });
    expect(p.byStatus).toEqual({ open: 1, repairing: 2, repaired: 1, unresolved: 1 });
  });
});

describe('strengths', () => {
  it('owned-mistake: from one apology, counting apology steps only', () => {
    expect(shown(withSteps({ kind: 'talked-in-session' }))).toEqual([]);
    expect(shown(withSteps({ kind: 'therapist-apologized', by: 'therapist' }))).toEqual([
      'owned-mistake:1',
    ]);
    expect(
      shown([
        ...withSteps({ kind: 'therapist-apologized' }, { kind: 'therapist-explained' }),
        ...withSteps({ kind: 'therapist-apologized' }),
      ]),
    ).toEqual(['owned-mistake:2', 'explained-boundary:1']);
  });

  it('explained-boundary: explaining and setting a boundary count together', () => {
    expect(
      shown(withSteps({ kind: 'therapist-explained' }, { kind: 'therapist-set-boundary' })),
    ).toEqual(['explained-boundary:2']);
    expect(shown(withSteps({ kind: 'explored-together' }, { kind: 'other' }))).toEqual([]);
  });

  it('felt-heard: from a rating of 3, not 2', () => {
    expect(shown(withSteps({ feltHeard: 2 }))).toEqual([]);
    expect(shown(withSteps({ feltHeard: 3 }))).toEqual(['felt-heard:1']);
    expect(shown(withSteps({ feltHeard: 4 }, { feltHeard: 3 }))).toEqual(['felt-heard:2']);
    expect(shown(withSteps({ feltHeard: null }))).toEqual([]);
  });

  it('carries the rule that produced it', () => {
    const [owned] = computePatterns(withSteps({ kind: 'therapist-apologized' }), AS_OF).strengths;
    expect(owned).toEqual({
      id: 'owned-mistake',
      count: 1,
      rule: 'Shown when the therapist apologized in at least one repair step.',
    });
  });
});

describe('red flags', () => {
  it('repeated-defensiveness: needs 2 steps rated 3 or more', () => {
    expect(shown(withSteps({ defensiveness: 3 }))).toEqual([]);
    expect(shown(withSteps({ defensiveness: 3 }, { defensiveness: 3 }))).toEqual([
      'repeated-defensiveness:2',
    ]);
    expect(shown(withSteps({ defensiveness: 2 }, { defensiveness: 3 }))).toEqual([]);
    expect(shown(withSteps({ defensiveness: 4 }, { defensiveness: null }))).toEqual([]);
    // Steps of different ruptures add up.
    expect(shown([...withSteps({ defensiveness: 4 }), ...withSteps({ defensiveness: 3 })])).toEqual(
      ['repeated-defensiveness:2'],
    );
  });

  it('not-heard: needs 2 steps rated 1 or less', () => {
    expect(shown(withSteps({ feltHeard: 1 }))).toEqual([]);
    expect(shown(withSteps({ feltHeard: 1 }, { feltHeard: 0 }))).toEqual(['not-heard:2']);
    expect(shown(withSteps({ feltHeard: 1 }, { feltHeard: 2 }))).toEqual([]);
    expect(shown(withSteps({ feltHeard: 0 }, { feltHeard: null }))).toEqual([]);
  });

  it('a felt-heard rating of 2 is neither a strength nor a red flag', () => {
    expect(shown(withSteps({ feltHeard: 2 }, { feltHeard: 2 }, { feltHeard: 2 }))).toEqual([]);
  });

  describe('left-unresolved', () => {
    const open = (occurredAt: number, repairs: PatternRepair[] = []) =>
      rupture({ status: 'open', occurredAt, repairs });

    it('needs 2 ruptures marked unresolved', () => {
      expect(shown([rupture({ status: 'unresolved' })])).toEqual([]);
      expect(shown([rupture({ status: 'unresolved' }), rupture({ status: 'unresolved' })])).toEqual(
        ['left-unresolved:2'],
      );
    });

    it('counts an open rupture from 30 days and 1 ms without a repair step, not exactly 30', () => {
      const at30 = AS_OF - 30 * DAY;
      expect(shown([open(at30), open(at30)])).toEqual([]);
      expect(shown([open(at30 - 1), open(at30 - 1)])).toEqual(['left-unresolved:2']);
      expect(shown([open(at30 - 1), open(at30)])).toEqual([]);
      expect(shown([open(at30 - 1), rupture({ status: 'unresolved' })])).toEqual([
        'left-unresolved:2',
      ]);
    });

    it('does not count an open rupture with a repair step, or one being repaired', () => {
      const old = AS_OF - 90 * DAY;
      expect(shown([open(old, [step({ at: old + DAY })]), open(old)])).toEqual([]);
      expect(shown([rupture({ status: 'repairing', occurredAt: old }), open(old)])).toEqual([]);
    });

    it('ignores a repair step dated after asOf', () => {
      const old = AS_OF - 90 * DAY;
      expect(shown([open(old, [step({ at: AS_OF + 1 })]), open(old)])).toEqual([
        'left-unresolved:2',
      ]);
      expect(shown([open(old, [step({ at: AS_OF })]), open(old)])).toEqual([]);
    });
  });

  it('are shown in rule order with their rules, whatever the input order', () => {
    const ruptures = [
      rupture({ status: 'unresolved' }),
      ...withSteps({ feltHeard: 0 }, { feltHeard: 1, defensiveness: 4 }),
      rupture({ status: 'unresolved', repairs: [step({ defensiveness: 3 })] }),
    ];
    for (const rs of [ruptures, [...ruptures].reverse()]) {
      expect(computePatterns(rs, AS_OF).redFlags).toEqual([
        { id: 'repeated-defensiveness', count: 2, rule: RED_FLAG_RULES[0]?.rule },
        { id: 'not-heard', count: 2, rule: RED_FLAG_RULES[1]?.rule },
        { id: 'left-unresolved', count: 2, rule: RED_FLAG_RULES[2]?.rule },
      ]);
    }
  });
});

describe('the rules as data', () => {
  it('lists the strengths and red flags in order, with their thresholds', () => {
    expect(STRENGTH_RULES.map((r) => [r.id, r.minCount])).toEqual([
      ['owned-mistake', 1],
      ['explained-boundary', 1],
      ['felt-heard', 1],
    ]);
    expect(RED_FLAG_RULES.map((r) => [r.id, r.minCount])).toEqual([
      ['repeated-defensiveness', 2],
      ['not-heard', 2],
      ['left-unresolved', 2],
    ]);
  });

  it('words every rule as an observation, in plain words', () => {
    for (const r of [...STRENGTH_RULES, ...RED_FLAG_RULES]) {
      expect(r.rule).toMatch(/^Shown when .*\.$/s);
      expect(r.rule).not.toMatch(/alert|warning|risk|failure|negative|bad|!/i);
    }
    expect(STRENGTH_RULES.map((r) => r.rule)).toEqual([
      'Shown when the therapist apologized in at least one repair step.',
      'Shown when the therapist explained something, or explained a boundary, in at least one repair step.',
      'Shown when the client felt heard (rated 3 or more, out of 4) after at least one repair step.',
    ]);
    expect(RED_FLAG_RULES.map((r) => r.rule)).toEqual([
      'Shown when the client rated the therapist as defensive (3 or more, out of 4) after 2 or more repair steps.',
      'Shown when the client did not feel heard (rated 1 or less, out of 4) after 2 or more repair steps.',
      'Shown when 2 or more ruptures were marked unresolved, or stayed open for more than 30 days with no repair step.',
    ]);
  });
});

describe('time to repair', () => {
  const repaired = (days: number, over: Partial<PatternRupture> = {}) =>
    rupture({ status: 'repaired', occurredAt: T0, repairedAt: T0 + days * DAY, ...over });

  it('is the middle value for an odd count', () => {
    const p = computePatterns([repaired(10), repaired(1), repaired(3)], AS_OF);
    expect(p.medianDaysToRepair).toBe(3);
    expect(p.repairedCount).toBe(3);
  });

  it('is the mean of the two middle values for an even count', () => {
    expect(
      computePatterns([repaired(1), repaired(2), repaired(4), repaired(10)], AS_OF)
        .medianDaysToRepair,
    ).toBe(3);
    expect(computePatterns([repaired(1), repaired(2)], AS_OF).medianDaysToRepair).toBe(1.5);
  });

  it('rounds to one decimal', () => {
    expect(computePatterns([repaired(1 / 3)], AS_OF).medianDaysToRepair).toBe(0.3);
    expect(computePatterns([repaired(1.25)], AS_OF).medianDaysToRepair).toBe(1.3);
    expect(computePatterns([repaired(2.04)], AS_OF).medianDaysToRepair).toBe(2);
  });

  it('only counts ruptures marked repaired with a repair time known at asOf', () => {
    const p = computePatterns(
      [
        repaired(2),
        repaired(5, { repairedAt: null }),
        repaired(7, { status: 'repairing' }),
        repaired(101), // repaired after asOf: not known yet
      ],
      AS_OF,
    );
    expect(p.medianDaysToRepair).toBe(2);
    expect(p.repairedCount).toBe(1);
    expect(p.byStatus.repaired).toBe(3);
    expect(computePatterns([repaired(100)], AS_OF).medianDaysToRepair).toBe(100);
  });

  it('is null when nothing was repaired, and 0 for a repair recorded before the rupture', () => {
    expect(computePatterns([rupture()], AS_OF).medianDaysToRepair).toBeNull();
    expect(computePatterns([repaired(-1)], AS_OF).medianDaysToRepair).toBe(0);
  });
});

describe('repairKindsBeforeRepair', () => {
  const repaired = (repairedDay: number, kinds: [PatternRepair['kind'], number][]) =>
    rupture({
      status: 'repaired',
      repairedAt: T0 + repairedDay * DAY,
      repairs: kinds.map(([kind, day]) => step({ kind, at: T0 + day * DAY })),
    });

  it('counts each kind once per rupture, most frequent first', () => {
    const p = computePatterns(
      [
        repaired(10, [
          ['talked-in-session', 1],
          ['talked-in-session', 2],
          ['therapist-apologized', 3],
        ]),
        repaired(10, [['therapist-apologized', 1]]),
      ],
      AS_OF,
    );
    expect(p.repairKindsBeforeRepair).toEqual([
      { kind: 'therapist-apologized', ruptures: 2 },
      { kind: 'talked-in-session', ruptures: 1 },
    ]);
  });

  it('breaks ties in REPAIR_KINDS order', () => {
    const p = computePatterns(
      [
        repaired(10, [
          ['other', 1],
          ['therapist-explained', 2],
          ['talked-in-session', 3],
        ]),
      ],
      AS_OF,
    );
    expect(p.repairKindsBeforeRepair.map((k) => k.kind)).toEqual([
      'talked-in-session',
      'therapist-explained',
      'other',
    ]);
  });

  it('counts steps up to and at repairedAt, not after', () => {
    const p = computePatterns(
      [
        repaired(5, [
          ['wrote-it-out', 5],
          ['explored-together', 6],
        ]),
      ],
      AS_OF,
    );
    expect(p.repairKindsBeforeRepair).toEqual([{ kind: 'wrote-it-out', ruptures: 1 }]);
  });

  it('ignores ruptures not repaired, and steps after asOf when the repair time is unknown', () => {
    const notRepaired = (status: PatternRupture['status']) =>
      rupture({ status, repairs: [step({ kind: 'felt-it-out' })] });
    expect(
      computePatterns(
        [notRepaired('open'), notRepaired('repairing'), notRepaired('unresolved')],
        AS_OF,
      ).repairKindsBeforeRepair,
    ).toEqual([]);
    const unknownTime = rupture({
      status: 'repaired',
      repairedAt: null,
      repairs: [step({ kind: 'waited-it-out', at: AS_OF }), step({ kind: 'other', at: AS_OF + 1 })],
    });
    expect(computePatterns([unknownTime], AS_OF).repairKindsBeforeRepair).toEqual([
      { kind: 'waited-it-out', ruptures: 1 },
    ]);
  });
});

describe('asOf', () => {
  it('counts a rupture that occurred at asOf, not one after', () => {
    const p = computePatterns(
      [
        rupture({ occurredAt: AS_OF, kind: 'mixed' }),
        rupture({
          occurredAt: AS_OF + 1,
          kind: 'mixed',
          repairs: [step({ at: AS_OF + 1, kind: 'therapist-apologized' })],
        }),
      ],
      AS_OF,
    );
    expect(p.total).toBe(1);
    expect(p.byKind.mixed).toBe(1);
    expect(p.strengths).toEqual([]);
  });

  it('counts a repair step at asOf, not one after', () => {
    expect(
      shown(withSteps({ at: AS_OF, defensiveness: 3 }, { at: AS_OF + 1, defensiveness: 3 })),
    ).toEqual([]);
    expect(
      shown(withSteps({ at: AS_OF, defensiveness: 3 }, { at: AS_OF, defensiveness: 3 })),
    ).toEqual(['repeated-defensiveness:2']);
  });
});

describe('scale', () => {
  it('handles 100 000 ruptures in linear time', () => {
    const ruptures = Array.from({ length: 100_000 }, (_, i) =>
      rupture({
        status: RUPTURE_STATUSES[i % 4]!,
        kind: i % 5 === 0 ? null : RUPTURE_KINDS[i % 4]!,
        occurredAt: T0 + (i % 90) * DAY,
        repairedAt: T0 + ((i % 90) + (i % 7)) * DAY,
        repairs: [
          step({ kind: REPAIR_KINDS[i % 9]!, feltHeard: i % 5, defensiveness: (i >> 1) % 5 }),
          step({ kind: REPAIR_KINDS[(i + 4) % 9]!, at: T0 + (i % 90) * DAY }),
        ],
      }),
    );
    const started = performance.now();
    const p = computePatterns(ruptures, AS_OF);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(p.total).toBe(100_000);
  });
});

describe('properties', () => {
  const repairArb = fc
    .record({
      day: fc.integer({ min: 0, max: 120 }),
      kind: fc.constantFrom(...REPAIR_KINDS),
      by: fc.constantFrom('client' as const, 'therapist' as const),
      feltHeard: fc.option(fc.integer({ min: 0, max: 4 })),
      defensiveness: fc.option(fc.integer({ min: 0, max: 4 })),
    })
    .map(({ day, ...rest }): PatternRepair => ({ at: T0 + day * DAY, ...rest }));
  const ruptureArb = fc
    .record({
      kind: fc.option(fc.constantFrom(...RUPTURE_KINDS)),
      status: fc.constantFrom(...RUPTURE_STATUSES),
      day: fc.integer({ min: 0, max: 120 }),
      repairedDay: fc.option(fc.integer({ min: 0, max: 130 })),
      repairs: fc.array(repairArb, { maxLength: 5 }),
    })
    .map(
      ({ day, repairedDay, ...rest }): PatternRupture => ({
        id: '',
        occurredAt: T0 + day * DAY,
        repairedAt: repairedDay === null ? null : T0 + repairedDay * DAY,
        ...rest,
      }),
    );
  const worldArb = fc
    .array(ruptureArb, { maxLength: 30 })
    .map((rs) => rs.map((r, i) => ({ ...r, id: `r${i}` })));
  const asOfArb = fc.integer({ min: 0, max: 130 }).map((d) => T0 + d * DAY);
  const shuffled = <T>(xs: readonly T[]) =>
    fc.shuffledSubarray([...xs], { minLength: xs.length, maxLength: xs.length });

  it('does not depend on the order of ruptures or of their repair steps', () => {
    const reordered = worldArb.chain((rs) =>
      fc.tuple(
        fc.constant(rs),
        shuffled(rs).chain((order) =>
          fc.tuple(...order.map((r) => shuffled(r.repairs).map((repairs) => ({ ...r, repairs })))),
        ),
      ),
    );
    fc.assert(
      fc.property(reordered, asOfArb, ([given, other], asOf) => {
        expect(computePatterns(other, asOf)).toEqual(computePatterns(given, asOf));
      }),
    );
  });

  it('never depends on data after asOf', () => {
    fc.assert(
      fc.property(worldArb, asOfArb, (rs, asOf) => {
        const known = rs
          .filter((r) => r.occurredAt <= asOf)
          .map((r) => ({
            ...r,
            repairedAt: r.repairedAt !== null && r.repairedAt > asOf ? null : r.repairedAt,
            repairs: r.repairs.filter((s) => s.at <= asOf),
          }));
        expect(computePatterns(rs, asOf)).toEqual(computePatterns(known, asOf));
      }),
    );
  });

  it('adding a rupture never lowers any count', () => {
    fc.assert(
      fc.property(worldArb, ruptureArb, asOfArb, (rs, extra, asOf) => {
        const before = computePatterns(rs, asOf);
        const after = computePatterns([...rs, { ...extra, id: 'new' }], asOf);
        expect(after.total).toBeGreaterThanOrEqual(before.total);
        for (const k of [...RUPTURE_KINDS, 'unspecified'] as const) {
          expect(after.byKind[k]).toBeGreaterThanOrEqual(before.byKind[k]);
        }
        for (const s of RUPTURE_STATUSES) {
          expect(after.byStatus[s]).toBeGreaterThanOrEqual(before.byStatus[s]);
        }
        const afterCounts = new Map(
          [...after.strengths, ...after.redFlags].map((o) => [o.id, o.count]),
        );
        for (const o of [...before.strengths, ...before.redFlags]) {
          expect(afterCounts.get(o.id)).toBeGreaterThanOrEqual(o.count);
        }
      }),
    );
  });

  it('total is the sum by status and the sum by kind', () => {
    fc.assert(
      fc.property(worldArb, asOfArb, (rs, asOf) => {
        const p = computePatterns(rs, asOf);
        const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
        expect(sum(p.byStatus)).toBe(p.total);
        expect(sum(p.byKind)).toBe(p.total);
        expect(p.repairedCount).toBeLessThanOrEqual(p.byStatus.repaired);
        for (const k of p.repairKindsBeforeRepair) {
          expect(k.ruptures).toBeLessThanOrEqual(p.byStatus.repaired);
        }
      }),
    );
  });
});
