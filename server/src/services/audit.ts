import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client.ts';
import { auditEvents } from '../db/schema.ts';
import type { Membership } from '../policies/relationship.ts';

/**
 * Records a read or change of another person's clinical data, so its subject can see it.
 * Reading your own data records nothing.
 */
export async function audit(
  db: Db,
  m: Membership,
  action: string,
  subjectType: string,
  subjectId: string | null = null,
): Promise<void> {
  const subjectUserId = m.relationship.clientId;
  if (m.actor.id === subjectUserId) return;
  await db.insert(auditEvents).values({
    id: randomUUID(),
    actorId: m.actor.id,
    subjectUserId,
    relationshipId: m.relationship.id,
    action,
    subjectType,
    subjectId,
  });
}
