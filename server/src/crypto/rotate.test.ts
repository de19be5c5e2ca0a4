import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../db/client.ts';
import { dataKeys, parts } from '../db/schema.ts';
import { type FreshDatabase, freshDatabase, testEnv } from '../test/harness.ts';
import { installKeyring, makeKeyring, newDataKey, SEALED_PREFIX } from './cipher.ts';
import { loadKeys, parseKeyFile } from './keys.ts';
import { KeyMismatchError, prepareKeys } from './reseal.ts';
import { rotateKeys } from './rotate.ts';

const serverUrl = process.env.DATABASE_URL || undefined;

let dataDir: string;
let fresh: FreshDatabase | undefined;
let env: ReturnType<typeof testEnv>;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'attune-rotate-'));
  if (serverUrl) {
    fresh = await freshDatabase();
    await fresh.database.close();
  }
  env = testEnv({ dataDir, databaseUrl: fresh?.url, secretKeyFile: undefined });
});

afterAll(async () => {
  await fresh?.drop().catch(() => {});
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const open = (): Promise<Database> =>
  openDatabase({ databaseUrl: env.databaseUrl, dataDir: env.dataDir, poolSize: 2 });

async function storedName(database: Database, id: string): Promise<string> {
  const result = (await database.db.execute(
    sql`select name from parts where id = ${id}`,
  )) as unknown as { rows: { name: string }[] };
  return result.rows[0]!.name;
}

const keyFile = () => path.join(dataDir, 'secret.key');

describe('keys and their rotation', () => {
  const userId = randomUUID();
  const partId = randomUUID();

  it('seals text written before encryption on the first start with a key', async () => {
    const { keyring } = loadKeys(env);
    installKeyring(keyring);
    const database = await open();
    try {
      // As an older Attune wrote it: in plain, past the sealing columns.
      await database.db.execute(
        sql`insert into users (id, email, password_hash, display_name, role) values (${userId}, ${`${userId}@example.test`}, 'x', 'Robin', 'client')`,
      );
      await database.db.execute(
        sql`insert into parts (id, client_id, name) values (${partId}, ${userId}, 'the young one')`,
      );
      const { sealed } = await prepareKeys(database.db, keyring);
      expect(sealed).toBe(1);
      expect(await storedName(database, partId)).toMatch(
        new RegExp(`^${SEALED_PREFIX.replace('.', '\\.')}${keyring.current.id}\\.`),
      );
      const [part] = await database.db.select().from(parts).where(eq(parts.id, partId));
      expect(part?.name).toBe('the young one');
      const known = await database.db.select().from(dataKeys);
      expect(known.map((k) => k.id)).toEqual([keyring.current.id]);
      // A second start has nothing to seal.
      expect((await prepareKeys(database.db, keyring)).sealed).toBe(0);
    } finally {
      await database.close();
    }
  });

  it('refuses to start with a key file that lacks a key the text needs', async () => {
    const database = await open();
    try {
      const stranger = makeKeyring([newDataKey()]);
      await expect(prepareKeys(database.db, stranger)).rejects.toThrow(KeyMismatchError);
      const known = await database.db.select().from(dataKeys);
      expect(known.map((k) => k.id)).not.toContain(stranger.current.id);
    } finally {
      await database.close();
    }
  });

  it('rotates: a new current key, every text sealed with it, the old key kept', async () => {
    const before = parseKeyFile(fs.readFileSync(keyFile(), 'utf8'), 'file');
    const rotation = await rotateKeys(env, { forgetOld: false });
    expect(rotation.resealed).toBe(1);
    expect(rotation.forgotten).toEqual([]);
    const after = parseKeyFile(fs.readFileSync(keyFile(), 'utf8'), 'file');
    expect(after.map((k) => k.id)).toEqual([...before.map((k) => k.id), rotation.newKeyId]);
    expect(fs.statSync(keyFile()).mode & 0o777).toBe(0o600);
    const database = await open();
    try {
      expect(await storedName(database, partId)).toContain(`${SEALED_PREFIX}${rotation.newKeyId}.`);
      const [part] = await database.db.select().from(parts).where(eq(parts.id, partId));
      expect(part?.name).toBe('the young one');
    } finally {
      await database.close();
    }
  });

  it('forgets the old keys when asked, and the text still opens with the new one alone', async () => {
    const rotation = await rotateKeys(env, { forgetOld: true });
    expect(rotation.forgotten).toHaveLength(2);
    const after = parseKeyFile(fs.readFileSync(keyFile(), 'utf8'), 'file');
    expect(after.map((k) => k.id)).toEqual([rotation.newKeyId]);
    const { keyring } = loadKeys(env);
    installKeyring(keyring);
    const database = await open();
    try {
      await prepareKeys(database.db, keyring);
      const [part] = await database.db.select().from(parts).where(eq(parts.id, partId));
      expect(part?.name).toBe('the young one');
      const known = await database.db.select().from(dataKeys);
      expect(known.map((k) => k.id)).toEqual([rotation.newKeyId]);
    } finally {
      await database.close();
    }
  });
});
