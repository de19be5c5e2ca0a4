import { randomUUID } from 'node:crypto';
import pg from 'pg';

/**
 * A fresh database on the PostgreSQL server at DATABASE_URL, never that database itself, as
 * scripts/test.ts makes them: the crash test writes thousands of records it then drops.
 */

export type FreshDatabase = { url: string; drop(): Promise<void> };

export async function createDatabase(serverUrl: string): Promise<FreshDatabase> {
  const name = `attune_crash_${randomUUID().replaceAll('-', '')}`;
  await administer(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    async drop() {
      if (dropped) return;
      dropped = true;
      await administer(serverUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

async function administer(serverUrl: string, statement: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}
