import { request } from './client';

/** Erasing one's own account (docs/api/privacy.md, "Erasure"). */

/**
 * Erases the signed-in account. `totp` is the code from an authenticator app or a recovery
 * code, needed when two-factor sign-in is on. Resolves once it is done: the server has ended
 * every sign-in, this one too.
 */
export const eraseAccount = (password: string, totp?: string) =>
  request<undefined>('DELETE', '/api/me', totp ? { password, totp } : { password });

/**
 * Forgets what Attune kept in this browser: unsent drafts (letters, records, messages) and
 * where a flow was left. They are all under keys that start with "attune".
 */
export function forgetThisBrowser(): void {
  for (const area of ['localStorage', 'sessionStorage'] as const) {
    try {
      const storage = window[area];
      const keys = Array.from({ length: storage.length }, (_, i) => storage.key(i));
      for (const key of keys) if (key?.startsWith('attune')) storage.removeItem(key);
    } catch {
      // Storage turned off in this browser: nothing was kept there.
    }
  }
}
