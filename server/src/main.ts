import { buildApp } from './app.ts';
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
    database = await openDatabase({
      databaseUrl: env.databaseUrl,
      dataDir: env.dataDir,
      poolSize: env.databasePoolSize,
    });
    const { app } = await buildApp(env, database, { logger: { level: env.logLevel } });
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
  if (error instanceof EnvError || error instanceof DataDirLockedError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(
    `Attune could not start: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
