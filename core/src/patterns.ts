/**
 * Patterns: what a relationship's ruptures and their repair steps show over time
 * (PRODUCT.md, stories 5–6). Pure; one pass over the ruptures and their repair steps, plus
 * one sort of the repair times for the median.
 *
 * Strengths and red flags are observations, never verdicts (UX.md, "Words"): each carries
 * the count it saw and the rule that produced it, in words the client and the therapist can
 * both read. The rules are data (STRENGTH_RULES, RED_FLAG_RULES), and the counting below
 * reads its thresholds from them, so the sentence shown and the rule applied cannot drift.
 *
 * Strengths, shown from a single instance:
 * - owned-mistake: repair steps of kind `therapist-apologized`.
 * - explained-boundary: repair steps of kind `therapist-explained` or `therapist-set-boundary`.
 * - felt-heard: repair steps the client rated "did I feel heard" 3 or more (of 0–4).
 * Red flags, shown only when repeated (2 or more), since one hard moment is not a pattern:
 * - repeated-defensiveness: repair steps the client rated "was my therapist defensive" 3 or more.
 * - not-heard: repair steps the client rated "did I feel heard" 1 or less.
 * - left-unresolved: ruptures marked `unresolved`, and ruptures still `open` (not `repairing`)
 *   with no repair step that occurred more than 30 days before `asOf`.
 *
 * Only what was known at `asOf` counts: ruptures that occurred later, repair steps dated later
 * and repair times later are left out. A rupture's status has no history, so it is taken as
 * recorded.
 */

const DAY = 86_400_000;

export const RUPTURE_KINDS = ['withdrawal', 'confrontation', 'mixed', 'unsure'] as const;
export type RuptureKind = (typeof RUPTURE_KINDS)[number];

export const RUPTURE_STATUSES = ['open', 'repairing', 'repaired', 'unresolved'] as const;
export type RuptureStatus = (typeof RUPTURE_STATUSES)[number];

/** In the order the product lists them; also the tie-break order of `repairKindsBeforeRepair`. */
export const REPAIR_KINDS = [
  'talked-in-session',
  'wrote-it-out',
  'waited-it-out',
  'felt-it-out',
  'therapist-apologized',
  'therapist-explained',
  'therapist-set-boundary',
  'explored-together',
  'other',
] as const;
export type RepairKind = (typeof REPAIR_KINDS)[number];

export type PatternRepair = {
  /** Milliseconds since the epoch. */
  at: number;
  kind: RepairKind;
  by: 'client' | 'therapist';
  /** The client's "did I feel heard", 0–4. */
  feltHeard: number | null;
  /** The client's "was my therapist defensive", 0–4. */
  defensiveness: number | null;
};

export type PatternRupture = {
  id: string;
  kind: RuptureKind | null;
  status: RuptureStatus;
  /** Milliseconds since the epoch. */
  occurredAt: number;
  repairedAt: number | null;
  repairs: readonly PatternRepair[];
};

export type StrengthId = 'owned-mistake' | 'explained-boundary' | 'felt-heard';
export type RedFlagId = 'repeated-defensiveness' | 'not-heard' | 'left-unresolved';
export type ObservationId = StrengthId | RedFlagId;

export type Observation = {
  id: ObservationId;
  /** How many repair steps (or, for `left-unresolved`, ruptures) matched the rule. */
  count: number;
  /** The plain-words "Shown when …" sentence of the rule that produced it. */
  rule: string;
};

/** A bound on one of the client's 0–4 ratings of a repair step, inclusive. */
export type RatingBound = { atLeast: number } | { atMost: number };

/**
 * One rule as data. A rule counts repair steps when it names step criteria (a step matches
 * when it meets all of them), or ruptures when it names rupture criteria (a rupture matches
 * when it meets either).
 */
export type PatternRule<Id extends ObservationId = ObservationId> = {
  id: Id;
  /** Shown when at least this many repair steps or ruptures match. */
  minCount: number;
  /** The plain-words "Shown when …" sentence shown with the observation. */
  rule: string;
  /** Step criterion: its kind is one of these. */
  repairKinds?: readonly RepairKind[];
  /** Step criterion: the client's "did I feel heard" rating is within this bound. */
  feltHeard?: RatingBound;
  /** Step criterion: the client's "was my therapist defensive" rating is within this bound. */
  defensiveness?: RatingBound;
  /** Rupture criterion: its status is one of these. */
  statuses?: readonly RuptureStatus[];
  /** Rupture criterion: still `open`, with no repair step, more than this many days after it occurred. */
  openWithoutRepairDays?: number;
};

const STRENGTH_MIN_COUNT = 1;
const RED_FLAG_MIN_COUNT = 2;
const HEARD_AT_LEAST = 3;
const NOT_HEARD_AT_MOST = 1;
const DEFENSIVE_AT_LEAST = 3;
const OPEN_WITHOUT_REPAIR_DAYS = 30;

/** What went well in repair, shown from one instance, in this order. */
export const STRENGTH_RULES: readonly PatternRule<StrengthId>[] = [
  {
    id: 'owned-mistake',
    minCount: STRENGTH_MIN_COUNT,
    repairKinds: ['therapist-apologized'],
    rule: 'Shown when the therapist apologized in at least one repair step.',
  },
  {
    id: 'explained-boundary',
    minCount: STRENGTH_MIN_COUNT,
    repairKinds: ['therapist-explained', 'therapist-set-boundary'],
    rule: 'Shown when the therapist explained something, or explained a boundary, in at least one repair step.',
  },
  {
    id: 'felt-heard',
    minCount: STRENGTH_MIN_COUNT,
    feltHeard: { atLeast: HEARD_AT_LEAST },
    rule: `Shown when the client felt heard (rated ${HEARD_AT_LEAST} or more, out of 4) after at least one repair step.`,
  },
];

/** Repeated difficulties in repair, shown only from 2 instances, in this order. */
export const RED_FLAG_RULES: readonly PatternRule<RedFlagId>[] = [
  {
    id: 'repeated-defensiveness',
    minCount: RED_FLAG_MIN_COUNT,
    defensiveness: { atLeast: DEFENSIVE_AT_LEAST },
    rule: `Shown when the client rated the therapist as defensive (${DEFENSIVE_AT_LEAST} or more, out of 4) after ${RED_FLAG_MIN_COUNT} or more repair steps.`,
  },
  {
    id: 'not-heard',
    minCount: RED_FLAG_MIN_COUNT,
    feltHeard: { atMost: NOT_HEARD_AT_MOST },
    rule: `Shown when the client did not feel heard (rated ${NOT_HEARD_AT_MOST} or less, out of 4) after ${RED_FLAG_MIN_COUNT} or more repair steps.`,
  },
  {
    id: 'left-unresolved',
    minCount: RED_FLAG_MIN_COUNT,
    statuses: ['unresolved'],
    openWithoutRepairDays: OPEN_WITHOUT_REPAIR_DAYS,
    rule: `Shown when ${RED_FLAG_MIN_COUNT} or more ruptures were marked unresolved, or stayed open for more than ${OPEN_WITHOUT_REPAIR_DAYS} days with no repair step.`,
  },
];

export type Patterns = {
  /** Ruptures that occurred at or before asOf. */
  total: number;
  byKind: Record<RuptureKind | 'unspecified', number>;
  byStatus: Record<RuptureStatus, number>;
  /**
   * Median days from occurredAt to repairedAt over repaired ruptures with a repairedAt at or
   * before asOf, to one decimal; null when there are none.
   */
  medianDaysToRepair: number | null;
  /** How many ruptures the median is over. */
  repairedCount: number;
  /**
   * Repair kinds that appear in ruptures that reached `repaired` (each kind counted once per
   * rupture), most frequent first, ties in REPAIR_KINDS order. Only steps at or before
   * repairedAt count.
   */
  repairKindsBeforeRepair: { kind: RepairKind; ruptures: number }[];
  /** In STRENGTH_RULES order. */
  strengths: Observation[];
  /** In RED_FLAG_RULES order. */
  redFlags: Observation[];
};

const ALL_RULES: readonly PatternRule[] = [...STRENGTH_RULES, ...RED_FLAG_RULES];
const STEP_RULES = ALL_RULES.filter(
  (r) => r.repairKinds !== undefined || r.feltHeard !== undefined || r.defensiveness !== undefined,
);
const RUPTURE_RULES = ALL_RULES.filter(
  (r) => r.statuses !== undefined || r.openWithoutRepairDays !== undefined,
);
const REPAIR_KIND_INDEX = new Map<RepairKind, number>(REPAIR_KINDS.map((k, i) => [k, i]));

function within(rating: number | null, bound: RatingBound): boolean {
  if (rating === null) return false;
  return 'atLeast' in bound ? rating >= bound.atLeast : rating <= bound.atMost;
}

/** Whether a repair step meets every step criterion of `rule`. */
function stepMatches(rule: PatternRule, step: PatternRepair): boolean {
  if (rule.repairKinds && !rule.repairKinds.includes(step.kind)) return false;
  if (rule.feltHeard && !within(step.feltHeard, rule.feltHeard)) return false;
  if (rule.defensiveness && !within(step.defensiveness, rule.defensiveness)) return false;
  return true;
}

/** Whether a rupture meets either rupture criterion of `rule`. */
function ruptureMatches(
  rule: PatternRule,
  rupture: PatternRupture,
  hasStep: boolean,
  asOf: number,
): boolean {
  if (rule.statuses?.includes(rupture.status)) return true;
  return (
    rule.openWithoutRepairDays !== undefined &&
    rupture.status === 'open' &&
    !hasStep &&
    asOf - rupture.occurredAt > rule.openWithoutRepairDays * DAY
  );
}

/** Median of numbers sorted ascending (mean of the two middle ones for an even count). */
function medianOfSorted(sorted: readonly number[]): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const mid = n >> 1;
  return n % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function observations(rules: readonly PatternRule[], counts: Map<ObservationId, number>) {
  const out: Observation[] = [];
  for (const r of rules) {
    const count = counts.get(r.id) ?? 0;
    if (count >= r.minCount) out.push({ id: r.id, count, rule: r.rule });
  }
  return out;
}

/** The patterns panel of a relationship's ruptures and repair steps, as known at `asOf`. */
export function computePatterns(ruptures: readonly PatternRupture[], asOf: number): Patterns {
  const byKind: Patterns['byKind'] = {
    withdrawal: 0,
    confrontation: 0,
    mixed: 0,
    unsure: 0,
    unspecified: 0,
  };
  const byStatus: Patterns['byStatus'] = { open: 0, repairing: 0, repaired: 0, unresolved: 0 };
  const counts = new Map<ObservationId, number>(ALL_RULES.map((r) => [r.id, 0]));
  const bump = (id: ObservationId) => counts.set(id, (counts.get(id) ?? 0) + 1);
  const kindRuptures = REPAIR_KINDS.map(() => 0);
  const durations: number[] = [];
  let total = 0;

  for (const r of ruptures) {
    if (r.occurredAt > asOf) continue;
    total++;
    byKind[r.kind ?? 'unspecified']++;
    byStatus[r.status]++;
    const repaired = r.status === 'repaired';
    // A repair time after asOf was not known yet.
    const repairedAt = r.repairedAt !== null && r.repairedAt <= asOf ? r.repairedAt : null;
    const stepsUntil = repairedAt ?? asOf;
    let hasStep = false;
    let seenKinds = 0; // bit i: REPAIR_KINDS[i] appeared before the repair
    for (const step of r.repairs) {
      if (step.at > asOf) continue;
      hasStep = true;
      for (const rule of STEP_RULES) if (stepMatches(rule, step)) bump(rule.id);
      const kindIndex = REPAIR_KIND_INDEX.get(step.kind);
      if (repaired && step.at <= stepsUntil && kindIndex !== undefined) seenKinds |= 1 << kindIndex;
    }
    for (const rule of RUPTURE_RULES) if (ruptureMatches(rule, r, hasStep, asOf)) bump(rule.id);
    for (let i = 0; seenKinds !== 0; i++, seenKinds >>>= 1) {
      if (seenKinds & 1) kindRuptures[i] = (kindRuptures[i] as number) + 1;
    }
    // A repair recorded before the rupture is taken as immediate.
    if (repaired && repairedAt !== null) durations.push(Math.max(0, repairedAt - r.occurredAt));
  }

  const medianMs = medianOfSorted(durations.sort((a, b) => a - b));
  return {
    total,
    byKind,
    byStatus,
    medianDaysToRepair: medianMs === null ? null : Math.round((medianMs / DAY) * 10) / 10,
    repairedCount: durations.length,
    repairKindsBeforeRepair: REPAIR_KINDS.map((kind, i) => ({
      kind,
      ruptures: kindRuptures[i] as number,
    }))
      .filter((k) => k.ruptures > 0)
      // Array sort is stable, so ties keep REPAIR_KINDS order.
      .sort((a, b) => b.ruptures - a.ruptures),
    strengths: observations(STRENGTH_RULES, counts),
    redFlags: observations(RED_FLAG_RULES, counts),
  };
}
