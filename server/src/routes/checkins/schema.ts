import { z } from 'zod';

const Item = z
  .number('Please choose a number from 0 to 10.')
  .int('Please choose a whole number.')
  .min(0, 'Please choose a number from 0 to 10.')
  .max(10, 'Please choose a number from 0 to 10.');
const Scale4 = z
  .number('Please choose a number from 0 to 4.')
  .int('Please choose a whole number.')
  .min(0, 'Please choose a number from 0 to 4.')
  .max(4, 'Please choose a number from 0 to 4.');
const Note = z.string().max(100_000, 'Please keep the note under 100,000 characters.');

export const Checkin = z
  .object({
    id: z.string(),
    appointmentId: z.string(),
    respondent: z.enum(['client', 'therapist']),
    bond: z.number().int(),
    goals: z.number().int(),
    method: z.number().int(),
    overall: z.number().int(),
    tension: z.number().int(),
    resolved: z.number().int().nullable(),
    note: z.string().nullable(),
    shared: z.boolean(),
    score: z.number().int(),
    createdAt: z.string(),
  })
  .meta({ id: 'Checkin' });

export const CheckinResponse = z.object({ checkin: Checkin });
export const CheckinList = z.object({ items: z.array(Checkin) });

export const CreateCheckinBody = z.strictObject({
  bond: Item,
  goals: Item,
  method: Item,
  overall: Item,
  tension: Scale4,
  resolved: Scale4.nullable().optional(),
  note: Note.nullable().optional(),
  shared: z.boolean().optional(),
});

export const UpdateCheckinBody = z.strictObject({
  bond: Item.optional(),
  goals: Item.optional(),
  method: Item.optional(),
  overall: Item.optional(),
  tension: Scale4.optional(),
  resolved: Scale4.nullable().optional(),
  note: Note.nullable().optional(),
  shared: z.boolean().optional(),
});
