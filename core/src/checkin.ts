/**
 * Attune's own post-session check-in (not a validated clinical instrument; see PRODUCT.md).
 * Four 0–10 alliance items, a 0–4 tension question and, when there was tension, how much it eased.
 */

export const ALLIANCE_ITEMS = ['bond', 'goals', 'method', 'overall'] as const;
export type AllianceItem = (typeof ALLIANCE_ITEMS)[number];

export const ITEM_MAX = 10;
export const TENSION_MAX = 4;
export const SCORE_MAX = ALLIANCE_ITEMS.length * ITEM_MAX;

export type CheckinAnswers = Record<AllianceItem, number> & {
  tension: number;
  resolved: number | null;
};

/** The alliance score: the sum of the four items, 0–40. */
export function allianceScore(answers: Record<AllianceItem, number>): number {
  return answers.bond + answers.goals + answers.method + answers.overall;
}

/** `resolved` only means something when there was tension; otherwise it is null. */
export function normalizeResolved(
  tension: number,
  resolved: number | null | undefined,
): number | null {
  return tension === 0 ? null : (resolved ?? null);
}

/** True when every item is an integer within its scale. */
export function isValidCheckin(answers: CheckinAnswers): boolean {
  const inRange = (value: number, max: number) =>
    Number.isInteger(value) && value >= 0 && value <= max;
  return (
    ALLIANCE_ITEMS.every((item) => inRange(answers[item], ITEM_MAX)) &&
    inRange(answers.tension, TENSION_MAX) &&
    (answers.resolved === null || inRange(answers.resolved, TENSION_MAX))
  );
}
