import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import * as schema from './schema.ts';

/**
 * The connection module: the only place that knows whether Attune runs on embedded PGlite or on
 * a PostgreSQL server. Everything else sees a Drizzle database and a small notification API.
 */

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** Called with true when notifications flow, false when they may have been missed. */
export type SubscriptionState = (live: boolean) => void;

export type Database = {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Listens on a channel. `onState(false)` means messages may be lost until `onState(true)`. */
  subscribe(
    channel: string,
    onMessage: (payload: string) => void,
    onState: SubscriptionState,
  ): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
};

// Beside this file in the sources; beside the bundle in server/dist (see scripts/build-server.ts).
const migrationsFolder = path.join(import.meta.dirname, 'migrations');
const MIGRATION_LOCK = 7_428_341_001;

export async function openPglite(dataDir: string | undefined): Promise<Database> {
  const client = await PGlite.create({
    ...(dataDir === undefined ? {} : { dataDir }),
    // 16 MB of shared buffers instead of 128 MB keeps the embedded server's memory small; the
    // data of a single practice fits in the page cache anyway.
    startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'],
  });
  const db = drizzlePglite({ client, schema, casing: 'snake_case' }) as unknown as Db;
  await migratePglite(db as Parameters<typeof migratePglite>[0], { migrationsFolder });
  return {
    db,
    kind: 'pglite',
    async subscribe(channel, onMessage, onState) {
      const unlisten = await client.listen(channel, onMessage);
      onState(true);
      return unlisten;
    },
    async notify(channel, payload) {
      await db.execute(sql`select pg_notify(${channel}, ${payload})`);
    },
    async ping() {
      await client.query('select 1');
    },
    async close() {
      await client.close();
    },
  };
}

export async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client that loses its server emits 'error' on the pool; log-free recovery: the pool
  // drops that client and opens a new one on the next query.
  pool.on('error', () => {});
  const db = drizzlePg({ client: pool, schema, casing: 'snake_case' }) as unknown as Db;

  // Several instances may start at once: one migrates while the others wait on the lock.
  const migrator = new pg.Client({ connectionString: url });
  await migrator.connect();
  try {
    await migrator.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await migratePg(drizzlePg({ client: migrator, casing: 'snake_case' }), { migrationsFolder });
  } finally {
    await migrator.end();
  }

  const listeners = new Set<ListenerConnection>();
  return {
    db,
    kind: 'postgres',
    async subscribe(channel, onMessage, onState) {
      const listener = new ListenerConnection(url, channel, onMessage, onState);
      listeners.add(listener);
      await listener.start();
      return async () => {
        listeners.delete(listener);
        await listener.stop();
      };
    },
    async notify(channel, payload) {
      await pool.query('select pg_notify($1, $2)', [channel, payload]);
    },
    async ping() {
      await pool.query('select 1');
    },
    async close() {
      await Promise.all([...listeners].map((listener) => listener.stop()));
      await pool.end();
    },
  };
}

/** One LISTEN connection that reconnects, and says when messages may have been missed. */
class ListenerConnection {
  private client: pg.Client | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;
  private readonly url: string;
  private readonly channel: string;
  private readonly onMessage: (payload: string) => void;
  private readonly onState: SubscriptionState;

  constructor(
    url: string,
    channel: string,
    onMessage: (payload: string) => void,
    onState: SubscriptionState,
  ) {
    this.url = url;
    this.channel = channel;
    this.onMessage = onMessage;
    this.onState = onState;
  }

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (message) => {
      if (message.channel === this.channel) this.onMessage(message.payload ?? '');
    });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    await client.connect();
    await client.query(`listen ${pg.escapeIdentifier(this.channel)}`);
    this.client = client;
    this.onState(true);
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.onState(false);
    client.end().catch(() => {});
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (this.stopped) return;
      this.start().catch(() => this.scheduleRetry());
    }, 1000);
    this.retry.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }
}

/** Opens PostgreSQL when a URL is given, else PGlite in dataDir (undefined: in memory). */
export function openDatabase(options: {
  databaseUrl: string | undefined;
  dataDir: string | undefined;
  poolSize?: number;
}): Promise<Database> {
  return options.databaseUrl
    ? openPostgres(options.databaseUrl, options.poolSize ?? 20)
    : openPglite(options.dataDir);
}
