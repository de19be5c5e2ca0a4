import type { SessionUser } from '../auth/sessions.ts';

/** What the server says about a user: an allow-list, so a new column never leaks. */
export function presentUser(user: SessionUser) {
  return { id: user.id, email: user.email, displayName: user.displayName, role: user.role };
}
