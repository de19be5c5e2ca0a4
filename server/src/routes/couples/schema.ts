import { z } from 'zod';
import { Appointment, DateTime } from '../appointments/schema.ts';
import { Duration } from '../requests/schema.ts';

/** A couple as the therapist sees it. */
export const TherapistCouple = z
  .object({
    id: z.string(),
    relationshipIds: z.array(z.string()),
    consented: z.record(z.string(), z.boolean()),
    active: z.boolean(),
  })
  .meta({ id: 'TherapistCouple' });

/** A couple as a partner sees it: their own relationship and the other's name, nothing else. */
export const PartnerCouple = z
  .object({
    id: z.string(),
    relationshipId: z.string(),
    partnerName: z.string(),
    consentedByMe: z.boolean(),
    active: z.boolean(),
  })
  .meta({ id: 'PartnerCouple' });

export const Couple = z.union([TherapistCouple, PartnerCouple]);
export const CoupleResponse = z.object({ couple: Couple });
export const CoupleList = z.object({ items: z.array(Couple) });

export const CreateCoupleBody = z.strictObject({
  relationshipIds: z
    .array(z.string().max(100), 'Please give the two relationships.')
    .length(2, 'Please give exactly two relationships.'),
});

export const CoupleAppointmentBody = z.strictObject({
  startsAt: DateTime,
  durationMinutes: Duration,
});

export const CoupleAppointments = z.object({ appointments: z.array(Appointment) });
