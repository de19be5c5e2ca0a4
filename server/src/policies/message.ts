import { eq } from 'drizzle-orm';
import type { SessionUser } from '../auth/sessions.ts';
import type { Db } from '../db/client.ts';
import { messages } from '../db/schema.ts';
import { AppError, conflict, notFound } from '../errors.ts';
import { isId, type Membership, membership, type RelationshipRow } from './relationship.ts';

/**
 * Who may do what with messages. Both members of a connected relationship see every message of
 * it; only the recipient marks one read or acknowledges it; only the client asks for a call; only
 * the therapist logs a call back, on the client's urgent message or call request. Anyone else:
 * not found.
 */

export type MessageRow = typeof messages.$inferSelect;
type Role = 'client' | 'therapist';

/** Sending needs a connected, active relationship; otherwise a 409 that says why. */
export function checkCanSend(relationship: RelationshipRow): void {
  if (relationship.mode !== 'connected') {
    throw conflict(
      'not_connected',
      'Messages need your therapist to be on Attune. Invite them from the relationship page, and you can write to each other here.',
    );
  }
  if (relationship.status === 'ended') {
    throw conflict(
      'relationship_ended',
      'This relationship has ended, so no new messages can be sent. Earlier messages stay here to read.',
    );
  }
}

/** Only the client asks to be called. */
export function mayRequestCall(m: Membership): boolean {
  return m.role === 'client';
}

/** Only the client sends their own letters as messages. */
export function maySendLetter(m: Membership): boolean {
  return m.role === 'client';
}

export function isOwnMessage(m: Membership, message: MessageRow): boolean {
  return message.senderRole === m.role;
}

/** A 400 for marking your own message read or acknowledged: that is the recipient's to do. */
export const ownMessage = () =>
  new AppError(
    400,
    'own_message',
    'This is a message you sent. Only the person you sent it to can mark it read or acknowledge it.',
  );

/** The therapist logs a call back on the client's urgent message or request to call. */
export function mayLogCallBack(m: Membership, message: MessageRow): boolean {
  return m.role === 'therapist' && message.senderRole === 'client';
}

export function asksForCall(message: MessageRow): boolean {
  return message.kind === 'call-request' || message.urgent;
}

/** The user a message from `senderRole` goes to, when there is one. */
export function recipientOf(relationship: RelationshipRow, senderRole: Role): string | null {
  if (senderRole === 'therapist') return relationship.clientId;
  return relationship.mode === 'connected' ? relationship.therapistId : null;
}

/** A message the actor may see, with their membership of its relationship; anything else 404. */
export async function messageFor(
  db: Db,
  actor: SessionUser,
  id: string,
): Promise<{ m: Membership; message: MessageRow }> {
  if (!isId(id)) throw notFound();
  const [message] = await db.select().from(messages).where(eq(messages.id, id)).limit(1);
  if (!message) throw notFound();
  const m = await membership(db, actor, message.relationshipId);
  return { m, message };
}
