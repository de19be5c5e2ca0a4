import { z } from 'zod';
import { NotificationSettings } from '../../notifications/settings.ts';

export const Notification = z
  .object({
    id: z.string(),
    relationshipId: z.string().nullable(),
    kind: z.string(),
    subjectId: z.string().nullable(),
    createdAt: z.string(),
    seenAt: z.string().nullable(),
  })
  .meta({ id: 'Notification' });

export const NotificationList = z.object({
  items: z.array(Notification),
  /** All unseen notices the person has (not only those in `items`). */
  unseen: z.number().int(),
});

const Id = z.uuid('This is not an id of a notice.');

export const NotificationQuery = z.strictObject({
  relationshipId: z.uuid('This is not an id of a relationship.').optional(),
});

/** Which notices to mark seen: the given ones, those of one relationship, or (`{}`) all. */
export const SeenBody = z
  .strictObject({
    ids: z
      .array(Id)
      .min(1, 'Name at least one notice.')
      .max(500, 'At most 500 at once.')
      .optional(),
    relationshipId: z.uuid('This is not an id of a relationship.').optional(),
  })
  .optional();

export const SettingsResponse = z.object({ settings: NotificationSettings });
export const SettingsBody = z.strictObject({ settings: NotificationSettings });

export const OutboxQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const OutboxEmail = z
  .object({
    id: z.string(),
    toAddress: z.string(),
    subject: z.string(),
    text: z.string(),
    status: z.enum(['pending', 'sent', 'kept-local', 'failed']),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
    error: z.string().nullable(),
  })
  .meta({ id: 'OutboxEmail' });

export const OutboxList = z.object({ items: z.array(OutboxEmail) });

/** A 204 has no body; declared so the OpenAPI description says so. */
export const NoContent = z.null().describe('Done.');
