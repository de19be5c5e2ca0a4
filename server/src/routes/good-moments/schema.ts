import { z } from 'zod';
import { DateTime } from '../appointments/schema.ts';

const DAY_MS = 86_400_000;

/** When it happened: any time in the past, or up to a day ahead (time zones, a late evening). */
const At = DateTime.refine(
  (at) => new Date(at).getTime() <= Date.now() + DAY_MS,
  'Please choose a time that has already happened.',
);
const Text = z
  .string('Please write what went well.')
  .trim()
  .min(1, 'Please write what went well.')
  .max(100_000, 'Please keep it under 100,000 characters.');

export const GoodMoment = z
  .object({
    id: z.string(),
    relationshipId: z.string(),
    at: z.string(),
    text: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'GoodMoment' });

export const GoodMomentResponse = z.object({ goodMoment: GoodMoment });
export const GoodMomentList = z.object({ items: z.array(GoodMoment) });

export const CreateGoodMomentBody = z.strictObject({ at: At, text: Text });
export type CreateGoodMomentBody = z.infer<typeof CreateGoodMomentBody>;

export const UpdateGoodMomentBody = z.strictObject({ at: At.optional(), text: Text.optional() });
export type UpdateGoodMomentBody = z.infer<typeof UpdateGoodMomentBody>;

/** A 204 has no body; declared so the OpenAPI description says so. */
export const Deleted = z.null().describe('Deleted.');
