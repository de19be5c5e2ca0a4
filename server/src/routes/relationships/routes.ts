import { randomUUID } from 'node:crypto';
import { desc, eq } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { relationships } from '../../db/schema.ts';
import { notFound } from '../../errors.ts';
import { requireUser, signedIn } from '../../plugins/auth.ts';
import { authorize, memberOf, membership } from '../../policies/relationship.ts';
import { presentRelationship } from '../../presenters/relationship.ts';
import { acceptInvite, createInvite } from '../../services/invites.ts';
import type { Services } from '../../services.ts';
import {
  CodeParams,
  CreateRelationshipBody,
  EmptyBody,
  IdParams,
  InviteResponse,
  RelationshipList,
  RelationshipResponse,
  UpdateRelationshipBody,
} from './schema.ts';

export const relationshipRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const { db } = services;
  const tags = ['relationships'];

  app.post(
    '/api/relationships',
    {
      onRequest: signedIn,
      schema: { tags, body: CreateRelationshipBody, response: { 201: RelationshipResponse } },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      if (actor.role !== 'client') throw notFound();
      const [relationship] = await db
        .insert(relationships)
        .values({
          id: randomUUID(),
          clientId: actor.id,
          therapistName: request.body.therapistName,
          mode: 'solo',
          status: 'active',
          sensitivity: 'standard',
        })
        .returning();
      return reply.status(201).send({ relationship: presentRelationship(relationship!) });
    },
  );

  app.get(
    '/api/relationships',
    { onRequest: signedIn, schema: { tags, response: { 200: RelationshipList } } },
    async (request) => {
      const actor = requireUser(request);
      const rows = await db
        .select()
        .from(relationships)
        .where(memberOf(actor))
        .orderBy(relationships.status, desc(relationships.createdAt));
      return { items: rows.map(presentRelationship) };
    },
  );

  app.get(
    '/api/relationships/:id',
    {
      onRequest: signedIn,
      schema: { tags, params: IdParams, response: { 200: RelationshipResponse } },
    },
    async (request) => {
      const m = await membership(db, requireUser(request), request.params.id);
      return { relationship: presentRelationship(m.relationship) };
    },
  );

  app.patch(
    '/api/relationships/:id',
    {
      onRequest: signedIn,
      schema: {
        tags,
        params: IdParams,
        body: UpdateRelationshipBody,
        response: { 200: RelationshipResponse },
      },
    },
    async (request) => {
      const m = authorize(await membership(db, requireUser(request), request.params.id), 'update');
      const { status, therapistName, sensitivity } = request.body;
      const changes = {
        ...(therapistName !== undefined ? { therapistName } : {}),
        ...(sensitivity !== undefined ? { sensitivity } : {}),
        ...(status !== undefined && status !== m.relationship.status
          ? { status, endedAt: status === 'ended' ? new Date() : null }
          : {}),
      };
      if (Object.keys(changes).length === 0)
        return { relationship: presentRelationship(m.relationship) };
      const [relationship] = await db
        .update(relationships)
        .set(changes)
        .where(eq(relationships.id, m.relationship.id))
        .returning();
      await services.relationships.changed(m.relationship.id);
      return { relationship: presentRelationship(relationship!) };
    },
  );

  app.post(
    '/api/relationships/:id/invites',
    {
      onRequest: signedIn,
      schema: { tags, params: IdParams, body: EmptyBody, response: { 201: InviteResponse } },
    },
    async (request, reply) => {
      const m = authorize(await membership(db, requireUser(request), request.params.id), 'invite');
      const invite = await createInvite(db, m.relationship.id);
      return reply
        .status(201)
        .send({ invite: { code: invite.code, expiresAt: invite.expiresAt.toISOString() } });
    },
  );

  app.post(
    '/api/invites/:code/accept',
    {
      onRequest: signedIn,
      config: { rateLimit: { max: 20, timeWindow: '1 minute' } },
      schema: {
        tags,
        params: CodeParams,
        body: EmptyBody,
        response: { 200: RelationshipResponse },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      const relationship = await acceptInvite(db, actor, request.params.code);
      await services.relationships.changed(relationship.id);
      await services.audit.record(
        { relationship, role: 'therapist', actor },
        'connect',
        'relationship',
        relationship.id,
      );
      return { relationship: presentRelationship(relationship) };
    },
  );
};
