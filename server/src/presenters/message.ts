import type { messages } from '../db/schema.ts';

export type MessageRow = typeof messages.$inferSelect;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A message on the wire, field by field: a new column (the sender's id) never leaks by accident. */
export function presentMessage(m: MessageRow) {
  return {
    id: m.id,
    relationshipId: m.relationshipId,
    senderRole: m.senderRole,
    kind: m.kind,
    body: m.body,
    urgent: m.urgent,
    letterId: m.letterId,
    sentAt: m.sentAt.toISOString(),
    readAt: iso(m.readAt),
    acknowledgedAt: iso(m.acknowledgedAt),
    acknowledgementNote: m.acknowledgementNote,
    replyBy: iso(m.replyBy),
    replyDueAt: iso(m.replyDueAt),
    repliedAt: iso(m.repliedAt),
    calledBackAt: iso(m.calledBackAt),
    callOutcome: m.callOutcome,
  };
}
