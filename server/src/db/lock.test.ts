import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { DataDirLockedError, lockDataDir } from './lock.ts';

const projectRoot = path.resolve(import.meta.dirname, '..', '..', '..');
const mainScript = path.join(projectRoot, 'server', 'src', 'main.ts');

const tempDirs: string[] = [];
const children: ChildProcess[] = [];

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attune-lock-'));
  tempDirs.push(dir);
  return dir;
}

function track(child: ChildProcess): ChildProcess {
  children.push(child);
  return child;
}

async function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited(child);
    }
  }
});
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** The pid of a process that is running (until the test ends). */
function livePid(): number {
  const child = track(spawn('sleep', ['30'], { stdio: 'ignore' }));
  if (child.pid === undefined) throw new Error('could not start sleep');
  return child.pid;
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start a process');
  await exited(child);
  return pid;
}

describe('lockDataDir', () => {
  it('creates the directory and a lock file holding our pid, readable by us only', () => {
    const dir = path.join(tempDir(), 'nested', 'data');
    const lock = lockDataDir(dir);
    try {
      const file = path.join(dir, 'attune.lock');
      expect(fs.readFileSync(file, 'utf8')).toBe(String(process.pid));
      expect(fs.statSync(file).mode & 0o077).toBe(0);
      expect(fs.statSync(dir).mode & 0o077).toBe(0);
    } finally {
      lock.release();
    }
  });

  it('refuses a directory locked by another live process, saying which and what to do', () => {
    const dir = tempDir();
    const file = path.join(dir, 'attune.lock');
    const holder = livePid();
    fs.writeFileSync(file, String(holder));

    let thrown: unknown;
    try {
      lockDataDir(dir).release();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DataDirLockedError);
    const message = (thrown as Error).message;
    expect(message).toContain(`pid ${holder}`);
    expect(message).toContain(dir);
    expect(message).toMatch(/data directory/);
    expect(message).toMatch(/ATTUNE_DATA_DIR/);
    // The other process's lock is left alone.
    expect(fs.readFileSync(file, 'utf8')).toBe(String(holder));
  });

  it('takes over a stale lock left by a process that has exited', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'attune.lock');
    fs.writeFileSync(file, String(await deadPid()));
    const lock = lockDataDir(dir);
    try {
      expect(fs.readFileSync(file, 'utf8')).toBe(String(process.pid));
      expect(fs.readdirSync(dir)).toEqual(['attune.lock']);
    } finally {
      lock.release();
    }
  });

  it('takes over a lock holding our own pid (left by an earlier run in a container)', () => {
    const dir = tempDir();
    const file = path.join(dir, 'attune.lock');
    fs.writeFileSync(file, String(process.pid));
    const lock = lockDataDir(dir);
    lock.release();
    expect(fs.existsSync(file)).toBe(false);
  });

  it('takes over a lock file that holds no pid', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'attune.lock'), '');
    const lock = lockDataDir(dir);
    lock.release();
    expect(fs.existsSync(path.join(dir, 'attune.lock'))).toBe(false);
  });

  it('removes the lock file on release, and lets the directory be locked again', () => {
    const dir = tempDir();
    const file = path.join(dir, 'attune.lock');
    const lock = lockDataDir(dir);
    expect(fs.existsSync(file)).toBe(true);
    lock.release();
    expect(fs.existsSync(file)).toBe(false);
    lock.release(); // twice is harmless
    const again = lockDataDir(dir);
    expect(fs.existsSync(file)).toBe(true);
    again.release();
    expect(fs.existsSync(file)).toBe(false);
  });

  it('does not take over a lock that another process took over first from the same stale lock', async () => {
    // Two processes start together and both find the same stale lock. The other one moves it
    // aside and writes its own lock just before this one moves "the stale lock" aside. The spy
    // only lets that interleaving happen at a known moment; the file system work is real.
    const dir = tempDir();
    const file = path.join(dir, 'attune.lock');
    fs.writeFileSync(file, String(await deadPid()));
    const other = String(livePid());
    const realRename = fs.renameSync;
    let interleaved = false;
    const spy = vi.spyOn(fs, 'renameSync').mockImplementationOnce((from, to) => {
      // The other process's take-over, completed in between our read and our rename.
      fs.rmSync(file);
      fs.writeFileSync(file, other);
      interleaved = true;
      realRename(from, to);
    });
    let lock: ReturnType<typeof lockDataDir> | undefined;
    let thrown: unknown;
    try {
      lock = lockDataDir(dir);
    } catch (error) {
      thrown = error;
    } finally {
      spy.mockRestore();
    }
    try {
      expect(interleaved).toBe(true);
      expect(thrown).toBeInstanceOf(DataDirLockedError);
      expect(fs.readFileSync(file, 'utf8')).toBe(other);
    } finally {
      lock?.release();
    }
  });

  it('does not remove a lock that another process has taken since', () => {
    const dir = tempDir();
    const file = path.join(dir, 'attune.lock');
    const lock = lockDataDir(dir);
    const other = String(livePid());
    fs.writeFileSync(file, other);
    lock.release();
    expect(fs.readFileSync(file, 'utf8')).toBe(other);
  });
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Starts the real server (PGlite in dataDir); collects what it writes. */
function startServer(dataDir: string, port: number) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    ATTUNE_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
  };
  delete env.DATABASE_URL;
  const child = track(
    spawn(process.execPath, [mainScript], {
      cwd: projectRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk: Buffer) => {
    output.stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output.stderr += chunk.toString();
  });
  return { child, output };
}

/** Waits until GET /api/health answers 200, or fails when the process exits or 60 s pass. */
async function waitForHealth(child: ChildProcess, port: number, output: { stderr: string }) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`the server exited with ${child.exitCode}: ${output.stderr}`);
    }
    try {
      const response = await fetch(`http://127.0.0.1:${port}/api/health`);
      if (response.status === 200) return (await response.json()) as unknown;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the server did not become healthy: ${output.stderr}`);
}

describe('two server processes on one data directory', () => {
  it('the second refuses to start (exit 2); the first shuts down cleanly and unlocks', async () => {
    const dataDir = tempDir();
    const lockFile = path.join(dataDir, 'attune.lock');

    const firstPort = await freePort();
    const first = startServer(dataDir, firstPort);
    expect(await waitForHealth(first.child, firstPort, first.output)).toEqual({ status: 'ok' });
    expect(fs.readFileSync(lockFile, 'utf8')).toBe(String(first.child.pid));

    const secondPort = await freePort();
    const second = startServer(dataDir, secondPort);
    const secondExit = await Promise.race([
      exited(second.child),
      new Promise<'still running'>((resolve) =>
        setTimeout(() => resolve('still running'), 20_000).unref(),
      ),
    ]);
    expect(secondExit).toBe(2);
    expect(second.output.stderr).toMatch(/data directory/);
    expect(second.output.stderr).toContain(dataDir);
    expect(second.output.stderr).toContain(`pid ${first.child.pid}`);
    // The first is unharmed and still holds the lock.
    expect(fs.readFileSync(lockFile, 'utf8')).toBe(String(first.child.pid));
    expect((await fetch(`http://127.0.0.1:${firstPort}/api/health`)).status).toBe(200);

    first.child.kill('SIGTERM');
    expect(await exited(first.child)).toBe(0);
    expect(fs.existsSync(lockFile)).toBe(false);
  }, 120_000);
});
