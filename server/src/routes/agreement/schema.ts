import { z } from 'zod';

const Text = z
  .string('Please write this as text (it may be empty).')
  .max(100_000, 'Please keep this under 100,000 characters.');

export const RuleAppliesTo = z.enum(['client', 'therapist', 'both'], {
  error: 'Please say whom it applies to: client, therapist or both.',
});

export const Rule = z
  .object({ text: z.string(), appliesTo: RuleAppliesTo })
  .meta({ id: 'AgreementRule' });

const RuleInput = z.strictObject({
  text: z
    .string('Please write the rule as text.')
    .trim()
    .min(1, 'Please write the rule, or remove it.')
    .max(2_000, 'Please keep a rule under 2,000 characters.'),
  appliesTo: RuleAppliesTo,
});

export const PutAgreementBody = z.strictObject({
  replyTimeHours: z
    .number('Please give the reply time in hours.')
    .int('Please give whole hours.')
    .min(1, 'At least 1 hour.')
    .max(720, 'At most 720 hours (30 days).'),
  sessionFrequencyDays: z
    .number('Please give the number of days between sessions, or leave it empty.')
    .int('Please give whole days.')
    .min(1, 'At least 1 day.')
    .max(365, 'At most 365 days.')
    .nullable()
    .optional(),
  contact: Text,
  availability: Text,
  scheduling: Text,
  roomRules: Text,
  emergency: Text,
  rules: z.array(RuleInput, 'Please give a list of rules.').max(50, 'At most 50 rules.').optional(),
});
export type PutAgreementBody = z.infer<typeof PutAgreementBody>;

export const AcknowledgeAgreementBody = z.strictObject({
  version: z
    .number('Please say which version you read.')
    .int('Please give a version number.')
    .min(1, 'Please give a version number.'),
});

const DiffPart = z
  .object({ op: z.enum(['same', 'added', 'removed']), text: z.string() })
  .meta({ id: 'DiffPart' });

const RuleChange = z
  .object({
    op: z.enum(['added', 'removed', 'changed']),
    before: Rule.nullable(),
    after: Rule.nullable(),
  })
  .meta({ id: 'AgreementRuleChange' });

const FieldValue = z.union([z.string(), z.number(), z.array(Rule), z.null()]);

export const AgreementChange = z
  .object({
    field: z.enum([
      'replyTimeHours',
      'sessionFrequencyDays',
      'contact',
      'availability',
      'scheduling',
      'roomRules',
      'rules',
      'emergency',
    ]),
    before: FieldValue,
    after: FieldValue,
    diff: z.array(DiffPart).optional(),
    ruleChanges: z.array(RuleChange).optional(),
  })
  .meta({ id: 'AgreementChange' });

export const Agreement = z
  .object({
    id: z.string(),
    relationshipId: z.string(),
    version: z.number().int(),
    replyTimeHours: z.number().int(),
    sessionFrequencyDays: z.number().int().nullable(),
    contact: z.string(),
    availability: z.string(),
    scheduling: z.string(),
    roomRules: z.string(),
    rules: z.array(Rule),
    emergency: z.string(),
    createdAt: z.string(),
    author: z.object({ role: z.enum(['client', 'therapist']) }),
    acknowledgedAt: z.object({ client: z.string().nullable(), therapist: z.string().nullable() }),
    changes: z.array(AgreementChange),
  })
  .meta({ id: 'Agreement' });

export const AgreementResponse = z.object({ agreement: Agreement });
export const MaybeAgreementResponse = z.object({ agreement: Agreement.nullable() });
export const AgreementVersionList = z.object({ items: z.array(Agreement) });
