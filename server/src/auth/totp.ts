import { createHash, randomInt, randomUUID } from 'node:crypto';
import { and, eq, isNull, lt, or } from 'drizzle-orm';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import type { Db } from '../db/client.ts';
import { recoveryCodes, users } from '../db/schema.ts';

/**
 * Two-factor sign-in: TOTP (RFC 6238, 30-second steps, 6 digits, SHA-1 — what every
 * authenticator app speaks) and single-use recovery codes.
 */

export const TOTP_ISSUER = 'Attune';
const PERIOD_SECONDS = 30;
const RECOVERY_CODE_COUNT = 10;
/** No 0/o, 1/l/i: a recovery code is often read off paper. */
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const RECOVERY_GROUPS = 4;
const RECOVERY_GROUP_LENGTH = 4;

/** A new base32 secret of 160 random bits. */
export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** The otpauth:// address an authenticator app reads from the QR code. */
export function totpUri(secret: string, email: string): string {
  return generateURI({ issuer: TOTP_ISSUER, label: email, secret });
}

/** The otpauth address as an SVG QR code: only rectangles and paths, none of the address as text. */
export function totpQrSvg(uri: string): Promise<string> {
  return QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

/** A six-digit authenticator code, as opposed to a recovery code. */
export function looksLikeTotpCode(code: string): boolean {
  return /^\d{6}$/.test(code.replace(/\s/g, ''));
}

/**
 * The time step of a code that is valid now (±1 step for clock drift) and later than
 * `afterStep`, or undefined. The caller must still claim the step atomically, so that two
 * requests with the same code cannot both succeed.
 */
export async function totpStep(
  secret: string,
  code: string,
  afterStep: number | null,
  nowMs: number = Date.now(),
): Promise<number | undefined> {
  const token = code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(token)) return undefined;
  const result = await verify({
    secret,
    token,
    epoch: Math.floor(nowMs / 1000),
    epochTolerance: PERIOD_SECONDS,
    ...(afterStep === null ? {} : { afterTimeStep: afterStep }),
  });
  return result.valid && 'timeStep' in result ? result.timeStep : undefined;
}

/** Ten new recovery codes like `abcd-efgh-jkmn-pqrs` (16 of 31 symbols: about 79 random bits). */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () =>
    Array.from({ length: RECOVERY_GROUPS }, () =>
      Array.from(
        { length: RECOVERY_GROUP_LENGTH },
        () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)],
      ).join(''),
    ).join('-'),
  );
}

/**
 * What is stored of a recovery code. Plain SHA-256 is enough here (unlike for passwords):
 * each code carries about 79 random bits, so even a leaked table cannot be searched by brute force,
 * and a fast hash lets sign-in look the code up directly. Case, spaces and dashes are ignored.
 */
export function hashRecoveryCode(code: string): string {
  const normalized = code.toLowerCase().replace(/[\s-]/g, '');
  return createHash('sha256').update(`attune-recovery:${normalized}`).digest('hex');
}

/** Replaces a user's recovery codes with ten new ones; returns them (the only copy). */
export async function replaceRecoveryCodes(db: Db, userId: string): Promise<string[]> {
  const codes = newRecoveryCodes();
  await db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  await db
    .insert(recoveryCodes)
    .values(codes.map((code) => ({ id: randomUUID(), userId, codeHash: hashRecoveryCode(code) })));
  return codes;
}

/**
 * Checks a second factor at sign-in and uses it up: an authenticator code claims its time
 * step (only if later than the last one used, in one conditional update, so of two
 * concurrent sign-ins with the same code exactly one wins); a recovery code is marked used
 * the same way.
 */
export async function useSecondFactor(
  db: Db,
  user: { id: string; totpSecret: string | null; totpLastStep: number | null },
  code: string,
  nowMs: number = Date.now(),
): Promise<boolean> {
  if (!user.totpSecret) return false;
  if (looksLikeTotpCode(code)) {
    const step = await totpStep(user.totpSecret, code, user.totpLastStep, nowMs);
    if (step === undefined) return false;
    const claimed = await db
      .update(users)
      .set({ totpLastStep: step })
      .where(
        and(eq(users.id, user.id), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))),
      )
      .returning({ id: users.id });
    return claimed.length === 1;
  }
  const used = await db
    .update(recoveryCodes)
    .set({ usedAt: new Date(nowMs) })
    .where(
      and(
        eq(recoveryCodes.userId, user.id),
        eq(recoveryCodes.codeHash, hashRecoveryCode(code)),
        isNull(recoveryCodes.usedAt),
      ),
    )
    .returning({ id: recoveryCodes.id });
  return used.length === 1;
}
