import fs from 'node:fs';
import path from 'node:path';
import { buildServer } from '../build-server.ts';

/**
 * The crash test kills the server `npm start` runs (server/dist/main.js), not the sources, so
 * the bundle is rebuilt first when anything it is made of is newer than it. The web app is not
 * needed: without web/dist the server answers the API and says the web app is not built.
 */

const root = path.resolve(import.meta.dirname, '..', '..');
const bundle = path.join(root, 'server', 'dist', 'main.js');
const inputs = [
  path.join(root, 'server', 'src'),
  path.join(root, 'core', 'src'),
  path.join(root, 'scripts', 'build-server.ts'),
  path.join(root, 'package-lock.json'),
];

function newest(file: string): number {
  const stat = fs.statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs; // a deleted file shows only in its folder's time
  for (const entry of fs.readdirSync(file))
    latest = Math.max(latest, newest(path.join(file, entry)));
  return latest;
}

/** Bundles the server when server/dist/main.js is missing or older than its sources. */
export async function ensureServerBuild(): Promise<void> {
  const builtAt = fs.existsSync(bundle) ? fs.statSync(bundle).mtimeMs : 0;
  if (inputs.every((input) => newest(input) <= builtAt)) return;
  process.stdout.write('Building the server…\n');
  await buildServer();
}
