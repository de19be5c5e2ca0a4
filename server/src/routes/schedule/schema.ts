import { z } from 'zod';
import { Appointment, DateTime } from '../appointments/schema.ts';
import { OpenTime, Request } from '../requests/schema.ts';

export const ScheduleQuery = z.strictObject({ from: DateTime.optional(), to: DateTime.optional() });

const ClientName = { clientName: z.string() };

export const ScheduleSlot = z.object({
  id: z.string(),
  relationshipId: z.string(),
  weekday: z.number().int(),
  time: z.string(),
  timezone: z.string(),
  everyWeeks: z.number().int(),
  durationMinutes: z.number().int(),
  kind: z.enum(['individual', 'phone']),
  startsOn: z.string(),
  endsOn: z.string().nullable(),
  createdAt: z.string(),
});

export const ScheduleTimeOff = z.object({
  id: z.string(),
  from: z.string(),
  to: z.string(),
  note: z.string().nullable(),
  createdAt: z.string(),
});

export const Schedule = z
  .object({
    from: z.string(),
    to: z.string(),
    appointments: z.array(Appointment.extend(ClientName)),
    slots: z.array(ScheduleSlot.extend(ClientName)),
    timeOff: z.array(ScheduleTimeOff),
    requests: z.array(Request.extend(ClientName)),
    openTimes: z.array(OpenTime),
  })
  .meta({ id: 'Schedule' });
