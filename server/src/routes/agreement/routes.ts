import { randomUUID } from 'node:crypto';
import { type AgreementContent, agreementChanges, contentOf } from '@attune/core/agreement';
import { and, desc, eq, inArray } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../db/client.ts';
import { agreementAcknowledgements, agreements, relationships } from '../../db/schema.ts';
import { conflict, invalidInput, notFound } from '../../errors.ts';
import type { LiveEvent } from '../../notifications/notifier.ts';
import { requireUser, signedIn } from '../../plugins/auth.ts';
import { isMember, type Membership, membership } from '../../policies/relationship.ts';
import { type AgreementRow, presentAgreement } from '../../presenters/agreement.ts';
import type { Services } from '../../services.ts';
import { IdParams } from '../relationships/schema.ts';
import {
  AcknowledgeAgreementBody,
  AgreementResponse,
  AgreementVersionList,
  MaybeAgreementResponse,
  PutAgreementBody,
} from './schema.ts';

const ENDED =
  'This relationship has ended, so its agreement can no longer change. It stays here to read.';

/**
 * Who writes the agreement: the therapist once connected; the client while solo (what they
 * understood was agreed). Anyone else: not found.
 */
function mayWrite(m: Membership): boolean {
  return m.relationship.mode === 'connected' ? m.role === 'therapist' : m.role === 'client';
}

/** The other member's user id, when there is one (none while solo). */
function otherMember(m: Membership): string | null {
  if (m.relationship.mode !== 'connected') return null;
  return m.role === 'client' ? m.relationship.therapistId : m.relationship.clientId;
}

/** Versions of a relationship's agreement with their acknowledgements, newest first. */
async function loadVersions(db: Db, relationshipId: string, limit?: number) {
  const query = db
    .select()
    .from(agreements)
    .where(eq(agreements.relationshipId, relationshipId))
    .orderBy(desc(agreements.version));
  const rows = limit === undefined ? await query : await query.limit(limit);
  const acknowledgements =
    rows.length === 0
      ? []
      : await db
          .select()
          .from(agreementAcknowledgements)
          .where(
            inArray(
              agreementAcknowledgements.agreementId,
              rows.map((r) => r.id),
            ),
          );
  return { rows, acknowledgements };
}

/** The latest version, presented with its changes against the one before it; null when none. */
async function latestPresented(db: Db, relationshipId: string) {
  const { rows, acknowledgements } = await loadVersions(db, relationshipId, 2);
  const [latest, previous] = rows;
  if (!latest) return null;
  return presentAgreement(
    latest,
    acknowledgements,
    agreementChanges(previous ? contentOf(previous) : null, contentOf(latest)),
  );
}

/** One version, presented with its changes against the one before it. */
async function versionPresented(db: Db, row: AgreementRow) {
  const [[previous], acknowledgements] = await Promise.all([
    db
      .select()
      .from(agreements)
      .where(
        and(
          eq(agreements.relationshipId, row.relationshipId),
          eq(agreements.version, row.version - 1),
        ),
      )
      .limit(1),
    db
      .select()
      .from(agreementAcknowledgements)
      .where(eq(agreementAcknowledgements.agreementId, row.id)),
  ]);
  return presentAgreement(
    row,
    acknowledgements,
    agreementChanges(previous ? contentOf(previous) : null, contentOf(row)),
  );
}

export const agreementRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const { db } = services;
  const tags = ['agreement'];

  app.put(
    '/api/relationships/:id/agreement',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        body: PutAgreementBody,
        description:
          'Writes a new version of the agreement (201, version n+1), by the connected therapist or by the client while solo. `rules` (extension) left out keeps the rules of the latest version; `sessionFrequencyDays` left out means none. Saving exactly what the latest version says answers 200 with it, and writes nothing. An ended relationship: 409 `relationship_ended`.',
        response: { 200: AgreementResponse, 201: AgreementResponse },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      const m = await membership(db, actor, request.params.id);
      if (!mayWrite(m)) throw notFound();
      if (m.relationship.status === 'ended') throw conflict('relationship_ended', ENDED);
      const body = request.body;
      const { row, created } = await db.transaction(async (tx) => {
        // The relationship row, locked: two saves at once are written one after the other, as
        // versions n+1 and n+2, and a relationship ended or disconnected meanwhile is seen.
        const [locked] = await tx
          .select()
          .from(relationships)
          .where(eq(relationships.id, m.relationship.id))
          .for('update');
        if (!locked || !isMember(actor, locked)) throw notFound();
        const current: Membership = { ...m, relationship: locked };
        if (!mayWrite(current)) throw notFound();
        if (locked.status === 'ended') throw conflict('relationship_ended', ENDED);
        const [latest] = await tx
          .select()
          .from(agreements)
          .where(eq(agreements.relationshipId, locked.id))
          .orderBy(desc(agreements.version))
          .limit(1);
        const content: AgreementContent = {
          replyTimeHours: body.replyTimeHours,
          sessionFrequencyDays: body.sessionFrequencyDays ?? null,
          contact: body.contact,
          availability: body.availability,
          scheduling: body.scheduling,
          roomRules: body.roomRules,
          rules: body.rules ?? (latest ? contentOf(latest).rules : []),
          emergency: body.emergency,
        };
        if (latest && agreementChanges(contentOf(latest), content).length === 0) {
          return { row: latest, created: false };
        }
        const now = new Date();
        const [inserted] = await tx
          .insert(agreements)
          .values({
            id: randomUUID(),
            relationshipId: locked.id,
            version: (latest?.version ?? 0) + 1,
            authorId: actor.id,
            authorRole: m.role,
            ...content,
            createdAt: now,
          })
          .returning();
        // Writing a version is reading it: the author has acknowledged it.
        await tx.insert(agreementAcknowledgements).values({
          agreementId: inserted!.id,
          userId: actor.id,
          role: m.role,
          acknowledgedAt: now,
        });
        return { row: inserted as AgreementRow, created: true };
      });
      if (created) {
        await services.relationships.changed(m.relationship.id);
        const other = otherMember(m);
        if (other) {
          await services.notifier.notify({
            userId: other,
            relationshipId: m.relationship.id,
            kind: 'agreement-changed',
            subjectId: row.id,
          });
        }
      }
      return reply.status(created ? 201 : 200).send({ agreement: await versionPresented(db, row) });
    },
  );

  app.get(
    '/api/relationships/:id/agreement',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        description:
          'The latest version with `acknowledgedAt` per member and its `changes` against the version before it; `{agreement: null}` while none has been written.',
        response: { 200: MaybeAgreementResponse },
      },
    },
    async (request) => {
      const m = await membership(db, requireUser(request), request.params.id);
      return { agreement: await latestPresented(db, m.relationship.id) };
    },
  );

  app.get(
    '/api/relationships/:id/agreement/versions',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        description:
          'Every version, newest first, each with `changes: [{field, before, after, diff?, ruleChanges?}]` against the version before it (none for version 1). `diff` (texts): the words kept, added and removed, `[{op: "same"|"added"|"removed", text}]`. `ruleChanges` (rules): `[{op: "added"|"removed"|"changed", before, after}]`.',
        response: { 200: AgreementVersionList },
      },
    },
    async (request) => {
      const m = await membership(db, requireUser(request), request.params.id);
      const { rows, acknowledgements } = await loadVersions(db, m.relationship.id);
      return {
        items: rows.map((row, i) => {
          const previous = rows[i + 1];
          return presentAgreement(
            row,
            acknowledgements,
            agreementChanges(previous ? contentOf(previous) : null, contentOf(row)),
          );
        }),
      };
    },
  );

  app.post(
    '/api/relationships/:id/agreement/acknowledge',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        body: AcknowledgeAgreementBody,
        description:
          'Acknowledges the latest version (`{version}`); 200 `{agreement}`. A version that is not the latest: 409 `agreement_outdated`; one that does not exist: 400. Acknowledging again changes nothing.',
        response: { 200: AgreementResponse },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      const m = await membership(db, actor, request.params.id);
      const { version } = request.body;
      const [asked] = await db
        .select()
        .from(agreements)
        .where(
          and(eq(agreements.relationshipId, m.relationship.id), eq(agreements.version, version)),
        )
        .limit(1);
      if (!asked) {
        throw invalidInput({ version: `There is no version ${version} of this agreement.` });
      }
      const [latest] = await db
        .select({ version: agreements.version })
        .from(agreements)
        .where(eq(agreements.relationshipId, m.relationship.id))
        .orderBy(desc(agreements.version))
        .limit(1);
      if (latest && latest.version > version) {
        throw conflict(
          'agreement_outdated',
          `The agreement has changed since version ${version}. Please read version ${latest.version} and acknowledge that one.`,
        );
      }
      const inserted = await db
        .insert(agreementAcknowledgements)
        .values({
          agreementId: asked.id,
          userId: actor.id,
          role: m.role,
          acknowledgedAt: new Date(),
        })
        .onConflictDoNothing()
        .returning();
      if (inserted.length > 0) {
        await services.relationships.changed(m.relationship.id);
        const other = otherMember(m);
        if (other) {
          const event: LiveEvent = {
            id: randomUUID(),
            at: new Date().toISOString(),
            userId: other,
            relationshipId: m.relationship.id,
            kind: 'agreement-acknowledged',
            subjectId: asked.id,
          };
          await services.notifier.publish(event);
        }
      }
      return { agreement: await versionPresented(db, asked) };
    },
  );
};
