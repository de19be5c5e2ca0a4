import { AdminUsageError, runAdmin } from '../server/src/community/admin.ts';
import { readEnv } from '../server/src/env.ts';

/**
 * `npm run admin -- grant-moderator <email>` / `revoke-moderator <email>`
 * (server/src/community/admin.ts). Uses the same environment as `npm start`; on PGlite, stop
 * Attune first.
 */

try {
  const done = await runAdmin(process.argv.slice(2), readEnv(process.env));
  console.log(done.message);
  if (done.result === 'no-account') process.exitCode = 1;
} catch (error) {
  if (error instanceof AdminUsageError) {
    console.error(error.message);
    process.exitCode = 2;
  } else {
    console.error(`The admin command failed: ${error instanceof Error ? error.message : error}`);
    process.exitCode = 1;
  }
}
