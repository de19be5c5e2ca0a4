import { z } from 'zod';
import { PASSWORD_MAX } from '../../auth/passwords.ts';
import { Email } from '../auth/schema.ts';

const Password = z.string().min(1, 'Please enter your password.').max(PASSWORD_MAX);

/** Re-authentication is optional when turning two-factor on (API.md allows `{}`), checked when given. */
export const StartTotpBody = z.strictObject({ password: Password.optional() }).optional();

export const TotpEnrolment = z.object({
  secret: z.string(),
  otpauthUri: z.string(),
  qrSvg: z.string(),
});

export const ConfirmTotpBody = z.strictObject({
  code: z.string().trim().min(1, 'Please enter the 6-digit code.').max(12),
});

export const RecoveryCodesResponse = z.object({ recoveryCodes: z.array(z.string()) });

/** With two-factor on, changes to how one signs in need a code too (a TOTP or recovery code). */
const SecondFactor = z.string().trim().max(40, 'Please use at most 40 characters.').optional();

export const PasswordBody = z.strictObject({ password: Password, totp: SecondFactor });

export const ChangePasswordBody = z.strictObject({
  currentPassword: Password,
  newPassword: z.string().max(PASSWORD_MAX, `Please use at most ${PASSWORD_MAX} characters.`),
  totp: SecondFactor,
});

export const ChangeEmailBody = z.strictObject({
  password: Password,
  email: Email,
  totp: SecondFactor,
});

export const TwoFactorStatus = z.object({
  enabled: z.boolean(),
  recoveryCodesLeft: z.number().int(),
});

export const SignIn = z.object({
  id: z.string(),
  current: z.boolean(),
  createdAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
  userAgent: z.string().nullable(),
});

export const SignInList = z.object({ items: z.array(SignIn) });

/** Any string: an id that is not one of the caller's sign-ins (well-formed or not) is 404. */
export const SignInParams = z.strictObject({ id: z.string().max(64) });

export const SignOutEverywhereBody = z
  .strictObject({ includeThis: z.boolean().optional() })
  .optional();
