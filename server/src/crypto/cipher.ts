import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Encryption at rest of the free text people write (docs/THREAT-MODEL.md): AES-256-GCM from
 * node:crypto, a fresh 96-bit nonce for every value written, and the column's name as
 * additional authenticated data, so a value moved to another column does not open.
 *
 * A sealed value is one string: `enc1.<key id>.<nonce>.<ciphertext and tag>` (base64url). The
 * key id says which key of the keyring opens it, so keys can rotate (`npm run keys:rotate`):
 * new text is sealed with the current key, older text opens with the key it names.
 *
 * The keyring is process-wide: the database columns (schema.ts) seal and open through it
 * synchronously, in Drizzle's value mapping. The server installs it once at start-up, before the
 * database is opened; tests install a random one (server/src/test/harness.ts).
 */

export type DataKey = { id: string; secret: Buffer };

export type Keyring = {
  /** The key new values are sealed with. */
  current: DataKey;
  /** Every key that may open a stored value, the current one included. */
  keys: ReadonlyMap<string, DataKey>;
};

export const SEALED_PREFIX = 'enc1.';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;
export const KEY_ID = /^[a-z0-9]{1,32}$/;

export class KeyringError extends Error {}

let installed: Keyring | undefined;

export function makeKeyring(keys: DataKey[]): Keyring {
  const current = keys.at(-1);
  if (!current) throw new KeyringError('A keyring needs at least one key.');
  const byId = new Map<string, DataKey>();
  for (const key of keys) {
    if (!KEY_ID.test(key.id)) throw new KeyringError(`"${key.id}" is not a valid key id.`);
    if (key.secret.length !== KEY_BYTES) {
      throw new KeyringError(`Key ${key.id} is not ${KEY_BYTES} bytes long.`);
    }
    if (byId.has(key.id)) throw new KeyringError(`Key ${key.id} appears twice.`);
    byId.set(key.id, key);
  }
  return { current, keys: byId };
}

export function newDataKey(): DataKey {
  return { id: `k${randomBytes(5).toString('hex')}`, secret: randomBytes(KEY_BYTES) };
}

export function installKeyring(keyring: Keyring): void {
  installed = keyring;
}

export function installedKeyring(): Keyring {
  if (!installed) {
    throw new KeyringError('No encryption key is installed: the server installs one at start-up.');
  }
  return installed;
}

/** Seals a value of the column named `column` (e.g. "messages.body") with the current key. */
export function seal(column: string, plain: string, keyring = installedKeyring()): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyring.current.secret, nonce);
  cipher.setAAD(Buffer.from(column));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${SEALED_PREFIX}${keyring.current.id}.${nonce.toString('base64url')}.${body.toString('base64url')}`;
}

/**
 * Opens a stored value of the column named `column`. A value that is not sealed is text written
 * before encryption existed and is returned as it is (start-up seals such values: keys.ts).
 * A sealed value that does not open (unknown key, tampered, moved from another column) throws.
 */
export function unseal(column: string, stored: string, keyring = installedKeyring()): string {
  if (!stored.startsWith(SEALED_PREFIX)) return stored;
  const [keyId, nonceText, bodyText, extra] = stored.slice(SEALED_PREFIX.length).split('.');
  if (keyId === undefined || nonceText === undefined || bodyText === undefined || extra) {
    throw new KeyringError(`A stored value of ${column} is damaged.`);
  }
  const key = keyring.keys.get(keyId);
  if (!key) throw new KeyringError(`A stored value of ${column} needs key ${keyId}, not loaded.`);
  const nonce = Buffer.from(nonceText, 'base64url');
  const body = Buffer.from(bodyText, 'base64url');
  if (nonce.length !== NONCE_BYTES || body.length < TAG_BYTES) {
    throw new KeyringError(`A stored value of ${column} is damaged.`);
  }
  const decipher = createDecipheriv('aes-256-gcm', key.secret, nonce);
  decipher.setAAD(Buffer.from(column));
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  try {
    return Buffer.concat([
      decipher.update(body.subarray(0, body.length - TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    throw new KeyringError(`A stored value of ${column} does not open with key ${keyId}.`);
  }
}
