import type { auditEvents, users } from '../db/schema.ts';

type AuditRow = typeof auditEvents.$inferSelect;
type ActorRow = Pick<typeof users.$inferSelect, 'id' | 'displayName' | 'role'>;

/**
 * What the subject of the audit trail sees of one event, field by field. The actor is named by
 * display name and role only (never an email); an erased account shows as null.
 */
export function presentAuditEvent(row: AuditRow, actor: ActorRow | null) {
  return {
    at: row.at.toISOString(),
    actor: actor ? { id: actor.id, displayName: actor.displayName, role: actor.role } : null,
    action: row.action,
    subjectType: row.subjectType,
    subjectId: row.subjectId,
    relationshipId: row.relationshipId,
  };
}
