import { type QueryClient, useQuery } from '@tanstack/react-query';
import { request } from './client';
import { keys } from './relationships';

/** The agreement: the versioned frame of a relationship (API.md: Agreement and messages). */

export type Role = 'client' | 'therapist';
export type RuleAppliesTo = Role | 'both';
export type AgreementRule = { text: string; appliesTo: RuleAppliesTo };

/** The fields of a version, in the order the server compares them. */
export const AGREEMENT_FIELDS = [
  'replyTimeHours',
  'sessionFrequencyDays',
  'contact',
  'availability',
  'scheduling',
  'roomRules',
  'rules',
  'emergency',
] as const;
export type AgreementField = (typeof AGREEMENT_FIELDS)[number];

/** The texts of a version: written in words, compared word by word. */
export const TEXT_FIELDS = [
  'contact',
  'availability',
  'scheduling',
  'roomRules',
  'emergency',
] as const satisfies readonly AgreementField[];
export type TextField = (typeof TEXT_FIELDS)[number];

export type DiffPart = { op: 'same' | 'added' | 'removed'; text: string };

export type RuleChange = {
  op: 'added' | 'removed' | 'changed';
  before: AgreementRule | null;
  after: AgreementRule | null;
};

export type AgreementChange = {
  field: AgreementField;
  before: string | number | AgreementRule[] | null;
  after: string | number | AgreementRule[] | null;
  /** Texts: the words kept, added and removed, in reading order. */
  diff?: DiffPart[];
  /** Rules: added, removed, or changed (same words, applying to someone else). */
  ruleChanges?: RuleChange[];
};

export type Agreement = {
  id: string;
  relationshipId: string;
  version: number;
  replyTimeHours: number;
  sessionFrequencyDays: number | null;
  contact: string;
  availability: string;
  scheduling: string;
  roomRules: string;
  rules: AgreementRule[];
  emergency: string;
  createdAt: string;
  author: { role: Role };
  acknowledgedAt: { client: string | null; therapist: string | null };
  /** Against the version before it; none for version 1. */
  changes: AgreementChange[];
};

export type AgreementInput = {
  replyTimeHours: number;
  sessionFrequencyDays: number | null;
  contact: string;
  availability: string;
  scheduling: string;
  roomRules: string;
  emergency: string;
  rules: AgreementRule[];
};

const enc = encodeURIComponent;

// The same keys live.ts refreshes when an event arrives for the relationship.
export const agreementKeys = {
  latest: (relationshipId: string) => ['agreement', relationshipId] as const,
  versions: (relationshipId: string) => ['agreement-versions', relationshipId] as const,
};

/** The latest version, or null while none has been written. */
export function useAgreement(relationshipId: string) {
  return useQuery({
    queryKey: agreementKeys.latest(relationshipId),
    queryFn: async () =>
      (
        await request<{ agreement: Agreement | null }>(
          'GET',
          `/api/relationships/${enc(relationshipId)}/agreement`,
        )
      ).agreement,
  });
}

/** Every version, newest first, each with its changes against the one before. */
export function useAgreementVersions(relationshipId: string) {
  return useQuery({
    queryKey: agreementKeys.versions(relationshipId),
    queryFn: async () =>
      (
        await request<{ items: Agreement[] }>(
          'GET',
          `/api/relationships/${enc(relationshipId)}/agreement/versions`,
        )
      ).items,
  });
}

/** After a save or an acknowledgement: the agreement, its versions and the page that shows them. */
export function refreshAgreement(queryClient: QueryClient, relationshipId: string): Promise<void> {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: agreementKeys.latest(relationshipId) }),
    queryClient.invalidateQueries({ queryKey: agreementKeys.versions(relationshipId) }),
    queryClient.invalidateQueries({ queryKey: keys.page(relationshipId) }),
    queryClient.invalidateQueries({ queryKey: keys.caseload }),
  ]).then(() => undefined);
}

/**
 * Saves a new version. Saving exactly what the latest version says writes nothing and answers
 * with that version (same version number).
 */
export async function saveAgreement(
  relationshipId: string,
  input: AgreementInput,
): Promise<Agreement> {
  const { agreement } = await request<{ agreement: Agreement }>(
    'PUT',
    `/api/relationships/${enc(relationshipId)}/agreement`,
    input,
  );
  return agreement;
}

/** Acknowledges the latest version; an older one answers 409 `agreement_outdated`. */
export async function acknowledgeAgreement(
  relationshipId: string,
  version: number,
): Promise<Agreement> {
  const { agreement } = await request<{ agreement: Agreement }>(
    'POST',
    `/api/relationships/${enc(relationshipId)}/agreement/acknowledge`,
    { version },
  );
  return agreement;
}

/** The limits the server holds to (server/src/routes/agreement/schema.ts). */
export const LIMITS = {
  replyTimeHours: { min: 1, max: 720 },
  sessionFrequencyDays: { min: 1, max: 365 },
  text: 100_000,
  rule: 2_000,
  rules: 50,
} as const;
