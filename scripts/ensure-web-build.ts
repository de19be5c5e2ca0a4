import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Builds the web app before `npm start` when web/dist is missing or older than its sources, so
 * that `npm ci && npm start` serves the app with no other step. Quick when nothing changed.
 */

const root = path.resolve(import.meta.dirname, '..');
const web = path.join(root, 'web');
const built = path.join(web, 'dist', 'index.html');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

export function ensureWebBuild(): void {
  if (!fs.existsSync(path.join(web, 'index.html'))) return;
  const builtAt = fs.existsSync(built) ? fs.statSync(built).mtimeMs : 0;
  if (
    builtAt >= newestSource(web) &&
    builtAt >= fs.statSync(path.join(root, 'package-lock.json')).mtimeMs
  )
    return;
  process.stdout.write('Building the web app…\n');
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', web, '--logLevel', 'warn'], {
    stdio: 'inherit',
    cwd: root,
  });
  if (result.status !== 0) {
    process.stderr.write('The web app could not be built; see the messages above.\n');
    process.exit(result.status ?? 1);
  }
}

if (import.meta.main) ensureWebBuild();
