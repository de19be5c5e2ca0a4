import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { newDataKey } from '../server/src/crypto/cipher.ts';
import { writeKeyFile } from '../server/src/crypto/keys.ts';

export type RunningServer = {
  /** The base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  stop: () => Promise<void>;
};

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STARTUP_TIMEOUT_MS = 60_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error('No free port found'))));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`The server exited with code ${child.exitCode} while starting:\n${output()}`);
    }
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    `The server did not become healthy within ${STARTUP_TIMEOUT_MS} ms:\n${output()}`,
  );
}

/**
 * On a PostgreSQL server, every test file's server works in the one database the run made, so
 * they must seal text with one key (a server refuses a database whose text needs a key it lacks):
 * one key file per database, made by the first server's test file. With PGlite each server has
 * its own data directory, and its own key in it.
 */
function sharedKeyFile(databaseUrl: string | undefined): string | undefined {
  if (!databaseUrl) return undefined;
  const name = createHash('sha256').update(databaseUrl).digest('hex').slice(0, 16);
  const file = path.join(os.tmpdir(), `attune-e2e-${name}.key`);
  if (!existsSync(file)) writeKeyFile(file, [newDataKey()]);
  return file;
}

/**
 * Starts the real Attune server (Node 24, `server/src/main.ts`) on a free port with a fresh data
 * directory. DATABASE_URL passes through unchanged, so the server uses PostgreSQL when the test
 * runner provides one and embedded PGlite otherwise. The server serves the built web app.
 */
export async function startServer(): Promise<RunningServer> {
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'attune-e2e-'));
  const keyFile = sharedKeyFile(process.env.DATABASE_URL);
  const url = `http://127.0.0.1:${port}`;
  let log = '';

  const child = spawn(process.execPath, ['server/src/main.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      ATTUNE_DATA_DIR: dataDir,
      ...(keyFile ? { ATTUNE_SECRET_KEY_FILE: keyFile } : {}),
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited(child);
      clearTimeout(timer);
    }
    await rm(dataDir, { recursive: true, force: true });
  };

  try {
    await waitForHealth(url, child, () => log);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}
