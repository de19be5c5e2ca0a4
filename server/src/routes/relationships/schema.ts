import { z } from 'zod';
import { storable } from '../../validation.ts';

export const Relationship = z
  .object({
    id: z.string(),
    clientId: z.string(),
    therapistId: z.string().nullable(),
    therapistName: z.string(),
    mode: z.enum(['solo', 'connected']),
    status: z.enum(['active', 'ended']),
    sensitivity: z.enum(['standard', 'sensitive']),
    createdAt: z.string(),
  })
  .meta({ id: 'Relationship' });

export const RelationshipResponse = z.object({ relationship: Relationship });
export const RelationshipList = z.object({ items: z.array(Relationship) });

const Name = storable(
  z
    .string()
    .trim()
    .min(1, "Please write your therapist's name (a first name is enough).")
    .max(200, 'Please use at most 200 characters.'),
);

export const CreateRelationshipBody = z.strictObject({ therapistName: Name });

export const UpdateRelationshipBody = z.strictObject({
  status: z.enum(['active', 'ended']).optional(),
  therapistName: Name.optional(),
  sensitivity: z.enum(['standard', 'sensitive']).optional(),
});

export const IdParams = z.strictObject({ id: z.string().max(100) });
export const CodeParams = z.strictObject({ code: z.string().max(100) });

export const Invite = z.object({ code: z.string(), expiresAt: z.string() }).meta({ id: 'Invite' });
export const InviteResponse = z.object({ invite: Invite });
export const EmptyBody = z.strictObject({}).optional();
