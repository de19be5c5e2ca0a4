import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ensureChromium } from '../e2e/chromium.ts';
import { ensureWebBuild } from './ensure-web-build.ts';

/**
 * `npm test`: the unit and API suite, then the end-to-end suite in Chromium against the built
 * web app. On PGlite by default; with DATABASE_URL (a PostgreSQL server) every suite works in
 * databases it creates and drops itself. Prints one summary line per suite.
 */

const root = path.resolve(import.meta.dirname, '..');
const args = new Set(process.argv.slice(2));
const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
const serverUrl = process.env.DATABASE_URL || undefined;
const database = serverUrl ? 'PostgreSQL' : 'PGlite';

type Summary = { name: string; passed: number; failed: number; skipped: number; ok: boolean };

function runVitest(project: string, env: NodeJS.ProcessEnv): Summary {
  const report = path.join(os.tmpdir(), `attune-vitest-${project}-${randomUUID()}.json`);
  const result = spawnSync(
    process.execPath,
    [
      vitest,
      'run',
      '--project',
      project,
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
    ],
    { cwd: root, stdio: 'inherit', env },
  );
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  if (fs.existsSync(report)) {
    const json = JSON.parse(fs.readFileSync(report, 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
      numPendingTests: number;
      numTodoTests: number;
    };
    passed = json.numPassedTests;
    failed = json.numFailedTests;
    skipped = json.numPendingTests + json.numTodoTests;
    fs.rmSync(report, { force: true });
  }
  const ok = result.status === 0 && passed > 0;
  return { name: project, passed, failed: ok ? failed : Math.max(failed, 1), skipped, ok };
}

async function withFreshDatabase<T>(run: (url: string | undefined) => T): Promise<T> {
  if (!serverUrl) return run(undefined);
  const name = `attune_e2e_${randomUUID().replaceAll('-', '')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  try {
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return run(url.toString());
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

const summaries: Summary[] = [];
process.stdout.write(`Attune tests on ${database}, Node ${process.version}\n`);

if (!args.has('--e2e-only')) summaries.push(runVitest('unit', process.env));

if (!args.has('--unit-only')) {
  // Installs Debian's Chromium when missing and we are root; otherwise stops with the command.
  process.stdout.write(`Chromium: ${await ensureChromium()}\n`);
  ensureWebBuild();
  summaries.push(
    await withFreshDatabase((url) => {
      const env = { ...process.env };
      if (url) env.DATABASE_URL = url;
      else delete env.DATABASE_URL;
      return runVitest('e2e', env);
    }),
  );
}

process.stdout.write('\n');
for (const s of summaries) {
  const skipped = s.skipped ? `, ${s.skipped} skipped` : '';
  process.stdout.write(`${s.name}: ${s.passed} passed, ${s.failed} failed${skipped}\n`);
}
const passed = summaries.reduce((n, s) => n + s.passed, 0);
const failed = summaries.reduce((n, s) => n + s.failed, 0);
process.stdout.write(`${database}: ${passed} passed, ${failed} failed\n`);
process.exit(summaries.every((s) => s.ok) ? 0 : 1);
