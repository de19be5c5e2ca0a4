import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { buildServer } from '../scripts/build-server.ts';
import { BENCH_MODERATOR, benchCommunity, seedCommunity } from './community.ts';
import {
  cpuSeconds,
  freePort,
  rss,
  start,
  startArguments,
  stop,
  waitFor,
} from './lib/processes.ts';
import { seedThreeYears } from './lib/seed.ts';
import { benchMarkers } from './markers.ts';

/**
 * `npm run bench`: the real server against a bare Fastify route started in the same run, so the
 * figures are ratios that hold on a noisy machine. Runs on PGlite, and on the PostgreSQL server
 * at DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) when it answers.
 * Prints requests/s, p50/p99 latency, the ratio against bare Fastify, the server's RSS under
 * load, and the time from process start to a healthy /api/health.
 */

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 20;
const ROUNDS = 2;

type Result = { rps: number; p50: number; p99: number; errors: number; non2xx: number };

async function load(
  url: string,
  headers: Record<string, string> = {},
  duration = DURATION,
  connections = CONNECTIONS,
): Promise<Result> {
  const result = await autocannon({ url, connections, duration, headers });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

const format = (r: Result) =>
  `${Math.round(r.rps).toString().padStart(7)} req/s  p50 ${r.p50.toFixed(1).padStart(5)} ms  p99 ${r.p99.toFixed(1).padStart(5)} ms` +
  (r.errors || r.non2xx ? `  (errors ${r.errors}, non-2xx ${r.non2xx})` : '');

async function postgresUrl(): Promise<string | undefined> {
  const admin = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const client = new pg.Client({ connectionString: admin, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    const name = `attune_bench_${randomUUID().replaceAll('-', '')}`;
    await client.query(`create database ${name}`);
    await client.end();
    const url = new URL(admin);
    url.pathname = `/${name}`;
    return url.toString();
  } catch {
    await client.end().catch(() => {});
    return undefined;
  }
}

async function dropDatabase(url: string): Promise<void> {
  const admin = new URL(url);
  const name = admin.pathname.slice(1);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`drop database if exists ${name} with (force)`);
  await client.end();
}

/**
 * Server CPU time per request at a fixed request rate that both servers can serve: unlike
 * requests/s, it does not depend on how fast the load generator (on the same 2 cores) is.
 */
async function cpuPerRequest(pid: number, url: string, headers: Record<string, string> = {}) {
  const before = cpuSeconds(pid);
  const result = await autocannon({
    url,
    connections: 10,
    duration: 5,
    overallRate: FIXED_RATE,
    headers,
  });
  return ((cpuSeconds(pid) - before) / result.requests.total) * 1e6;
}

const FIXED_RATE = 8_000;

async function benchDatabase(
  label: string,
  databaseUrl: string | undefined,
  bareUrl: string,
  barePid: number,
) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'attune-bench-'));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    ATTUNE_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    // The community bench needs a moderator, and limits that do not turn its load into 429s.
    ATTUNE_MODERATORS: BENCH_MODERATOR,
    ATTUNE_COMMUNITY_ASKS_PER_HOUR: '100000000',
    ATTUNE_COMMUNITY_ANSWERS_PER_HOUR: '100000000',
  };
  delete env.DATABASE_URL;
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  const base = `http://127.0.0.1:${port}`;

  // Start to healthy, twice: a first start creates the database, a second finds it.
  const startups: number[] = [];
  let server = start(startArguments(), env);
  for (let i = 0; i < 2; i++) {
    const t0 = performance.now();
    if (i === 1) server = start(startArguments(), env);
    await waitFor(`${base}/api/health`, 30_000);
    startups.push(performance.now() - t0);
    if (i === 0) await stop(server);
  }

  try {
    const email = `bench-${randomUUID()}@example.test`;
    const register = await fetch(`${base}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email,
        password: 'a long bench password 1',
        displayName: 'Bench',
        role: 'client',
      }),
    });
    if (register.status !== 201) throw new Error(`register answered ${register.status}`);
    const cookie = (register.headers.get('set-cookie') ?? '').split(';')[0] ?? '';

    await load(`${base}/api/me`, { cookie }, 2); // warm-up
    await load(bareUrl, {}, 2);
    const bare: Result[] = [];
    const me: Result[] = [];
    let peakRss = 0;
    const sampler = setInterval(() => {
      if (server.pid) peakRss = Math.max(peakRss, rss(server.pid));
    }, 200);
    for (let round = 0; round < ROUNDS; round++) {
      bare.push(await load(bareUrl));
      me.push(await load(`${base}/api/me`, { cookie }));
    }
    clearInterval(sampler);
    const bareCpu = await cpuPerRequest(barePid, bareUrl);
    const meCpu = await cpuPerRequest(server.pid ?? 0, `${base}/api/me`, { cookie });
    const best = (results: Result[]) => results.reduce((a, b) => (b.rps > a.rps ? b : a));
    const bareBest = best(bare);
    const meBest = best(me);
    const line = '-'.repeat(78);
    process.stdout.write(`\n${label}\n${line}\n`);
    process.stdout.write(`bare Fastify route      ${format(bareBest)}\n`);
    process.stdout.write(`GET /api/me signed in   ${format(meBest)}\n`);
    process.stdout.write(
      `ratio /api/me : bare    ${((meBest.rps / bareBest.rps) * 100).toFixed(0)} %  (target ≥ 50 %)\n`,
    );
    process.stdout.write(
      `CPU per request         bare ${bareCpu.toFixed(0)} µs, /api/me ${meCpu.toFixed(0)} µs → ${((bareCpu / meCpu) * 100).toFixed(0)} % of bare's efficiency (at ${FIXED_RATE} req/s)\n`,
    );
    process.stdout.write(
      `server RSS under load   ${(peakRss / 1024 / 1024).toFixed(0)} MB peak  (target ≤ 200 MB)\n`,
    );
    process.stdout.write(
      `start to healthy        ${startups[0]?.toFixed(0)} ms on a new database, ${startups[1]?.toFixed(0)} ms on an existing one  (target ≤ 3000 ms)\n`,
    );
    process.stdout.write(
      `(${ROUNDS} rounds of ${DURATION} s, ${CONNECTIONS} connections, best round of each; ${os.cpus().length} cores)\n`,
    );

    // The relationship page for three years of weekly appointments with both check-ins.
    const world = await seedThreeYears(base);
    const pageUrl = `${base}/api/relationships/${world.relationshipId}/page`;
    const markersUrl = `${base}/api/relationships/${world.relationshipId}/markers`;
    await load(pageUrl, { cookie: world.therapistCookie }, 2);
    const healthAlone = await load(`${base}/api/health`, {}, 3, 1);
    const page = await load(pageUrl, { cookie: world.therapistCookie });
    const markers = await load(markersUrl, { cookie: world.clientCookie });
    const [pageUnderLoad, healthUnderLoad] = await Promise.all([
      load(pageUrl, { cookie: world.therapistCookie }),
      load(`${base}/api/health`, {}, DURATION, 1),
    ]);
    const ratio = (r: Result) => `${((r.rps / bareBest.rps) * 100).toFixed(1)} % of bare`;
    process.stdout.write(
      '\nrelationship page, 3 years weekly (156 appointments, 312 check-ins, connected)\n',
    );
    process.stdout.write(
      `page data (therapist)   ${format(page)}  ${ratio(page)}  (target p99 ≤ 20 ms on PostgreSQL)\n`,
    );
    process.stdout.write(`markers (client)        ${format(markers)}  ${ratio(markers)}\n`);
    process.stdout.write(
      `/api/health alone (1 connection)          p99 ${healthAlone.p99.toFixed(1)} ms\n`,
    );
    process.stdout.write(
      `/api/health while the page is under load  p99 ${healthUnderLoad.p99.toFixed(1)} ms  (page meanwhile ${Math.round(pageUnderLoad.rps)} req/s, p99 ${pageUnderLoad.p99.toFixed(1)} ms)\n`,
    );

    const community = await seedCommunity(base);
    const { board, ask, answer } = await benchCommunity(base, community, DURATION, CONNECTIONS);
    process.stdout.write('\ncommunity (two trusted members, a board of 60 answered questions)\n');
    process.stdout.write(`list the board (20)     ${format(board)}  ${ratio(board)}\n`);
    process.stdout.write(`ask (public board)      ${format(ask)}  ${ratio(ask)}\n`);
    process.stdout.write(`answer                  ${format(answer)}  ${ratio(answer)}\n`);
  } finally {
    await stop(server);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await buildServer();
benchMarkers();
const barePort = await freePort();
const bare = start(['bench/bare.ts', String(barePort)], process.env);
try {
  await waitFor(`http://127.0.0.1:${barePort}/bare`, 10_000);
  const bareUrl = `http://127.0.0.1:${barePort}/bare`;
  await benchDatabase('Embedded PostgreSQL (PGlite)', undefined, bareUrl, bare.pid ?? 0);
  const url = await postgresUrl();
  if (url) {
    try {
      await benchDatabase('PostgreSQL server', url, bareUrl, bare.pid ?? 0);
    } finally {
      await dropDatabase(url);
    }
  } else {
    process.stdout.write(
      '\nPostgreSQL server: not reachable at DATABASE_URL or 127.0.0.1:5432, skipped.\n',
    );
  }
} finally {
  await stop(bare);
}
