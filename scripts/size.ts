import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/** Prints the gzip size of the JavaScript a first visit loads (entry and preloaded chunks). */

const BUDGET = 150 * 1024;
const dist = path.resolve(import.meta.dirname, '..', 'web', 'dist');
const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
const files = new Set<string>();
for (const match of html.matchAll(/<(?:script|link)[^>]+(?:src|href)="\/?([^"]+\.js)"/g)) {
  if (match[1]) files.add(match[1]);
}
let total = 0;
for (const file of files) {
  const size = gzipSync(fs.readFileSync(path.join(dist, file))).length;
  total += size;
  process.stdout.write(`  ${file}: ${(size / 1024).toFixed(1)} KB gzip\n`);
}
process.stdout.write(
  `first-load JS: ${(total / 1024).toFixed(1)} KB gzip (budget ${BUDGET / 1024} KB)\n`,
);
if (files.size === 0 || total > BUDGET) process.exit(1);
