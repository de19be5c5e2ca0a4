import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminUsageError, runAdmin } from '../../community/admin.ts';
import { isModerator } from '../../community/moderators.ts';
import { type Database, openDatabase } from '../../db/client.ts';
import { communityModerators, users } from '../../db/schema.ts';
import { type FreshDatabase, freshDatabase, testEnv } from '../../test/harness.ts';

/**
 * `npm run admin -- grant-moderator <email>` / `revoke-moderator <email>` on the database the
 * tests run on (PGlite in a data directory, or the PostgreSQL server of DATABASE_URL): through
 * its function, and once as the real command in a process of its own.
 */

const serverUrl = process.env.DATABASE_URL || undefined;
const root = path.resolve(import.meta.dirname, '..', '..', '..', '..');

let dataDir: string;
let fresh: FreshDatabase | undefined;
let env: ReturnType<typeof testEnv>;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'attune-admin-'));
  if (serverUrl) {
    fresh = await freshDatabase();
    await fresh.database.close();
  }
  env = testEnv({ dataDir, databaseUrl: fresh?.url, secretKeyFile: undefined, moderators: [] });
});

afterAll(async () => {
  await fresh?.drop().catch(() => {});
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const open = (): Promise<Database> =>
  openDatabase({ databaseUrl: env.databaseUrl, dataDir: env.dataDir, poolSize: 2 });

async function withDatabase<T>(work: (database: Database) => Promise<T>): Promise<T> {
  const database = await open();
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}

async function addAccount(email: string): Promise<string> {
  const id = randomUUID();
  await withDatabase((database) =>
    database.db.insert(users).values({
      id,
      email,
      passwordHash: 'not-a-real-hash',
      displayName: 'Mo',
      role: 'client',
    }),
  );
  return id;
}

const moderatorNow = (id: string, email: string) =>
  withDatabase((database) => isModerator(database.db, { id, email }, []));

describe('the admin command', () => {
  it('grants and revokes moderation by email, saying what it did', async () => {
    const email = `mo-${randomUUID()}@example.test`;
    const id = await addAccount(email);
    expect(await moderatorNow(id, email)).toBe(false);

    const granted = await runAdmin(['grant-moderator', email.toUpperCase()], env);
    expect(granted).toEqual({
      result: 'granted',
      message: `${email} is now a community moderator.`,
    });
    expect(await moderatorNow(id, email)).toBe(true);
    expect((await runAdmin(['grant-moderator', email], env)).result).toBe('already');

    expect((await runAdmin(['revoke-moderator', email], env)).result).toBe('revoked');
    expect(await moderatorNow(id, email)).toBe(false);
    expect((await runAdmin(['revoke-moderator', email], env)).result).toBe('not-granted');
    expect((await runAdmin(['grant-moderator', 'nobody@example.test'], env)).result).toBe(
      'no-account',
    );
  });

  it('refuses anything else with its usage', async () => {
    for (const args of [
      [],
      ['grant-moderator'],
      ['promote', 'a@b.c'],
      ['grant-moderator', 'a', 'b'],
    ]) {
      await expect(runAdmin(args, env)).rejects.toBeInstanceOf(AdminUsageError);
    }
  });

  it('runs as `node scripts/admin.ts` with the server’s environment', async () => {
    const email = `cli-${randomUUID()}@example.test`;
    const id = await addAccount(email);
    const run = (command: string) =>
      spawnSync(process.execPath, ['scripts/admin.ts', command, email], {
        cwd: root,
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH ?? '',
          ATTUNE_DATA_DIR: dataDir,
          ...(env.databaseUrl ? { DATABASE_URL: env.databaseUrl } : {}),
        },
        timeout: 60_000,
      });
    const grant = run('grant-moderator');
    expect(grant.status, grant.stderr).toBe(0);
    expect(grant.stdout).toContain('is now a community moderator');
    const rows = await withDatabase((database) =>
      database.db.select().from(communityModerators).where(eq(communityModerators.userId, id)),
    );
    expect(rows).toHaveLength(1);
    const revoke = run('revoke-moderator');
    expect(revoke.status, revoke.stderr).toBe(0);
    expect(await moderatorNow(id, email)).toBe(false);
    const usage = spawnSync(process.execPath, ['scripts/admin.ts'], {
      cwd: root,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', ATTUNE_DATA_DIR: dataDir },
    });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('grant-moderator <email>');
  });
});
