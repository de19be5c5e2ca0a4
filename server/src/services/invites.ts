import { createHash, randomInt, randomUUID } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { SessionUser } from '../auth/sessions.ts';
import type { Db } from '../db/client.ts';
import { invites, relationships } from '../db/schema.ts';
import { notFound } from '../errors.ts';

/**
 * Invite codes: 12 characters from an alphabet without look-alikes (no 0/O, 1/I/L), shown as
 * XXXX-XXXX-XXXX, single use, valid 7 days. Only a hash is stored.
 */

const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const LENGTH = 12;
export const INVITE_DAYS = 7;

export function normalizeCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

const hashCode = (code: string) =>
  createHash('sha256').update(normalizeCode(code)).digest('base64url');

export async function createInvite(db: Db, relationshipId: string, now = Date.now()) {
  let code = '';
  for (let i = 0; i < LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  const shown = `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
  const expiresAt = new Date(now + INVITE_DAYS * 86_400_000);
  await db
    .insert(invites)
    .values({ id: randomUUID(), relationshipId, codeHash: hashCode(code), expiresAt });
  return { code: shown, expiresAt };
}

/** Connects the therapist to the invite's relationship; 404 for a used, expired or unknown code. */
export async function acceptInvite(db: Db, therapist: SessionUser, code: string) {
  if (therapist.role !== 'therapist') throw notFound();
  const normalized = normalizeCode(code);
  if (normalized.length !== LENGTH) throw notFound();
  return db.transaction(async (tx) => {
    const [invite] = await tx
      .update(invites)
      .set({ usedAt: new Date() })
      .where(
        and(
          eq(invites.codeHash, hashCode(normalized)),
          isNull(invites.usedAt),
          gt(invites.expiresAt, new Date()),
        ),
      )
      .returning();
    if (!invite) throw notFound();
    const [relationship] = await tx
      .update(relationships)
      .set({ mode: 'connected', therapistId: therapist.id })
      .where(
        and(
          eq(relationships.id, invite.relationshipId),
          eq(relationships.mode, 'solo'),
          eq(relationships.status, 'active'),
        ),
      )
      .returning();
    if (!relationship) throw notFound();
    return relationship;
  });
}
