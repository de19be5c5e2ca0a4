import { z } from 'zod';

const Text = z
  .string('Please write what you want to bring up.')
  .trim()
  .min(1, 'Please write what you want to bring up.')
  .max(100_000, 'Please keep it under 100,000 characters.');
const RuptureId = z.string('Please choose a rupture record.').max(100);
const Done = z.boolean('Please answer yes or no.');

export const AgendaItem = z
  .object({
    id: z.string(),
    relationshipId: z.string(),
    text: z.string(),
    ruptureId: z.string().nullable(),
    done: z.boolean(),
    doneAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'AgendaItem' });

export const AgendaSuggestion = z
  .object({
    /** The open (or repairing) rupture the suggestion comes from. */
    ruptureId: z.string(),
    title: z.string(),
    text: z.string(),
  })
  .meta({ id: 'AgendaSuggestion' });

export const AgendaItemResponse = z.object({ item: AgendaItem });
export const Agenda = z.object({
  items: z.array(AgendaItem),
  suggestions: z.array(AgendaSuggestion),
});

export const CreateAgendaItemBody = z.strictObject({
  text: Text,
  ruptureId: RuptureId.nullable().optional(),
  done: Done.optional(),
});
export type CreateAgendaItemBody = z.infer<typeof CreateAgendaItemBody>;

export const UpdateAgendaItemBody = z.strictObject({
  text: Text.optional(),
  ruptureId: RuptureId.nullable().optional(),
  done: Done.optional(),
});
export type UpdateAgendaItemBody = z.infer<typeof UpdateAgendaItemBody>;

/** A 204 has no body; declared so the OpenAPI description says so. */
export const Deleted = z.null().describe('Deleted.');
