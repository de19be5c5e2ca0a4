import fs from 'node:fs';
import path from 'node:path';

/**
 * PGlite has no lock of its own: two processes on one data directory would corrupt it.
 * This takes an exclusive lock file holding our pid; a lock left by a dead process is taken over.
 */

export class DataDirLockedError extends Error {}

export type DataDirLock = { release(): void };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function lockDataDir(dataDir: string): DataDirLock {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, 'attune.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx', mode: 0o600 });
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          try {
            if (fs.readFileSync(file, 'utf8') === String(process.pid)) fs.unlinkSync(file);
          } catch {
            // Already gone: nothing to release.
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const content = fs.readFileSync(file, 'utf8');
    const holder = Number.parseInt(content, 10);
    if (Number.isInteger(holder) && holder !== process.pid && alive(holder)) {
      throw new DataDirLockedError(
        `Another Attune process (pid ${holder}) is using the data directory ${dataDir}. ` +
          'Stop it first, or set ATTUNE_DATA_DIR to another directory.',
      );
    }
    // A stale lock from a process that is gone: move it aside atomically, then check that what
    // we moved is still that stale lock — another process may have taken it over in between.
    const aside = `${file}.stale-${process.pid}`;
    try {
      fs.renameSync(file, aside);
    } catch {
      continue; // Someone else moved it first; the next attempt sees their lock.
    }
    const moved = fs.readFileSync(aside, 'utf8');
    if (moved !== content) {
      try {
        fs.linkSync(aside, file); // Give the new holder its lock back (fails if there is one).
      } finally {
        fs.rmSync(aside, { force: true });
      }
      throw new DataDirLockedError(
        `Another Attune process (pid ${moved}) just took the data directory ${dataDir}.`,
      );
    }
    fs.rmSync(aside, { force: true });
  }
  throw new DataDirLockedError(`Could not lock the data directory ${dataDir}.`);
}
