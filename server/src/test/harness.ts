import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { buildApp } from '../app.ts';
import { type Database, openDatabase } from '../db/client.ts';
import { type Env, readEnv } from '../env.ts';
import type { Services } from '../services.ts';

/**
 * Test worlds. With DATABASE_URL set (a PostgreSQL server), every call makes a fresh database
 * on that server and drops it at close; otherwise an in-memory PGlite. Only tests read
 * process.env here: the server itself reads it once, in env.ts.
 */

const serverUrl = process.env.DATABASE_URL || undefined;

export const databaseKind = serverUrl ? 'postgres' : 'pglite';

export type FreshDatabase = { database: Database; url: string | undefined; drop(): Promise<void> };

export async function freshDatabase(): Promise<FreshDatabase> {
  if (!serverUrl) {
    const database = await openDatabase({ databaseUrl: undefined, dataDir: undefined });
    return { database, url: undefined, drop: () => database.close() };
  }
  const name = `attune_test_${randomUUID().replaceAll('-', '')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({
    databaseUrl: url.toString(),
    dataDir: undefined,
    poolSize: 5,
  });
  return {
    database,
    url: url.toString(),
    async drop() {
      await database.close();
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

export type TestApp = {
  app: FastifyInstance;
  services: Services;
  env: Env;
  logs: string[];
  close(): Promise<void>;
};

export function testEnv(overrides: Partial<Env> = {}): Env {
  return { ...readEnv({ ATTUNE_REGISTER_LIMIT_PER_HOUR: '100000' }), ...overrides };
}

/**
 * A running app on a fresh database. `configure` may add routes before the app is ready.
 * Logs are captured at debug level into `logs`, so tests can check what is never logged.
 */
export async function startTestApp(
  options: {
    env?: Partial<Env>;
    configure?: (app: FastifyInstance) => void;
    fresh?: FreshDatabase;
  } = {},
): Promise<TestApp> {
  const fresh = options.fresh ?? (await freshDatabase());
  const env = testEnv(options.env);
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const { app, services } = await buildApp(env, fresh.database, {
    logger: { level: 'debug', stream },
    serveWeb: false,
  });
  options.configure?.(app);
  await app.ready();
  return {
    app,
    services,
    env,
    logs,
    async close() {
      await app.close();
      if (!options.fresh) await fresh.drop();
    },
  };
}
