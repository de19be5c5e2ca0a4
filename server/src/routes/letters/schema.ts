import { z } from 'zod';

export const Letter = z
  .object({
    id: z.string(),
    relationshipId: z.string(),
    ruptureId: z.string().nullable(),
    title: z.string(),
    body: z.string(),
    /** Rises by one with every saved change; send it back as `baseRevision`. */
    revision: z.number().int(),
    sentAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Letter' });

export const LetterResponse = z.object({ letter: Letter });
export const LetterList = z.object({ items: z.array(Letter) });

/** The answer to a save made over another one: the error, and the letter as it is now. */
export const LetterConflict = z
  .object({
    error: z.object({ code: z.literal('letter_changed'), message: z.string() }),
    letter: Letter,
  })
  .meta({ id: 'LetterConflict' });

// Line breaks and other control characters have no place in a title (it becomes a heading and a
// file name); the body takes anything a person can type except NUL, which PostgreSQL's text
// cannot hold, and broken UTF-16 (a lone surrogate), which could not be stored as written.
const CONTROL = /\p{Cc}/u;

const Title = z
  .string('Please write the title as text.')
  .trim()
  .min(1, 'Please give your letter a title.')
  .max(200, 'Please keep the title to 200 characters.')
  .refine((s) => !CONTROL.test(s), 'Please keep the title on one line.');

const Body = z
  .string('Please write the letter as text.')
  .max(100_000, 'Please keep the letter under 100,000 characters.')
  .refine((s) => !s.includes('\u0000'), 'The letter has a null character that cannot be saved.')
  .refine((s) => s.isWellFormed(), 'The letter has a broken character that cannot be saved.');

const RuptureId = z.string('Please choose a rupture record.').max(100);

export const CreateLetterBody = z.strictObject({
  title: Title,
  body: Body,
  ruptureId: RuptureId.nullable().optional(),
});

export const UpdateLetterBody = z.strictObject({
  title: Title.optional(),
  body: Body.optional(),
  ruptureId: RuptureId.nullable().optional(),
  /** The revision this change was made on; a save over a newer one answers 409. */
  baseRevision: z
    .number('Please give the revision as a number.')
    .int('Please give a whole number.')
    .min(1, 'Revisions start at 1.')
    .optional(),
});

export type LetterChanges = Omit<z.infer<typeof UpdateLetterBody>, 'baseRevision'>;

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export const ExportQuery = z.strictObject({
  format: z.enum(['md', 'pdf'], 'Please choose md (Markdown) or pdf.'),
  /** Extension: the IANA time zone the letter's date is written in (UTC when absent). */
  timeZone: z
    .string()
    .max(100)
    .refine(isTimeZone, 'Please give a time zone like Europe/Berlin.')
    .optional(),
});

/** The exported file: Markdown text or a PDF document. */
export const LetterFile = z.string().meta({ format: 'binary' });
