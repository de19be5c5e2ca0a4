import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

/**
 * `npm run dev`: the API from source with --watch on http://127.0.0.1:3000 and Vite's dev server
 * for the web app (it proxies /api to the API) on http://127.0.0.1:5173.
 */

const root = path.resolve(import.meta.dirname, '..');
const children: ChildProcess[] = [
  spawn(
    process.execPath,
    ['--watch', '--watch-path=server/src', '--watch-path=core/src', 'server/src/main.ts'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  ),
  spawn(
    process.execPath,
    [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'web', '--host', '127.0.0.1'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  ),
];

const stop = () => {
  for (const child of children) child.kill('SIGTERM');
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
for (const child of children) {
  child.once('exit', (code) => {
    stop();
    process.exitCode = code ?? 0;
  });
}
