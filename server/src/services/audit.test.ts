import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../db/schema.ts';
import type { Membership } from '../policies/relationship.ts';
import { startTestApp, type TestApp } from '../test/harness.ts';
import { buildRelationship } from '../test/world.ts';
import { AuditLog } from './audit.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

async function therapistMembership(): Promise<Membership> {
  const { therapist, relationship } = await buildRelationship(t.app, { mode: 'connected' });
  const [row] = await t.services.db.query.relationships.findMany({
    where: (r, { eq: equals }) => equals(r.id, relationship.id),
  });
  return {
    relationship: row!,
    role: 'therapist',
    actor: {
      id: therapist.id,
      email: therapist.email,
      displayName: therapist.displayName,
      role: 'therapist',
    },
  };
}

/** The read rows of a relationship (connecting it wrote a row of its own). */
const rowsOf = (relationshipId: string) =>
  t.services.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.relationshipId, relationshipId), eq(auditEvents.action, 'read')));

describe('AuditLog', () => {
  it('writes every one of many concurrent reads before answering them', async () => {
    const m = await therapistMembership();
    const log = new AuditLog(t.services.db);
    await Promise.all(
      Array.from({ length: 120 }, (_, i) => log.record(m, 'read', 'checkin', `c${i}`)),
    );
    const rows = await rowsOf(m.relationship.id);
    expect(rows).toHaveLength(120);
    expect(new Set(rows.map((r) => r.subjectId)).size).toBe(120);
    expect(
      rows.every((r) => r.actorId === m.actor.id && r.subjectUserId === m.relationship.clientId),
    ).toBe(true);
  });

  it('records nothing when people read their own data', async () => {
    const m = await therapistMembership();
    const own: Membership = {
      ...m,
      role: 'client',
      actor: { ...m.actor, id: m.relationship.clientId, role: 'client' },
    };
    await new AuditLog(t.services.db).record(own, 'read', 'checkins');
    expect(await rowsOf(m.relationship.id)).toHaveLength(0);
  });

  it('fails the reads of a batch that cannot be written, and keeps working after', async () => {
    const m = await therapistMembership();
    const log = new AuditLog(t.services.db);
    const broken: Membership = {
      ...m,
      relationship: { ...m.relationship, clientId: randomUUID() },
    };
    await expect(log.record(broken, 'read', 'checkins')).rejects.toBeDefined();
    await log.record(m, 'read', 'checkins');
    expect(await rowsOf(m.relationship.id)).toHaveLength(1);
  });

  it('fails only the read whose row cannot be written when it shares a batch with others', async () => {
    const m = await therapistMembership();
    const log = new AuditLog(t.services.db);
    const gone: Membership = {
      ...m,
      relationship: { ...m.relationship, clientId: randomUUID() },
    };
    // The first read is written alone; the rest wait together for the next batch.
    const results = await Promise.allSettled([
      log.record(m, 'read', 'checkin', 'first'),
      log.record(m, 'read', 'checkin', 'a'),
      log.record(gone, 'read', 'checkin', 'erased'),
      log.record(m, 'read', 'checkin', 'b'),
    ]);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    const rows = await rowsOf(m.relationship.id);
    expect(rows.map((r) => r.subjectId).sort()).toEqual(['a', 'b', 'first']);
  });
});
