import { z } from 'zod';
import { DateTime } from '../appointments/schema.ts';

export const Duration = z
  .number('Please give the length in minutes.')
  .int('Please give whole minutes.')
  .min(5, 'At least 5 minutes.')
  .max(600, 'At most 600 minutes.');

const Note = z
  .string('Please write the note as text.')
  .max(2_000, 'Please keep the note under 2,000 characters.');

export const RequestOption = z.strictObject({ startsAt: DateTime, durationMinutes: Duration });

export const Request = z
  .object({
    id: z.string(),
    relationshipId: z.string(),
    options: z.array(z.object({ startsAt: z.string(), durationMinutes: z.number().int() })),
    note: z.string().nullable(),
    openTimeId: z.string().nullable(),
    status: z.enum(['open', 'accepted', 'declined', 'withdrawn']),
    responseNote: z.string().nullable(),
    appointmentId: z.string().nullable(),
    createdAt: z.string(),
    decidedAt: z.string().nullable(),
  })
  .meta({ id: 'AppointmentRequest' });

export const OpenTime = z
  .object({
    id: z.string(),
    startsAt: z.string(),
    durationMinutes: z.number().int(),
    taken: z.boolean(),
  })
  .meta({ id: 'OpenTime' });

export const RequestResponse = z.object({ request: Request });
export const RequestList = z.object({ items: z.array(Request) });
export const OpenTimeResponse = z.object({ openTime: OpenTime });
export const OpenTimeList = z.object({ items: z.array(OpenTime) });

export const CreateRequestBody = z.strictObject({
  options: z
    .array(RequestOption, 'Please give the times you could come.')
    .min(1, 'Please give at least one time.')
    .max(5, 'Please give at most five times.')
    .optional(),
  note: Note.nullish(),
  openTimeId: z.string('Please give the open time’s id.').max(100).optional(),
});

export const AcceptRequestBody = z.strictObject({
  startsAt: DateTime,
  durationMinutes: Duration.optional(),
  note: Note.nullish(),
});

export const DeclineRequestBody = z.strictObject({ note: Note.nullish() });

export const CreateOpenTimeBody = z.strictObject({ startsAt: DateTime, durationMinutes: Duration });
