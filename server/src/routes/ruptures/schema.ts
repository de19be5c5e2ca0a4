import { z } from 'zod';
import { REPAIR_KINDS, RUPTURE_KINDS, RUPTURE_STATUSES } from '../../db/schema.ts';
import { DateTime } from '../appointments/schema.ts';

const Title = z
  .string('Please give it a short title.')
  .trim()
  .min(1, 'Please give it a short title (a few words are enough).')
  .max(200, 'Please use at most 200 characters.');
const Text = z
  .string('Please write this as text.')
  .max(100_000, 'Please keep this under 100,000 characters.');
const Intensity = z
  .number('Please choose from 1 to 5.')
  .int('Please choose a whole number from 1 to 5.')
  .min(1, 'Please choose from 1 to 5.')
  .max(5, 'Please choose from 1 to 5.');
const Scale4 = z
  .number('Please choose from 0 to 4.')
  .int('Please choose a whole number from 0 to 4.')
  .min(0, 'Please choose from 0 to 4.')
  .max(4, 'Please choose from 0 to 4.');
const PartIds = z
  .array(z.string().max(100), 'Please give a list of parts.')
  .max(50, 'At most 50 parts.');

export const RuptureKind = z.enum(RUPTURE_KINDS);
export const RuptureStatus = z.enum(RUPTURE_STATUSES);
export const RepairKind = z.enum(REPAIR_KINDS);
export const Visibility = z.enum(['private', 'shared']);
const MarkerKind = z.enum(['drop', 'tension', 'unnoticed', 'overdue-reply', 'gap']);

export const Repair = z
  .object({
    id: z.string(),
    ruptureId: z.string(),
    at: z.string(),
    kind: RepairKind,
    by: z.enum(['client', 'therapist']),
    note: z.string().nullable(),
    feltHeard: z.number().int().nullable(),
    defensiveness: z.number().int().nullable(),
    /** Who wrote the step down. */
    writtenBy: z.enum(['client', 'therapist']),
    createdAt: z.string(),
  })
  .meta({ id: 'Repair' });

export const RupturePart = z.object({ id: z.string(), name: z.string() });

export const Rupture = z
  .object({
    id: z.string(),
    relationshipId: z.string(),
    title: z.string(),
    occurredAt: z.string(),
    whatHappened: z.string(),
    myExperience: z.string().nullable(),
    theirSide: z.string().nullable(),
    echoes: z.string().nullable(),
    needs: z.string().nullable(),
    kind: RuptureKind.nullable(),
    intensity: z.number().int(),
    status: RuptureStatus,
    visibility: Visibility,
    reflection: z.string().nullable(),
    /** The client's own view only: parts are never shown to the therapist. */
    parts: z.array(RupturePart).optional(),
    markerKind: MarkerKind.nullable(),
    appointmentId: z.string().nullable(),
    sharedAt: z.string().nullable(),
    repairedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    repairs: z.array(Repair),
  })
  .meta({ id: 'Rupture' });

export const RuptureResponse = z.object({ rupture: Rupture });
export const RuptureList = z.object({ items: z.array(Rupture) });
export const RepairResponse = z.object({ repair: Repair });

const ruptureFields = {
  title: Title,
  occurredAt: DateTime,
  whatHappened: Text,
  myExperience: Text.nullable().optional(),
  theirSide: Text.nullable().optional(),
  echoes: Text.nullable().optional(),
  /** Extension: "what I need", the last question of the flow. */
  needs: Text.nullable().optional(),
  kind: RuptureKind.nullable().optional(),
  intensity: Intensity,
  partIds: PartIds.optional(),
  visibility: Visibility.optional(),
};

export const CreateRuptureBody = z.strictObject({
  ...ruptureFields,
  /** Extension: the marker it was written from. */
  markerKind: MarkerKind.optional(),
  appointmentId: z.string().max(100).optional(),
});

export const UpdateRuptureBody = z.strictObject({
  title: Title.optional(),
  occurredAt: DateTime.optional(),
  whatHappened: Text.optional(),
  myExperience: ruptureFields.myExperience,
  theirSide: ruptureFields.theirSide,
  echoes: ruptureFields.echoes,
  needs: ruptureFields.needs,
  kind: ruptureFields.kind,
  intensity: Intensity.optional(),
  partIds: PartIds.optional(),
  visibility: Visibility.optional(),
  status: RuptureStatus.optional(),
  reflection: Text.nullable().optional(),
});

export const CreateRepairBody = z.strictObject({
  at: DateTime,
  kind: RepairKind,
  by: z.enum(['client', 'therapist'], 'Please say who did it: "client" or "therapist".'),
  note: Text.nullable().optional(),
  feltHeard: Scale4.nullable().optional(),
  defensiveness: Scale4.nullable().optional(),
});

/** Extension: the client answers "did I feel heard?" and "was my therapist defensive?" later. */
export const UpdateRepairBody = z.strictObject({
  note: Text.nullable().optional(),
  feltHeard: Scale4.nullable().optional(),
  defensiveness: Scale4.nullable().optional(),
});
