import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hash, verify } from '@node-rs/argon2';

/**
 * Password hashing (argon2id) and the rules a new password must meet.
 * Parameters: 19 MiB memory, 2 iterations, 1 lane — OWASP ASVS 4.0 / cheat sheet minimum for
 * argon2id, raised to 3 iterations here for margin.
 */

const ARGON2ID = 2; // @node-rs/argon2's Algorithm.Argon2id (a const enum we cannot import).
const HASH_OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 3, parallelism: 1 };

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

export function hashPassword(password: string): Promise<string> {
  return hash(password, HASH_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A hash of a random password, verified against when the email is unknown, so both take as long. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(`decoy-${Math.random()}-${Date.now()}`);
  return decoy;
}

let common: Set<string> | undefined;

/** The ~50,000 most common passwords of the zxcvbn-ts list (ordered by frequency in breaches). */
function commonPasswords(): Set<string> {
  if (!common) {
    const file = fileURLToPath(
      import.meta.resolve('@zxcvbn-ts/language-common/src/passwords.json'),
    );
    const list = JSON.parse(fs.readFileSync(file, 'utf8')) as string[];
    common = new Set(list.map((p) => p.toLowerCase()));
  }
  return common;
}

/** Says what is wrong with a new password, or undefined when it is acceptable. */
export function passwordProblem(
  password: string,
  context: { email?: string } = {},
): string | undefined {
  if ([...password].length < PASSWORD_MIN) return `Please use at least ${PASSWORD_MIN} characters.`;
  if (password.length > PASSWORD_MAX) return `Please use at most ${PASSWORD_MAX} characters.`;
  const lowered = password.toLowerCase();
  // A common password padded with digits or symbols ("princess1234!") is just as easy to guess.
  const core = lowered.replace(/^[\d\W_]+/u, '').replace(/[\d\W_]+$/u, '');
  if (commonPasswords().has(lowered) || commonPasswords().has(core)) {
    return 'This password is one of the most common ones, so it is easy to guess. Please choose another.';
  }
  if (new Set(lowered).size <= 2) return 'This password is easy to guess. Please choose another.';
  if (context.email && lowered === context.email.toLowerCase()) {
    return 'Please choose a password that is not your email address.';
  }
  return undefined;
}
