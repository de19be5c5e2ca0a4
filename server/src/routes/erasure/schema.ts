import { PasswordBody } from '../security/schema.ts';

/**
 * DELETE /api/me: the password again and, with two-factor sign-in on, a code from the
 * authenticator app or a recovery code (`totp`), as every re-authentication asks. Unknown
 * fields: 400.
 */
export const EraseBody = PasswordBody;
