import fs from 'node:fs';
import { openDatabase } from '../db/client.ts';
import { lockDataDir } from '../db/lock.ts';
import type { Env } from '../env.ts';
import { installKeyring, makeKeyring, newDataKey } from './cipher.ts';
import { keyFilePath, parseKeyFile, writeKeyFile } from './keys.ts';
import { compact, forgetKeys, prepareKeys, reseal } from './reseal.ts';

export type Rotation = { keyFile: string; newKeyId: string; resealed: number; forgotten: string[] };

/**
 * `npm run keys:rotate`: a new current key, and every stored text sealed again with it. Run it
 * with Attune stopped (on PGlite the data directory's lock makes sure of it).
 *
 * The new key is written to the key file before any text is resealed, so a rotation cut short
 * leaves text under the old and the new key, both in the file: running it again finishes it.
 * Older keys stay in the file (backups taken before need them) unless `forgetOld`: then, once
 * nothing needs them, they leave the file and the database's list of keys.
 */
export async function rotateKeys(env: Env, options: { forgetOld: boolean }): Promise<Rotation> {
  const keyFile = keyFilePath(env);
  if (!fs.existsSync(keyFile)) {
    throw new Error(`There is no key file at ${keyFile} yet: start Attune once to make one.`);
  }
  const lock = env.databaseUrl ? undefined : lockDataDir(env.dataDir);
  try {
    const old = parseKeyFile(fs.readFileSync(keyFile, 'utf8'), keyFile);
    const next = newDataKey();
    const keys = [...old, next];
    writeKeyFile(keyFile, keys);
    const keyring = makeKeyring(keys);
    installKeyring(keyring);
    const database = await openDatabase({
      databaseUrl: env.databaseUrl,
      dataDir: env.dataDir,
      poolSize: 2,
    });
    try {
      await prepareKeys(database.db, keyring);
      const resealed = await reseal(database.db, keyring);
      let forgotten: string[] = [];
      if (options.forgetOld) {
        forgotten = await forgetKeys(database.db, next.id);
        writeKeyFile(keyFile, [next]);
        installKeyring(makeKeyring([next]));
        // The text under the old keys leaves the data files too.
        await compact(database.db);
      }
      return { keyFile, newKeyId: next.id, resealed, forgotten };
    } finally {
      await database.close();
    }
  } finally {
    lock?.release();
  }
}
