import { randomUUID } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { SessionUser } from '../../auth/sessions.ts';
import { letters, ruptures } from '../../db/schema.ts';
import { invalidInput, notFound } from '../../errors.ts';
import { requireUser, signedIn } from '../../plugins/auth.ts';
import { isId, type Membership, membership } from '../../policies/relationship.ts';
import { type LetterRow, presentLetter } from '../../presenters/letter.ts';
import type { Services } from '../../services.ts';
import { IdParams } from '../relationships/schema.ts';
import { attachment, letterMarkdown, letterPdf } from './export.ts';
import {
  CreateLetterBody,
  ExportQuery,
  type LetterChanges,
  LetterConflict,
  LetterFile,
  LetterList,
  LetterResponse,
  UpdateLetterBody,
} from './schema.ts';

const FOREIGN_KEY_VIOLATION = '23503';

const LETTER_CHANGED =
  'This letter was changed somewhere else (another tab or device). Nothing was lost: both versions are kept on your screen.';

const RUPTURE_NOT_FOUND = 'We could not find that rupture record in this relationship.';

/**
 * Letters are the client's own drafts: only the client of the relationship may see or change
 * them. The therapist sees a letter only once it is sent as a message, which is a message then.
 */
function ownLetters(m: Membership): Membership {
  if (m.role !== 'client') throw notFound();
  return m;
}

function isForeignKeyViolation(error: unknown): boolean {
  const e = error as { code?: unknown; cause?: { code?: unknown } };
  return e?.code === FOREIGN_KEY_VIOLATION || e?.cause?.code === FOREIGN_KEY_VIOLATION;
}

export const letterRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const { db } = services;
  const tags = ['letters'];

  /** A rupture id that names a rupture record of the same relationship, or 400. */
  async function checkRupture(relationshipId: string, ruptureId: string | null | undefined) {
    if (ruptureId === undefined || ruptureId === null) return;
    if (isId(ruptureId)) {
      const [rupture] = await db
        .select({ id: ruptures.id })
        .from(ruptures)
        .where(and(eq(ruptures.id, ruptureId), eq(ruptures.relationshipId, relationshipId)))
        .limit(1);
      if (rupture) return;
    }
    throw invalidInput({ ruptureId: RUPTURE_NOT_FOUND });
  }

  /** A write that names a rupture deleted meanwhile fails on its foreign key: the same 400. */
  async function orRuptureGone<T>(write: Promise<T>): Promise<T> {
    try {
      return await write;
    } catch (error) {
      if (isForeignKeyViolation(error)) throw invalidInput({ ruptureId: RUPTURE_NOT_FOUND });
      throw error;
    }
  }

  /** The letter with this id, when the actor is the client of its relationship; else 404. */
  async function letterFor(actor: SessionUser, id: string) {
    if (!isId(id)) throw notFound();
    const letter = await load(id);
    if (!letter) throw notFound();
    const m = ownLetters(await membership(db, actor, letter.relationshipId));
    return { m, letter };
  }

  async function load(id: string): Promise<LetterRow | undefined> {
    const [letter] = await db.select().from(letters).where(eq(letters.id, id)).limit(1);
    return letter;
  }

  app.post(
    '/api/relationships/:id/letters',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        body: CreateLetterBody,
        response: { 201: LetterResponse },
      },
    },
    async (request, reply) => {
      const m = ownLetters(await membership(db, requireUser(request), request.params.id));
      const { title, body, ruptureId } = request.body;
      await checkRupture(m.relationship.id, ruptureId);
      const [letter] = await orRuptureGone(
        db
          .insert(letters)
          .values({
            id: randomUUID(),
            relationshipId: m.relationship.id,
            ruptureId: ruptureId ?? null,
            title,
            body,
          })
          .returning(),
      );
      await services.relationships.changed(m.relationship.id);
      return reply.status(201).send({ letter: presentLetter(letter!) });
    },
  );

  app.get(
    '/api/relationships/:id/letters',
    { onRequest: signedIn, schema: { tags, params: IdParams, response: { 200: LetterList } } },
    async (request) => {
      const m = ownLetters(await membership(db, requireUser(request), request.params.id));
      const rows = await db
        .select()
        .from(letters)
        .where(eq(letters.relationshipId, m.relationship.id))
        .orderBy(desc(letters.updatedAt), desc(letters.createdAt), desc(letters.id));
      return { items: rows.map(presentLetter) };
    },
  );

  app.get(
    '/api/letters/:id',
    { onRequest: signedIn, schema: { tags, params: IdParams, response: { 200: LetterResponse } } },
    async (request) => {
      const { letter } = await letterFor(requireUser(request), request.params.id);
      return { letter: presentLetter(letter) };
    },
  );

  app.patch(
    '/api/letters/:id',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        body: UpdateLetterBody,
        response: { 200: LetterResponse, 409: LetterConflict },
      },
    },
    async (request, reply) => {
      const { m, letter } = await letterFor(requireUser(request), request.params.id);
      const { baseRevision, ...changes } = request.body;
      const changedSomething = (current: LetterRow) => differs(current, changes);
      if (changes.ruptureId !== letter.ruptureId) {
        await checkRupture(m.relationship.id, changes.ruptureId);
      }

      // Saving is optimistic: the update applies only to the revision it was made on (when the
      // editor says which) and only when it changes something. Texts are sealed in the database,
      // so they are compared here, and the update applies only to the revision compared with;
      // when it does not apply, the stored letter says why: the same already (harmless) or
      // changed elsewhere.
      let current: LetterRow | undefined = letter;
      for (let attempt = 0; current && attempt < 3; attempt++) {
        if (!changedSomething(current)) return { letter: presentLetter(current) };
        if (baseRevision !== undefined && baseRevision !== current.revision) break;
        const [updated] = await orRuptureGone(
          db
            .update(letters)
            .set({
              ...changes,
              revision: sql`${letters.revision} + 1`,
              updatedAt: new Date(),
            })
            .where(and(eq(letters.id, current.id), eq(letters.revision, current.revision)))
            .returning(),
        );
        if (updated) {
          await services.relationships.changed(m.relationship.id);
          return { letter: presentLetter(updated) };
        }
        current = await load(letter.id);
      }
      if (!current) throw notFound();
      return reply.status(409).send({
        error: { code: 'letter_changed' as const, message: LETTER_CHANGED },
        letter: presentLetter(current),
      });
    },
  );

  app.get(
    '/api/letters/:id/export',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        querystring: ExportQuery,
        produces: ['text/markdown', 'application/pdf'],
        response: { 200: LetterFile },
      },
    },
    async (request, reply) => {
      const { letter } = await letterFor(requireUser(request), request.params.id);
      const { format, timeZone } = request.query;
      reply.header('content-disposition', attachment(letter.title, format));
      if (format === 'md') {
        return reply.type('text/markdown; charset=utf-8').send(letterMarkdown(letter, timeZone));
      }
      const pdf = await letterPdf(letter, timeZone);
      // A Buffer goes out as it is; the string schema above only describes the file.
      return reply.type('application/pdf').send(pdf as unknown as string);
    },
  );
};

/** Whether saving `changes` would change the stored letter. */
function differs(letter: LetterRow, changes: LetterChanges): boolean {
  return (
    (changes.title !== undefined && changes.title !== letter.title) ||
    (changes.body !== undefined && changes.body !== letter.body) ||
    (changes.ruptureId !== undefined && changes.ruptureId !== letter.ruptureId)
  );
}
