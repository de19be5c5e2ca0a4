import { z } from 'zod';
import { DateTime } from '../appointments/schema.ts';

export const MessageKind = z.enum(['message', 'call-request'], {
  error: 'Please choose "message" or "call-request".',
});

export const Message = z
  .object({
    id: z.string(),
    relationshipId: z.string(),
    senderRole: z.enum(['client', 'therapist']),
    kind: MessageKind,
    body: z.string(),
    urgent: z.boolean(),
    letterId: z.string().nullable(),
    sentAt: z.string(),
    readAt: z.string().nullable(),
    acknowledgedAt: z.string().nullable(),
    acknowledgementNote: z.string().nullable(),
    replyBy: z.string().nullable(),
    replyDueAt: z.string().nullable(),
    repliedAt: z.string().nullable(),
    calledBackAt: z.string().nullable(),
    callOutcome: z.string().nullable(),
  })
  .meta({ id: 'Message' });

export const MessageResponse = z.object({ message: Message });
export const MessageList = z.object({ items: z.array(Message), nextCursor: z.string().nullable() });

export const SendMessageBody = z.strictObject({
  body: z
    .string('Please write your message as text.')
    .trim()
    .min(1, 'Please write something before sending.')
    .max(100_000, 'Please keep a message under 100,000 characters.'),
  urgent: z.boolean('Please say yes or no (true or false).').optional(),
  /** Extension: a request to be called, from the client. */
  kind: MessageKind.optional(),
  /** Extension: the letter this message sends (one of the client's letters in this relationship). */
  letterId: z.string('Please give the letter’s id.').max(100).optional(),
});

export const ListMessagesQuery = z.strictObject({
  limit: z.coerce
    .number('Please give a number from 1 to 200.')
    .int('Please give a whole number.')
    .min(1, 'Please give a number from 1 to 200.')
    .max(200, 'Please give a number from 1 to 200.')
    .optional(),
  cursor: z.string().max(200).optional(),
});

export const AcknowledgeMessageBody = z.strictObject({
  replyBy: DateTime.optional(),
  note: z
    .string('Please write the note as text.')
    .max(2_000, 'Please keep the note under 2,000 characters.')
    .nullable()
    .optional(),
});

export const CallBackBody = z.strictObject({
  at: DateTime,
  outcome: z
    .string('Please write what came of the call.')
    .trim()
    .min(1, 'Please write a few words about the call.')
    .max(2_000, 'Please keep this under 2,000 characters.'),
});
