import type { FastifyRequest } from 'fastify';
import type { Db } from '../db/client.ts';
import type { users } from '../db/schema.ts';
import { AppError, tooManyRequests } from '../errors.ts';
import { verifyPassword } from './passwords.ts';
import type { LoginThrottle } from './throttle.ts';
import { useSecondFactor } from './totp.ts';

/**
 * Re-authentication before what a borrowed session must not do alone (changing the password,
 * the email or two-factor sign-in; erasing the account): the password again and, with two-factor
 * on, a code. Wrong guesses count in the sign-in throttle, so a session cannot be used to guess.
 */

type UserRow = typeof users.$inferSelect;

export const wrongPassword = () =>
  new AppError(401, 'invalid_password', "That password isn't right. Please try again.");

export const totpRequired = () =>
  new AppError(
    401,
    'totp_required',
    'Please enter the 6-digit code from your authenticator app, or a recovery code.',
  );

export const totpInvalid = () =>
  new AppError(
    401,
    'totp_invalid',
    "That code didn't work. Codes change every 30 seconds and work once; please try the newest one.",
  );

export async function checkPassword(
  throttle: LoginThrottle,
  request: FastifyRequest,
  user: Pick<UserRow, 'email' | 'passwordHash'>,
  password: string,
): Promise<void> {
  const wait = await throttle.retryAfter(user.email, request.ip);
  if (wait > 0) throw tooManyRequests(wait);
  if (!(await verifyPassword(user.passwordHash, password))) {
    await throttle.recordFailure(user.email, request.ip);
    throw wrongPassword();
  }
}

/** With two-factor on, a valid unused code (or recovery code) is needed; it is then used up. */
export async function checkSecondFactor(
  db: Db,
  throttle: LoginThrottle,
  request: FastifyRequest,
  user: UserRow,
  code: string | undefined,
): Promise<void> {
  if (!user.totpConfirmedAt) return;
  if (!code) throw totpRequired();
  if (!(await useSecondFactor(db, user, code))) {
    await throttle.recordFailure(user.email, request.ip);
    throw totpInvalid();
  }
}

/** The password, then the second factor when it is on. */
export async function reauthenticate(
  db: Db,
  throttle: LoginThrottle,
  request: FastifyRequest,
  user: UserRow,
  proof: { password: string; totp?: string | undefined },
): Promise<void> {
  await checkPassword(throttle, request, user, proof.password);
  await checkSecondFactor(db, throttle, request, user, proof.totp);
}
