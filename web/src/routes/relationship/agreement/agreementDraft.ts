/**
 * The edit form's draft: what is typed, kept on this device until saved, how each answer is
 * checked, and what is sent when it is.
 */
import {
  type Agreement,
  type AgreementInput,
  LIMITS,
  type RuleAppliesTo,
} from '../../../api/agreement';

export type RuleDraft = { key: string; text: string; appliesTo: RuleAppliesTo };

/** The form as typed, kept on this device until it is saved. */
export type Draft = {
  /** The version the draft was started from (0: none yet). */
  from: number;
  replyTimeHours: string;
  sessionFrequencyDays: string;
  contact: string;
  availability: string;
  scheduling: string;
  roomRules: string;
  emergency: string;
  rules: RuleDraft[];
};

export const TEXTS = ['contact', 'availability', 'scheduling', 'roomRules', 'emergency'] as const;

/** A free-text field of the form. */
export type DraftText = (typeof TEXTS)[number];

export function isDraft(value: unknown): value is Draft {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.from === 'number' &&
    typeof v.replyTimeHours === 'string' &&
    typeof v.sessionFrequencyDays === 'string' &&
    TEXTS.every((field) => typeof v[field] === 'string') &&
    Array.isArray(v.rules) &&
    v.rules.every(
      (rule: unknown) =>
        typeof rule === 'object' &&
        rule !== null &&
        typeof (rule as RuleDraft).key === 'string' &&
        typeof (rule as RuleDraft).text === 'string' &&
        ['client', 'therapist', 'both'].includes((rule as RuleDraft).appliesTo),
    )
  );
}

let ruleKeys = 0;
export function newRuleKey(): string {
  ruleKeys += 1;
  return `r${Date.now().toString(36)}${ruleKeys}${Math.random().toString(36).slice(2, 6)}`;
}

export function draftOf(agreement: Agreement | null): Draft {
  return {
    from: agreement?.version ?? 0,
    replyTimeHours: agreement ? String(agreement.replyTimeHours) : '',
    sessionFrequencyDays:
      agreement?.sessionFrequencyDays == null ? '' : String(agreement.sessionFrequencyDays),
    contact: agreement?.contact ?? '',
    availability: agreement?.availability ?? '',
    scheduling: agreement?.scheduling ?? '',
    roomRules: agreement?.roomRules ?? '',
    emergency: agreement?.emergency ?? '',
    rules: (agreement?.rules ?? []).map((rule) => ({ ...rule, key: newRuleKey() })),
  };
}

const WHOLE = /^\s*\d+\s*$/;

export const replyRule = (value: string) => {
  const { min, max } = LIMITS.replyTimeHours;
  const n = Number(value);
  return WHOLE.test(value) && n >= min && n <= max
    ? null
    : `Please give the reply time in whole hours, from ${min} to ${max} (30 days).`;
};

export const frequencyRule = (value: string) => {
  if (value.trim() === '') return null;
  const { min, max } = LIMITS.sessionFrequencyDays;
  const n = Number(value);
  return WHOLE.test(value) && n >= min && n <= max
    ? null
    : `Please give whole days from ${min} to ${max}, or leave it empty.`;
};

export const ruleTextRule = (value: string) => {
  if (value.trim() === '') return 'Please write the rule, or remove it.';
  return value.trim().length > LIMITS.rule
    ? `Please keep a rule under ${LIMITS.rule.toLocaleString()} characters.`
    : null;
};

export function inputOf(draft: Draft): AgreementInput {
  return {
    replyTimeHours: Number(draft.replyTimeHours),
    sessionFrequencyDays:
      draft.sessionFrequencyDays.trim() === '' ? null : Number(draft.sessionFrequencyDays),
    contact: draft.contact,
    availability: draft.availability,
    scheduling: draft.scheduling,
    roomRules: draft.roomRules,
    emergency: draft.emergency,
    rules: draft.rules.map(({ text, appliesTo }) => ({ text: text.trim(), appliesTo })),
  };
}

/** "Both of us" first, then the client, then the therapist, whoever is reading. */
export function appliesOrder(value: string): number {
  return value === 'both' ? 0 : value === 'client' ? 1 : 2;
}

/** A choice of the "applies to" field, as a rule's side. */
export function appliesToOf(value: string): RuleAppliesTo {
  return value === 'client' || value === 'therapist' ? value : 'both';
}
