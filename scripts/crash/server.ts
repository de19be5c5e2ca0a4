import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import { root, startArguments } from '../../bench/lib/processes.ts';

/**
 * The server under test: `npm start`'s node and arguments (server/dist/main.js), on one port and
 * one data directory for its whole life, killed and started again by the crash test. Its output
 * goes to a log file, so a failure can show what it said.
 */

/** Start-up is not measured or limited; a slow one is only announced, every this often. */
const NOTICE_EVERY_MS = 30_000;

export class ServerFailure extends Error {}

export class ServerProcess {
  readonly url: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly logFile: string;
  private child: ChildProcess | undefined;
  private expectingExit = false;
  private starts = 0;
  private isUp = false;
  private up: Promise<void>;
  private resolveUp: () => void = () => {};
  /** Exits the crash test did not cause, e.g. a crash during recovery. */
  readonly unexpectedExits: string[] = [];

  constructor(options: { port: number; env: NodeJS.ProcessEnv; logFile: string }) {
    this.url = `http://127.0.0.1:${options.port}`;
    this.env = { ...options.env, PORT: String(options.port), HOST: '127.0.0.1' };
    this.logFile = options.logFile;
    this.up = new Promise((resolve) => {
      this.resolveUp = resolve;
    });
  }

  /** Resolves once the server answers its health check (at once when it does now). */
  whenUp(): Promise<void> {
    return this.up;
  }

  /** Starts the server and waits for GET /api/health to answer 200; throws ServerFailure. */
  async start(): Promise<void> {
    this.starts += 1;
    const start = this.starts;
    fs.appendFileSync(this.logFile, `\n--- start ${start} (${new Date().toISOString()})\n`);
    const log = fs.openSync(this.logFile, 'a');
    try {
      const child = spawn(process.execPath, startArguments(), {
        cwd: root,
        env: this.env,
        stdio: ['ignore', log, log],
      });
      this.child = child;
      this.expectingExit = false;
      child.once('exit', (code, signal) => {
        if (!this.expectingExit) {
          this.unexpectedExits.push(`start ${start}: exit code ${code}, signal ${signal}`);
          this.markDown();
        }
      });
      await this.waitForHealth(child);
    } finally {
      fs.closeSync(log); // the child has its own copy of the descriptor
    }
    this.markUp();
  }

  /**
   * SIGKILL: no shutdown code runs, as with the OOM killer or `kill -9`. The kernel keeps what
   * the process wrote, so this tests the commit path of the server and the database, not the
   * disk's (a power cut is another matter).
   */
  async kill(): Promise<void> {
    this.markDown();
    const child = this.child;
    if (!child || exited(child)) return;
    this.expectingExit = true;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await gone;
  }

  /** A graceful stop (SIGTERM) at the end of a run. */
  async stop(): Promise<void> {
    this.markDown();
    const child = this.child;
    if (!child || exited(child)) return;
    this.expectingExit = true;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await gone;
  }

  /** For exit paths that cannot wait (process 'exit', a second Ctrl-C). */
  killNow(): void {
    if (this.child && !exited(this.child)) {
      this.expectingExit = true;
      this.child.kill('SIGKILL');
    }
  }

  /** The last lines the server wrote, for failure messages. */
  logTail(lines = 30): string {
    if (!fs.existsSync(this.logFile)) return '';
    return fs.readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  }

  private markUp(): void {
    this.isUp = true;
    this.resolveUp();
  }

  /** Writers that lose the server wait on one promise, resolved when it answers again. */
  private markDown(): void {
    if (!this.isUp) return; // already down: keep the promise the writers are waiting on
    this.isUp = false;
    this.up = new Promise((resolve) => {
      this.resolveUp = resolve;
    });
  }

  /** Until the health check answers 200, or the server exits (it did not come back). */
  private async waitForHealth(child: ChildProcess): Promise<void> {
    const started = Date.now();
    let nextNotice = started + NOTICE_EVERY_MS;
    for (;;) {
      if (exited(child)) {
        throw new ServerFailure(
          `the server exited while starting (code ${child.exitCode}, signal ${child.signalCode})`,
        );
      }
      try {
        const response = await fetch(`${this.url}/api/health`);
        await response.arrayBuffer();
        if (response.status === 200) return;
      } catch {
        // Not listening yet.
      }
      if (Date.now() >= nextNotice) {
        nextNotice += NOTICE_EVERY_MS;
        const seconds = Math.round((Date.now() - started) / 1000);
        process.stderr.write(
          `Still waiting for the server (pid ${child.pid}) to answer, ${seconds} s after start ${this.starts}; log: ${this.logFile}\n`,
        );
      }
      await sleep(25);
    }
  }
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
