import { z } from 'zod';

const Name = z
  .string('Please give the part a name.')
  .trim()
  .min(1, 'Please give the part a name.')
  .max(200, 'Please use at most 200 characters.');
const Description = z
  .string('Please write the description as text.')
  .max(100_000, 'Please keep the description under 100,000 characters.');

export const Part = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    /** How many of the client's ruptures name this part. */
    ruptureCount: z.number().int(),
  })
  .meta({ id: 'Part' });

export const PartResponse = z.object({ part: Part });
export const PartList = z.object({ items: z.array(Part) });

export const CreatePartBody = z.strictObject({
  name: Name,
  description: Description.nullable().optional(),
});
export type CreatePartBody = z.infer<typeof CreatePartBody>;

export const UpdatePartBody = z.strictObject({
  name: Name.optional(),
  description: Description.nullable().optional(),
});
export type UpdatePartBody = z.infer<typeof UpdatePartBody>;

/** A 204 has no body; declared so the OpenAPI description says so. */
export const Deleted = z.null().describe('Deleted.');
