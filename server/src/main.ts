import { buildApp } from './app.ts';
import { installKeyring } from './crypto/cipher.ts';
import { loadKeys } from './crypto/keys.ts';
import { KeyMismatchError, prepareKeys } from './crypto/reseal.ts';
import { type Database, openDatabase } from './db/client.ts';
import { type DataDirLock, DataDirLockedError, lockDataDir } from './db/lock.ts';
import { EnvError, readEnv } from './env.ts';

/** Starts Attune: configuration, the data directory lock, the database, the HTTP server. */
async function main(): Promise<void> {
  const started = performance.now();
  const env = readEnv(process.env);
  let lock: DataDirLock | undefined;
  if (!env.databaseUrl) lock = lockDataDir(env.dataDir);
  let database: Database | undefined;
  try {
    // The key before the database: every clinical text goes through it (crypto/cipher.ts).
    const keys = loadKeys(env);
    installKeyring(keys.keyring);
    database = await openDatabase({
      databaseUrl: env.databaseUrl,
      dataDir: env.dataDir,
      poolSize: env.databasePoolSize,
    });
    const { sealed } = await prepareKeys(database.db, keys.keyring);
    const { app } = await buildApp(env, database, { logger: { level: env.logLevel } });
    if (keys.created) {
      app.log.warn(
        { keyFile: keys.path },
        'Made a new encryption key for what people write. Back this file up, apart from the database: without it the text cannot be read.',
      );
    }
    if (keys.loosePermissions) {
      app.log.warn(
        { keyFile: keys.path },
        'The encryption key file can be read by other users of this machine: chmod 600 it.',
      );
    }
    if (sealed > 0) app.log.info({ rows: sealed }, 'sealed text written before encryption');
    // Scheduled reminders (pg-boss); stopped with the app. Tests sweep directly instead.
    await app.notifications.jobs.start();
    let closing = false;
    const shutdown = async (signal: string) => {
      if (closing) return;
      closing = true;
      app.log.info({ signal }, 'shutting down');
      const force = setTimeout(() => process.exit(1), 10_000);
      force.unref();
      try {
        await app.close();
        await database?.close();
      } finally {
        lock?.release();
        process.exit(0);
      }
    };
    process.once('SIGINT', () => void shutdown('SIGINT'));
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
    await app.listen({ port: env.port, host: env.host });
    app.log.info(
      {
        database:
          database.kind === 'pglite' ? `embedded (PGlite) in ${env.dataDir}` : 'PostgreSQL server',
        startupMs: Math.round(performance.now() - started),
      },
      `Attune is running at http://${env.host}:${env.port}`,
    );
  } catch (error) {
    await database?.close().catch(() => {});
    lock?.release();
    throw error;
  }
}

main().catch((error: unknown) => {
  if (
    error instanceof EnvError ||
    error instanceof DataDirLockedError ||
    error instanceof KeyMismatchError
  ) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(
    `Attune could not start: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
