import { createHmac, hkdfSync } from 'node:crypto';
import { type DataKey, installedKeyring, type Keyring } from '../crypto/cipher.ts';

/**
 * Opaque references (docs/COMMUNITY.md, "Anonymity"): keyed digests — HMAC-SHA256 under a key
 * derived with HKDF from a data key of the keyring — that let the server recognize the same
 * person again (a blocked asker, a repeated report, a rate-limit window) without any table
 * holding who they are. Without the key file they cannot be reversed or recomputed.
 *
 * Each purpose puts its own label and the context it belongs to (the person blocking, the
 * target reported) into the digest, so references of one purpose or owner cannot be matched
 * with those of another: two people's blocks of the same asker do not look alike.
 *
 * New references are made with the current key; a reference is looked for under every key of
 * the keyring, so blocks outlive a key rotation as long as the old key is kept (`keys:rotate`
 * without `--forget-old`).
 */

export type RefPurpose = 'block-asker' | 'block-question' | 'report' | 'rate';

const derived = new WeakMap<DataKey, Buffer>();

function refKey(key: DataKey): Buffer {
  let secret = derived.get(key);
  if (!secret) {
    secret = Buffer.from(
      hkdfSync('sha256', key.secret, 'attune-community', 'opaque references v1', 32),
    );
    derived.set(key, secret);
  }
  return secret;
}

function digestWith(key: DataKey, purpose: RefPurpose, parts: readonly string[]): string {
  const hmac = createHmac('sha256', refKey(key));
  hmac.update(purpose);
  for (const part of parts) hmac.update(`\u0000${part}`);
  return hmac.digest('base64url');
}

/** The reference made now (with the current key), and that key's id. */
export function makeRef(
  purpose: RefPurpose,
  parts: readonly string[],
  keyring: Keyring = installedKeyring(),
): { ref: string; keyId: string } {
  return { ref: digestWith(keyring.current, purpose, parts), keyId: keyring.current.id };
}

/** Every form the reference may have been stored in: one per key of the keyring. */
export function allRefs(
  purpose: RefPurpose,
  parts: readonly string[],
  keyring: Keyring = installedKeyring(),
): string[] {
  return [...keyring.keys.values()].map((key) => digestWith(key, purpose, parts));
}
