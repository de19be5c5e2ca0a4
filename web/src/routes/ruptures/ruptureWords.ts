import type { Observation, RepairKind, RuptureKind, RuptureStatus } from '../../api/ruptures';

/** The words for ruptures and repair, in one place. */

export const RUPTURE_MEANING =
  'A rupture is a strain or break in the connection with your therapist. It happens in most therapies, and talking about it can bring you closer.';

export const KIND_WORDS: Record<RuptureKind, { title: string; detail: string }> = {
  withdrawal: {
    title: 'I pulled away',
    detail: 'Going quiet, saying "it\'s fine", changing the subject, agreeing to end the talk.',
  },
  confrontation: {
    title: 'I pushed back',
    detail: 'Complaining, disagreeing, feeling angry with your therapist, or saying so.',
  },
  mixed: { title: 'Some of both', detail: 'Pulling away and pushing back, at once or in turns.' },
  unsure: { title: "I'm not sure", detail: 'That is a fine answer too.' },
};

export const STATUS_WORDS: Record<RuptureStatus, string> = {
  open: 'Still open',
  repairing: 'Working on it',
  repaired: 'Repaired',
  unresolved: 'Left unresolved',
};

export const INTENSITY_WORDS: Record<number, string> = {
  1: 'A little',
  2: 'Somewhat',
  3: 'Quite a lot',
  4: 'A lot',
  5: 'Very much',
};

export const REPAIR_WORDS: Record<RepairKind, string> = {
  'talked-in-session': 'Talked about it in a session',
  'wrote-it-out': 'Wrote it out',
  'waited-it-out': 'Waited it out',
  'felt-it-out': 'Felt it out',
  'therapist-apologized': 'The therapist apologized',
  'therapist-explained': 'The therapist explained',
  'therapist-set-boundary': 'The therapist explained a boundary',
  'explored-together': 'Explored it together',
  other: 'Something else',
};

/** A repair kind, naming the therapist when it is one of theirs. */
export function repairWords(kind: RepairKind, therapistName: string): string {
  return REPAIR_WORDS[kind].replace('The therapist', therapistName);
}

export const HEARD_WORDS = ['Not at all', 'A little', 'Somewhat', 'Mostly', 'Completely'];
export const DEFENSIVE_WORDS = ['Not at all', 'A little', 'Somewhat', 'Quite', 'Very'];

const steps = (n: number) => `${n} ${n === 1 ? 'repair step' : 'repair steps'}`;

/** One observation of the patterns panel as a sentence, for the viewer. */
export function observationWords(
  o: Observation,
  names: { therapist: string; client: string; viewer: 'client' | 'therapist' },
): string {
  const you = names.viewer === 'client';
  const therapist = you ? names.therapist : 'You';
  const client = you ? 'You' : names.client;
  switch (o.id) {
    case 'owned-mistake':
      return `${therapist} apologized in ${steps(o.count)}.`;
    case 'explained-boundary':
      return `${therapist} explained something or a boundary in ${steps(o.count)}.`;
    case 'felt-heard':
      return `${client} felt heard (3 or 4 out of 4) after ${steps(o.count)}.`;
    case 'repeated-defensiveness':
      return you
        ? `${names.therapist} seemed defensive to you (3 or 4 out of 4) after ${steps(o.count)}.`
        : `${names.client} experienced you as defensive (3 or 4 out of 4) after ${steps(o.count)}.`;
    case 'not-heard':
      return `${client} did not feel heard (0 or 1 out of 4) after ${steps(o.count)}.`;
    case 'left-unresolved':
      return `${o.count} ruptures are unresolved, or have waited more than 30 days without a repair step.`;
    default:
      return `${o.count}`;
  }
}

/** The shapes as neutral names, for lists and for the therapist. */
export const KIND_NAMES: Record<RuptureKind | 'unspecified', string> = {
  withdrawal: 'Pulling away',
  confrontation: 'Pushing back',
  mixed: 'Some of both',
  unsure: 'Not sure',
  unspecified: 'Not said',
};
