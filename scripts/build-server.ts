import fs from 'node:fs';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';

/**
 * Bundles the server for `npm start` into server/dist/main.js, with drizzle-orm inside it.
 *
 * Why: Node 24 parses a package's package.json again for every module it loads from that
 * package, and drizzle-orm has ~450 modules and a 179 KB package.json: loading it unbundled
 * costs ~170 MB of heap and leaves the server at ~250 MB RSS before its first request
 * (docs/decisions/004-bundle-the-server.md). Bundled, the server starts at ~60 MB.
 * Packages that load files of their own at run time (PGlite's WASM, argon2's native addon,
 * the password list) stay external.
 */

const root = path.resolve(import.meta.dirname, '..');
const outdir = path.join(root, 'server', 'dist');

const bundleOnly = (names: string[]): Plugin => ({
  name: 'bundle-only',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:')) return { external: true };
      const inside = names.some((name) => args.path === name || args.path.startsWith(`${name}/`));
      return inside ? undefined : { external: true };
    });
  },
});

export async function buildServer(): Promise<void> {
  fs.rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: [path.join(root, 'server', 'src', 'main.ts')],
    outfile: path.join(outdir, 'main.js'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [bundleOnly(['drizzle-orm', '@attune/core'])],
  });
  // The migrations are read at start-up from beside the code that applies them.
  fs.cpSync(path.join(root, 'server', 'src', 'db', 'migrations'), path.join(outdir, 'migrations'), {
    recursive: true,
  });
}

if (import.meta.main) await buildServer();
