import { installKeyring } from '../crypto/cipher.ts';
import { loadKeys } from '../crypto/keys.ts';
import { openDatabase } from '../db/client.ts';
import { lockDataDir } from '../db/lock.ts';
import type { Env } from '../env.ts';
import { type GrantResult, grantModerator, revokeModerator } from './moderators.ts';

/**
 * The admin command (scripts/admin.ts): `grant-moderator <email>` and `revoke-moderator
 * <email>`, on PGlite or PostgreSQL, with the same environment as the server. On PGlite, stop
 * Attune first: the data directory's lock makes sure of it.
 */

export const ADMIN_USAGE = `Usage: npm run admin -- <command>

Commands:
  grant-moderator <email>    let this account moderate the community
  revoke-moderator <email>   take that back (emails in ATTUNE_MODERATORS stay moderators)`;

export class AdminUsageError extends Error {}

const MESSAGES: Record<GrantResult, (email: string) => string> = {
  granted: (email) => `${email} is now a community moderator.`,
  already: (email) => `${email} was already a community moderator.`,
  revoked: (email) => `${email} is no longer a community moderator.`,
  'not-granted': (email) => `${email} had not been granted moderation; nothing changed.`,
  'no-account': (email) => `There is no account with the email ${email}.`,
};

export async function runAdmin(
  args: readonly string[],
  env: Env,
): Promise<{ result: GrantResult; message: string }> {
  const [command, email, extra] = args;
  if (
    (command !== 'grant-moderator' && command !== 'revoke-moderator') ||
    !email ||
    extra !== undefined
  ) {
    throw new AdminUsageError(ADMIN_USAGE);
  }
  const lock = env.databaseUrl ? undefined : lockDataDir(env.dataDir);
  try {
    // As main.ts does: the keyring is installed before the database opens.
    installKeyring(loadKeys(env).keyring);
    const database = await openDatabase({
      databaseUrl: env.databaseUrl,
      dataDir: env.dataDir,
      poolSize: 2,
    });
    try {
      const normalized = email.trim().toLowerCase();
      const result =
        command === 'grant-moderator'
          ? await grantModerator(database.db, normalized)
          : await revokeModerator(database.db, normalized);
      return { result, message: MESSAGES[result](normalized) };
    } finally {
      await database.close();
    }
  } finally {
    lock?.release();
  }
}
