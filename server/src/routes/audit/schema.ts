import { z } from 'zod';

export const AuditActor = z
  .object({
    id: z.string(),
    displayName: z.string(),
    role: z.enum(['client', 'therapist']),
  })
  .meta({ id: 'AuditActor' });

export const AuditEvent = z
  .object({
    at: z.string(),
    /** Who read or changed the data; null when that person's account has since been erased. */
    actor: AuditActor.nullable(),
    /**
     * What they did: `read`, `create`, `connect`; for the caller's own account (subjectType
     * `account`): `sign-in`, `sign-in-failed`, `sign-in-code-failed`, `sign-out`,
     * `password-changed`, `email-changed`, `two-factor-on`, `two-factor-off`, `sign-in-ended`,
     * `signed-out-everywhere`.
     */
    action: z.string(),
    /** What it was: `checkins`, `checkin`, `rupture`, `messages`, `relationship-page`, … */
    subjectType: z.string(),
    subjectId: z.string().nullable(),
    relationshipId: z.string().nullable(),
  })
  .meta({ id: 'AuditEvent' });

export const AuditList = z.object({
  items: z.array(AuditEvent),
  nextCursor: z.string().nullable(),
});

export const ListAuditQuery = z.strictObject({
  limit: z.coerce
    .number('Please give a number from 1 to 200.')
    .int('Please give a whole number.')
    .min(1, 'Please give a number from 1 to 200.')
    .max(200, 'Please give a number from 1 to 200.')
    .optional(),
  cursor: z.string().max(200).optional(),
  /**
   * `records`: reads and changes of the caller's data by others; `account`: the caller's sign-in
   * events and changes to how they sign in. Both when left out.
   */
  kind: z.enum(['records', 'account'], 'Please choose "records" or "account".').optional(),
});
