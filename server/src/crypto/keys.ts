import fs from 'node:fs';
import path from 'node:path';
import {
  type DataKey,
  KEY_BYTES,
  KEY_ID,
  type Keyring,
  makeKeyring,
  newDataKey,
} from './cipher.ts';

/**
 * The key file: where the keys that seal clinical text live (cipher.ts). It is
 * ATTUNE_SECRET_KEY_FILE when set (it must then exist: several instances share one), otherwise
 * `secret.key` in the data directory, made on first start with owner-only permissions.
 *
 * Format: one key a line, `<id> <32 bytes in base64>`; `#` starts a comment. The last key is
 * the current one, with which new text is sealed; the others still open older text.
 */

export const KEY_FILE_NAME = 'secret.key';

const HEADER = [
  '# Attune data encryption keys. Keep this file secret, and back it up apart from the',
  '# database: without it, nobody can read the text people wrote in Attune.',
  '# One key a line, "<id> <base64>". The last line is the key new text is sealed with.',
];

export type LoadedKeys = {
  keyring: Keyring;
  path: string;
  /** Made just now: the operator must be told to back it up. */
  created: boolean;
  /** Readable or writable by others than its owner (a warning, not a refusal). */
  loosePermissions: boolean;
};

export function keyFilePath(options: { secretKeyFile: string | undefined; dataDir: string }) {
  return options.secretKeyFile ?? path.join(options.dataDir, KEY_FILE_NAME);
}

export function parseKeyFile(text: string, where: string): DataKey[] {
  const keys: DataKey[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const [id, secret, extra] = line.split(/\s+/);
    const bytes = secret === undefined ? undefined : Buffer.from(secret, 'base64');
    if (!id || !KEY_ID.test(id) || !bytes || bytes.length !== KEY_BYTES || extra !== undefined) {
      throw new Error(
        `${where}, line ${index + 1}: expected "<id> <${KEY_BYTES} bytes in base64>" (id: a–z, 0–9).`,
      );
    }
    keys.push({ id, secret: bytes });
  });
  if (keys.length === 0) throw new Error(`${where} holds no key.`);
  return keys;
}

export function formatKeyFile(keys: DataKey[]): string {
  return `${[...HEADER, ...keys.map((k) => `${k.id} ${k.secret.toString('base64')}`)].join('\n')}\n`;
}

/** Writes the key file whole or not at all (a temporary file renamed over it), owner-only. */
export function writeKeyFile(file: string, keys: DataKey[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(temporary, 'w', 0o600);
  try {
    fs.writeFileSync(fd, formatKeyFile(keys));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temporary, file);
}

/** Loads the keyring, making the key file in the data directory on first start. */
export function loadKeys(options: {
  secretKeyFile: string | undefined;
  dataDir: string;
}): LoadedKeys {
  const file = keyFilePath(options);
  let created = false;
  if (!fs.existsSync(file)) {
    if (options.secretKeyFile !== undefined) {
      throw new Error(
        `ATTUNE_SECRET_KEY_FILE names ${file}, which does not exist. Point it at the key file the data was written with, or unset it to use the data directory's.`,
      );
    }
    writeKeyFile(file, [newDataKey()]);
    created = true;
  }
  const keyring = makeKeyring(parseKeyFile(fs.readFileSync(file, 'utf8'), file));
  const mode = fs.statSync(file).mode;
  return { keyring, path: file, created, loosePermissions: (mode & 0o077) !== 0 };
}
