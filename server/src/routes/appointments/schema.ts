import { z } from 'zod';

export const DateTime = z.iso.datetime({
  offset: true,
  error: 'Please give a date and time, like 2026-11-16T16:00:00Z.',
});

export const AppointmentKind = z.enum(['individual', 'couples', 'phone', 'extra']);
export const AppointmentStatus = z.enum(['scheduled', 'held', 'cancelled', 'missed']);
export const CancelReason = z.enum(['time-off', 'slot-removed', 'client', 'therapist']);

export const Appointment = z
  .object({
    id: z.string(),
    relationshipId: z.string(),
    startsAt: z.string(),
    durationMinutes: z.number().int(),
    kind: AppointmentKind,
    status: AppointmentStatus,
    /** The regular slot it comes from, or null. */
    slotId: z.string().nullable(),
    /** Why it was cancelled (only for cancelled appointments; null when not known). */
    cancelReason: CancelReason.nullable(),
    /** Shared by the partners' two rows of one couples appointment, or null. */
    coupleAppointmentId: z.string().nullable(),
  })
  .meta({ id: 'Appointment' });

export const AppointmentResponse = z.object({ appointment: Appointment });
export const AppointmentList = z.object({ items: z.array(Appointment) });

const Duration = z
  .number('Please give the length in minutes.')
  .int('Please give whole minutes.')
  .min(5, 'At least 5 minutes.')
  .max(600, 'At most 600 minutes.');

export const CreateAppointmentBody = z.strictObject({
  startsAt: DateTime,
  durationMinutes: Duration,
  kind: AppointmentKind,
  /** Extension: defaults to `held` for a time in the past and `scheduled` for the future. */
  status: AppointmentStatus.optional(),
});

export const UpdateAppointmentBody = z.strictObject({
  status: AppointmentStatus.optional(),
  startsAt: DateTime.optional(),
  durationMinutes: Duration.optional(),
});

export const RangeQuery = z.strictObject({ from: DateTime.optional(), to: DateTime.optional() });
