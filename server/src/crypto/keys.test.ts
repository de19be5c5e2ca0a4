import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { newDataKey } from './cipher.ts';
import { formatKeyFile, KEY_FILE_NAME, loadKeys, parseKeyFile, writeKeyFile } from './keys.ts';

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attune-keys-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the key file', () => {
  it('is made on first start in the data directory, readable by its owner only', () => {
    const dataDir = path.join(tempDir(), 'data');
    const first = loadKeys({ secretKeyFile: undefined, dataDir });
    expect(first.created).toBe(true);
    expect(first.path).toBe(path.join(dataDir, KEY_FILE_NAME));
    expect(fs.statSync(first.path).mode & 0o777).toBe(0o600);
    expect(first.loosePermissions).toBe(false);
    const again = loadKeys({ secretKeyFile: undefined, dataDir });
    expect(again.created).toBe(false);
    expect(again.keyring.current.id).toBe(first.keyring.current.id);
    expect(again.keyring.current.secret.equals(first.keyring.current.secret)).toBe(true);
  });

  it('comes from ATTUNE_SECRET_KEY_FILE when set, which must exist', () => {
    const dir = tempDir();
    const file = path.join(dir, 'attune.keys');
    expect(() => loadKeys({ secretKeyFile: file, dataDir: dir })).toThrow(/does not exist/);
    expect(fs.existsSync(path.join(dir, KEY_FILE_NAME))).toBe(false);
    const key = newDataKey();
    writeKeyFile(file, [key]);
    fs.chmodSync(file, 0o644);
    const loaded = loadKeys({ secretKeyFile: file, dataDir: dir });
    expect(loaded.keyring.current.id).toBe(key.id);
    expect(loaded.loosePermissions).toBe(true);
  });

  it('keeps every key, the last one current, through writing and reading', () => {
    const keys = [newDataKey(), newDataKey(), newDataKey()];
    const parsed = parseKeyFile(formatKeyFile(keys), 'the file');
    expect(parsed.map((k) => k.id)).toEqual(keys.map((k) => k.id));
    expect(parsed.every((k, i) => k.secret.equals(keys[i]!.secret))).toBe(true);
  });

  it.each([
    ['an empty file', '# nothing\n', /holds no key/],
    ['a short key', `k1 ${Buffer.alloc(16).toString('base64')}\n`, /line 1/],
    ['a bad id', `K-1 ${Buffer.alloc(32).toString('base64')}\n`, /line 1/],
    ['a third word', `k1 ${Buffer.alloc(32).toString('base64')} extra\n`, /line 1/],
  ])('refuses %s with the line to fix', (_name, text, message) => {
    expect(() => parseKeyFile(text, 'the file')).toThrow(message);
  });
});
