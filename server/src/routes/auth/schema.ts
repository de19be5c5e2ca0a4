import { z } from 'zod';
import { PASSWORD_MAX } from '../../auth/passwords.ts';
import { storable } from '../../validation.ts';

export const Email = z
  .string()
  .trim()
  .max(254, 'Please use at most 254 characters.')
  .pipe(z.email('Please enter an email address, like name@example.com.'))
  .transform((email) => email.toLowerCase());

export const User = z
  .object({
    id: z.string(),
    email: z.string(),
    displayName: z.string(),
    role: z.enum(['client', 'therapist']),
  })
  .meta({ id: 'User' });

export const UserResponse = z.object({ user: User });

export const RegisterBody = z.strictObject({
  email: Email,
  password: z.string().max(PASSWORD_MAX, `Please use at most ${PASSWORD_MAX} characters.`),
  displayName: storable(
    z
      .string()
      .trim()
      .min(1, 'Please tell us what to call you.')
      .max(200, 'Please use at most 200 characters.'),
  ),
  role: z.enum(['client', 'therapist'], 'Please choose client or therapist.'),
});
export type RegisterBody = z.infer<typeof RegisterBody>;

export const LoginBody = z.strictObject({
  email: Email,
  password: z.string().min(1, 'Please enter your password.').max(1024),
  /** Once two-factor sign-in is on: a 6-digit authenticator code or a recovery code. */
  totp: z.string().trim().max(40, 'Please use at most 40 characters.').optional(),
});
export type LoginBody = z.infer<typeof LoginBody>;

export const EmptyBody = z.strictObject({}).optional();
