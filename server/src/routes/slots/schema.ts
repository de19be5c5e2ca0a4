import { isLocalDate, isTimeZone, parseTime } from '@attune/core/schedule';
import { z } from 'zod';
import { Appointment, DateTime } from '../appointments/schema.ts';

const TimeZone = z
  .string('Please give a time zone, like Europe/London.')
  .max(100, 'Please give a time zone, like Europe/London.')
  .refine(isTimeZone, 'We do not know this time zone. Please use a name like Europe/London.');

const LocalDate = z
  .string('Please give a date, like 2026-11-16.')
  .max(10, 'Please give a date, like 2026-11-16.')
  .refine(isLocalDate, 'This is not a date in the calendar. Please use YYYY-MM-DD.');

const LocalTime = z
  .string('Please give a time, like 16:00.')
  .max(5, 'Please give a time, like 16:00.')
  .refine(
    (value) => /^\d{2}:\d{2}$/.test(value) && parseTime(value) !== null,
    'This is not a time of day. Please use HH:MM, from 00:00 to 23:59.',
  );

export const SlotKind = z.enum(['individual', 'phone'], {
  error: 'Please choose "individual" or "phone".',
});

export const Slot = z
  .object({
    id: z.string(),
    relationshipId: z.string(),
    weekday: z.number().int(),
    time: z.string(),
    timezone: z.string(),
    everyWeeks: z.number().int(),
    durationMinutes: z.number().int(),
    kind: SlotKind,
    startsOn: z.string(),
    endsOn: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'Slot' });

export const CreateSlotBody = z.strictObject({
  weekday: z
    .number('Please give the weekday as a number, 1 (Monday) to 7 (Sunday).')
    .int('Please give the weekday as a number, 1 (Monday) to 7 (Sunday).')
    .min(1, 'Please give the weekday as a number, 1 (Monday) to 7 (Sunday).')
    .max(7, 'Please give the weekday as a number, 1 (Monday) to 7 (Sunday).'),
  time: LocalTime,
  timezone: TimeZone,
  everyWeeks: z.union([z.literal(1), z.literal(2)], {
    error: 'Please choose every week (1) or every other week (2).',
  }),
  durationMinutes: z
    .number('Please give the length in minutes.')
    .int('Please give whole minutes.')
    .min(5, 'At least 5 minutes.')
    .max(600, 'At most 600 minutes.'),
  startsOn: LocalDate,
  endsOn: LocalDate.nullable().optional(),
  kind: SlotKind.optional(),
});
export type CreateSlotBody = z.infer<typeof CreateSlotBody>;

export const SlotResponse = z.object({ slot: Slot });
export const CreatedSlot = z.object({ slot: Slot, appointments: z.array(Appointment) });
export const SlotList = z.object({ items: z.array(Slot) });

export const TimeOff = z
  .object({
    id: z.string(),
    from: z.string(),
    to: z.string(),
    note: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'TimeOff' });

export const CreateTimeOffBody = z.strictObject({
  from: DateTime,
  to: DateTime,
  note: z
    .string('Please write the note as text.')
    .trim()
    .max(2_000, 'Please keep the note under 2,000 characters.')
    .nullable()
    .optional(),
});

export const CreatedTimeOff = z.object({ timeOff: TimeOff, affected: z.array(Appointment) });
export const TimeOffList = z.object({ items: z.array(TimeOff) });

export const Gap = z
  .object({
    from: z.string(),
    to: z.string().nullable(),
    days: z.number().int(),
    reason: z.enum(['time-off', 'cancelled', 'no-slot']),
  })
  .meta({ id: 'Gap' });

export const GapList = z.object({
  items: z.array(Gap),
  frequencyDays: z.number().int().nullable(),
});

/** A 204 has no body; declared so the OpenAPI description says so. */
export const Removed = z.null().describe('Removed.');
