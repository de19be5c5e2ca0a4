import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '../bench/lib/processes.ts';
import { expectStatus, field, Person } from './crash/api.ts';
import { ensureServerBuild } from './crash/build.ts';
import { KINDS, Ledger } from './crash/ledger.ts';
import { createDatabase, type FreshDatabase } from './crash/postgres.ts';
import { ServerFailure, ServerProcess, sleep } from './crash/server.ts';
import { compare, type Finding, readBack, trace } from './crash/verify.ts';
import { startWriters, type World } from './crash/writers.ts';

/**
 * `npm run test:crash`: the built server (as `npm start` runs it) is killed with SIGKILL again and
 * again while eight writers write parts, good moments, agenda items, messages from both sides,
 * letters and their edits, appointments and check-ins. After every restart, every write
 * acknowledged before the kill must be there, unchanged; at the end, every acknowledged write,
 * and nothing that was never sent. On PGlite always, and on PostgreSQL when DATABASE_URL is set
 * (in a database of its own, dropped afterwards). `--kills N` (default 10) per database.
 */

const { values } = parseArgs({ options: { kills: { type: 'string', default: '10' } } });
const kills = Number(values.kills);
if (!Number.isInteger(kills) || kills < 1) {
  process.stderr.write('--kills takes a whole number of at least 1.\n');
  process.exit(2);
}
const serverUrl = process.env.DATABASE_URL || undefined;

/** The run in progress, so that every way out (Ctrl-C included) can clean up after it. */
type Run = {
  dir: string;
  server?: ServerProcess;
  database?: FreshDatabase;
  /** Set when the writers are to stop: at the end, or when the run failed. */
  stopping: boolean;
  /** Keep the directory (data and server log) to find out why a run failed. */
  keep: boolean;
  /** Kills the server came back from, and what was acknowledged: said also when a run fails. */
  survived: number;
  ledger?: Ledger;
};
let current: Run | undefined;

process.on('exit', () => {
  current?.server?.killNow();
  if (current && !current.keep) fs.rmSync(current.dir, { recursive: true, force: true });
});
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.once(signal, () => {
    current?.server?.killNow();
    void (current?.database?.drop() ?? Promise.resolve())
      .catch(() => {})
      .finally(() => process.exit(code));
  });
}

function randomInt(from: number, to: number): number {
  return from + Math.floor(Math.random() * (to - from + 1));
}

/** A client and a therapist, connected through the invite flow, so both can write messages. */
async function setUpWorld(base: string): Promise<World> {
  const client = new Person(base, 'client');
  await client.register('client', 'Robin Ærø');
  const therapist = new Person(base, 'therapist');
  await therapist.register('therapist', 'Dr. Åsa Øberg');
  const created = await client.call('POST', '/api/relationships', { therapistName: 'Åsa' });
  expectStatus(created, 201, 'create the relationship');
  const relationshipId = String(field(created.json, 'relationship').id);
  const invite = await client.call('POST', `/api/relationships/${relationshipId}/invites`, {});
  expectStatus(invite, 201, 'invite the therapist');
  const code = String(field(invite.json, 'invite').code);
  expectStatus(await therapist.call('POST', `/api/invites/${code}/accept`, {}), 200, 'accept');
  return { client, therapist, relationshipId };
}

/** Findings by record, so that one loss seen after several restarts counts once. */
class Findings {
  private readonly all = new Map<string, Finding>();

  add(findings: Finding[], when: string): void {
    for (const f of findings) {
      const key = `${f.type} ${f.id}`;
      if (!this.all.has(key)) this.all.set(key, { ...f, what: `${f.what} (${when})` });
    }
  }

  count(...types: Finding['type'][]): number {
    return [...this.all.values()].filter((f) => types.includes(f.type)).length;
  }

  list(): Finding[] {
    return [...this.all.values()];
  }
}

type Outcome = { ok: boolean; report: string[] };

/** Kills and restarts the server `kills` times under the writers, checking after each restart. */
async function killRepeatedly(
  run: Run,
  r: { server: ServerProcess; world: World; ledger: Ledger; found: Findings },
) {
  const { server, world, ledger, found } = r;
  let check: Promise<void> = Promise.resolve();
  for (let kill = 1; kill <= kills; kill++) {
    await Promise.all([sleep(randomInt(150, 900)), check]);
    const killedAt = performance.now();
    await server.kill();
    process.stdout.write(` ${kill}`);
    await server.start();
    run.survived = kill;
    const due = ledger.before(killedAt);
    check = readBack(world).then((stored) =>
      found.add(compare(due, stored, false), `after restart ${kill}`),
    );
  }
  await check;
}

async function crashTest(name: string, run: Run): Promise<Outcome> {
  const logFile = path.join(run.dir, 'server.log');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // The same data directory across kills: PGlite's files, and the key file on PostgreSQL too.
    ATTUNE_DATA_DIR: path.join(run.dir, 'data'),
    LOG_LEVEL: 'info',
  };
  if (run.database) env.DATABASE_URL = run.database.url;
  else delete env.DATABASE_URL;
  const server = new ServerProcess({ port: await freePort(), env, logFile });
  run.server = server;
  await server.start();
  const world = await setUpWorld(server.url);
  const ledger = new Ledger();
  run.ledger = ledger;
  const found = new Findings();
  const writers = startWriters({ world, ledger, server, stopped: () => run.stopping });
  process.stdout.write(`${name}: killed`);
  await killRepeatedly(run, { server, world, ledger, found });
  process.stdout.write('\n');
  run.stopping = true;
  await writers;

  const stored = await readBack(world);
  found.add(compare(ledger.before(Number.POSITIVE_INFINITY), stored, true), 'at the end');
  const traced = trace(ledger, stored);
  found.add(traced.findings, 'at the end');
  for (const problem of ledger.problems) {
    found.add([{ type: 'changed', ...problem }], 'seen by the writer');
  }
  await server.stop();
  return summarize(name, { ledger, found, traced, server, world, logFile });
}

function summarize(
  name: string,
  r: {
    ledger: Ledger;
    found: Findings;
    traced: ReturnType<typeof trace>;
    server: ServerProcess;
    world: World;
    logFile: string;
  },
): Outcome {
  const { ledger, found, traced, server } = r;
  const lost = found.count('lost');
  const changed = found.count('changed');
  const strays = found.count('unknown', 'twice');
  const written = traced.doubtWritten + ledger.resolved.written;
  const notWritten = traced.doubtNotWritten + ledger.resolved.notWritten;
  const report = [
    `crash test (${name}): ${kills} kills, ${ledger.acknowledged.length} acknowledged writes, ` +
      `${lost} lost, ${changed} changed; ${written + notWritten} in doubt ` +
      `(${written} written, ${notWritten} not)`,
    `  ${KINDS.map((kind) => `${kind}s ${ledger.count(kind)}`).join(' · ')}`,
  ];
  const signIns = r.world.client.signIns + r.world.therapist.signIns;
  if (signIns) report.push(`  signed in again ${signIns} times (a session was not accepted)`);
  const empty = KINDS.filter((kind) => ledger.count(kind) === 0);
  if (empty.length) report.push(`  no ${empty.join(', ')} was acknowledged: nothing was tested`);
  if (strays) report.push(`  ${strays} records no write made, or made twice`);
  for (const f of found.list().slice(0, 20))
    report.push(`  ${f.type} ${f.kind} ${f.id}: ${f.what}`);
  for (const u of ledger.unexpected.slice(0, 10)) report.push(`  unexpected answer: ${u}`);
  for (const e of server.unexpectedExits) report.push(`  the server died by itself: ${e}`);
  const ok =
    lost + changed + strays === 0 &&
    empty.length === 0 &&
    ledger.unexpected.length === 0 &&
    server.unexpectedExits.length === 0;
  if (!ok) report.push(`  server log: ${r.logFile}`);
  return { ok, report };
}

async function runOn(name: string, adminUrl: string | undefined): Promise<Outcome> {
  const run: Run = {
    dir: fs.mkdtempSync(path.join(os.tmpdir(), 'attune-crash-')),
    stopping: false,
    keep: false,
    survived: 0,
  };
  current = run;
  try {
    if (adminUrl) run.database = await createDatabase(adminUrl);
    const outcome = await crashTest(name, run);
    run.keep = !outcome.ok; // the data directory and the log, to find out why
    return outcome;
  } catch (error) {
    run.keep = true;
    process.stdout.write('\n');
    const reason = error instanceof ServerFailure ? error.message : String(error);
    const tail = run.server?.logTail() ?? '';
    const acknowledged = run.ledger?.acknowledged.length ?? 0;
    return {
      ok: false,
      report: [
        `crash test (${name}): failed after ${run.survived} kills and ${acknowledged} ` +
          `acknowledged writes: ${reason}`,
        `  server log: ${path.join(run.dir, 'server.log')}, ending with:`,
        ...tail.split('\n').map((l) => `    ${l}`),
      ],
    };
  } finally {
    run.stopping = true;
    run.server?.killNow();
    await run.database?.drop().catch((error: unknown) => {
      process.stderr.write(`Could not drop the crash test's database: ${String(error)}\n`);
    });
    if (!run.keep) fs.rmSync(run.dir, { recursive: true, force: true });
    else process.stdout.write(`Kept ${run.dir} (data directory and server log).\n`);
    current = undefined;
  }
}

await ensureServerBuild();
process.stdout.write(
  `Crash test: ${kills} SIGKILLs per database, on PGlite${serverUrl ? ' and PostgreSQL' : ''}\n`,
);
const outcomes = [await runOn('PGlite', undefined)];
if (serverUrl) outcomes.push(await runOn('PostgreSQL', serverUrl));
process.stdout.write('\n');
for (const outcome of outcomes) process.stdout.write(`${outcome.report.join('\n')}\n`);
process.exit(outcomes.every((outcome) => outcome.ok) ? 0 : 1);
