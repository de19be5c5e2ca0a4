import type { z } from 'zod';

/**
 * Text that a database column can keep as it was written: no NUL character (PostgreSQL's text
 * cannot hold one) and no lone surrogate (not valid Unicode). Sealed columns keep anything, as
 * ciphertext; plain ones (names) need this check, or the database refuses the write with a 500.
 */
export const storable = <T extends z.ZodString>(schema: T) =>
  schema
    .refine((text) => !text.includes('\u0000'), 'This has a character that cannot be saved.')
    .refine((text) => text.isWellFormed(), 'This has a broken character that cannot be saved.');
