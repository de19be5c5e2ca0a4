import { rotateKeys } from '../server/src/crypto/rotate.ts';
import { readEnv } from '../server/src/env.ts';

/**
 * `npm run keys:rotate [-- --forget-old]`: seals every stored text again with a new key
 * (server/src/crypto/rotate.ts). Uses the same environment as `npm start`; stop Attune first.
 */

const forgetOld = process.argv.includes('--forget-old');
try {
  const env = readEnv(process.env);
  const done = await rotateKeys(env, { forgetOld });
  console.log(
    `New key ${done.newKeyId} in ${done.keyFile}; ${done.resealed} rows sealed again with it.`,
  );
  if (done.forgotten.length > 0) {
    console.log(
      `Removed the old keys ${done.forgotten.join(', ')} from the file and the database.`,
    );
  } else {
    console.log(
      'The old keys stay in the file: backups made before today need them. Run again with --forget-old to remove them.',
    );
  }
  console.log('Back up the key file again now.');
} catch (error) {
  console.error(`Could not rotate the keys: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
