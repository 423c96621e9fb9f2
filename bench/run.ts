// npm run bench [-- --quick] [-- --only=id,id] [-- --no-embedded] [-- --profile]
//
// Starts the built server as its own process, on a fresh database on the local PostgreSQL
// (PORTCULLIS_BENCH_DATABASE_URL, else PORTCULLIS_TEST_DATABASE_URL: any database URL on that
// server; the bench creates and drops its own database) and then once on the embedded default;
// seeds data with bulk SQL; drives load from this process over loopback (autocannon for HTTP/1.1
// keep-alive, node:http2 for gRPC); measures the baselines in the same run. Writes JSON and,
// in the full run, the markdown table in docs/benchmarks.md. A scenario and its baseline take
// turns for `--rounds` rounds (3 in the full run, 1 in quick mode); the median round is kept.
//
// Quick mode (`--quick` or BENCH_QUICK=1): 3 s per measurement, 10,000 users, local PostgreSQL
// only, results to the temp dir. `--profile` runs the server under `node --cpu-prof` and prints
// the functions with the most self time. `--render` rewrites the markdown from the JSON.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { BASELINES } from './baselines/index.js';
import { topFunctions } from './harness/profile.js';
import { markdownReport, type Measurement, type Report, type RunReport } from './harness/report.js';
import { medianPair, type Pair, pairRatio, percent } from './harness/rounds.js';
import { seedUsers } from './harness/seed.js';
import { measure, rssMiB, startBenchServer } from './harness/server.js';
import type { BenchTarget, LoadOptions } from './harness/types.js';
import { SCENARIOS } from './scenarios/index.js';

const args = new Set(process.argv.slice(2));
const arg = (name: string) =>
  process.argv
    .slice(2)
    .find((a) => a.startsWith(`--${name}=`))
    ?.split('=')[1];
const QUICK = args.has('--quick') || process.env.BENCH_QUICK === '1';
const PROFILE = args.has('--profile');
const SECONDS = Number(arg('seconds') ?? process.env.BENCH_SECONDS ?? (QUICK ? 3 : 10));
const WARMUP_SECONDS = QUICK ? 1 : 3;
/** How long the server has gone without requests when its idle RSS is read. */
const IDLE_MS = 20_000;
const ROUNDS = Number(arg('rounds') ?? process.env.BENCH_ROUNDS ?? (QUICK ? 1 : 3));
const USERS = Number(arg('users') ?? process.env.BENCH_USERS ?? (QUICK ? 10_000 : 100_000));
const CONNECTIONS = Number(arg('connections') ?? process.env.BENCH_CONNECTIONS ?? 16);
const ONLY = arg('only')?.split(',');
const EXTERNAL_ADMIN_URL = process.env.PORTCULLIS_BENCH_DATABASE_URL ?? process.env.PORTCULLIS_TEST_DATABASE_URL;
const EMBEDDED = !args.has('--no-embedded') && (!QUICK || !EXTERNAL_ADMIN_URL) && !PROFILE;

const log = (line: string) => process.stdout.write(`${line}\n`);
const scenarios = SCENARIOS.filter((s) => !ONLY || ONLY.includes(s.id));

/**
 * Server CPU per request: steadier than throughput on a machine whose cores are shared, since
 * time spent waiting for a core is not counted.
 */
function cpuMsPerRequest(cpuPercent: number, result: { requests: number; seconds: number }): number {
  return result.requests ? ((cpuPercent / 100) * result.seconds * 1000) / result.requests : 0;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function run(label: string, databaseUrl: string | undefined): Promise<RunReport> {
  const profileDir = PROFILE ? mkdtempSync(join(tmpdir(), 'pc-prof-')) : undefined;
  log(`\n== ${label}`);
  const server = await startBenchServer(databaseUrl, profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []);
  const dbConfig = databaseUrl
    ? { connectionString: databaseUrl }
    : { host: join(server.dataDir, 'run'), port: 5432, user: 'postgres', database: 'portcullis' };
  const db = new pg.Client(dbConfig);
  await db.connect();
  try {
    const pgVersion = (await db.query('SHOW server_version')).rows[0].server_version as string;
    const [{ id: instanceId }] = (await db.query('SELECT id FROM instances')).rows;
    const org = await fetch(`${server.baseUrl}/v2/organizations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminPat}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `Bench ${Date.now()}` }),
    });
    const { organizationId: orgId } = (await org.json()) as { organizationId: string };
    const lastRequestAt = Date.now();
    await sleep(2_000);
    const startedRssMiB = rssMiB(server.pid);
    const seedMs = await seedUsers(db, instanceId, orgId, USERS);
    log(`seeded ${USERS} users in ${seedMs} ms`);
    // V8 returns what booting left behind once a process has been idle for some seconds (its
    // memory reducer, 10-13 s here): idle is read after IDLE_MS without requests, whatever the
    // seeding took, and beside it the figure 2 s after the first request.
    await sleep(IDLE_MS - (Date.now() - lastRequestAt));
    const idleRssMiB = rssMiB(server.pid);
    log(`RSS ${startedRssMiB.toFixed(0)} MiB 2 s after the first request, ${idleRssMiB.toFixed(0)} MiB idle`);

    const target: BenchTarget = {
      baseUrl: server.baseUrl,
      adminPat: server.adminPat,
      db,
      dbConfig,
      instanceId,
      orgId,
      seededUsers: USERS,
    };
    const measurements: Measurement[] = [];
    const baselineResults = new Map<string, Measurement>();
    const measureBaseline = async (baseline: (typeof BASELINES)[number], options: LoadOptions) => {
      const result = await baseline.run(target, { ...options, warmupSeconds: WARMUP_SECONDS });
      log(
        `  baseline ${baseline.name}: ${result.throughput.toFixed(0)} req/s  p50 ${result.p50.toFixed(1)}  p95 ${result.p95.toFixed(1)} ms`,
      );
      return { id: baseline.id, name: baseline.name, transport: '-', connections: options.connections, result };
    };
    const measureScenario = async (scenario: (typeof SCENARIOS)[number], options: LoadOptions) => {
      const { value, usage } = await measure(server.pid, () =>
        scenario.run(target, { ...options, cpuOf: [server.pid] }),
      );
      log(
        `${scenario.name.padEnd(28)} ${scenario.transport.padEnd(9)} ${value.throughput.toFixed(0).padStart(6)} req/s  p50 ${value.p50.toFixed(1)}  p95 ${value.p95.toFixed(1)}  p99 ${value.p99.toFixed(1)} ms  errors ${value.errors}  RSS ${usage.rssMiB.toFixed(0)} MiB  CPU ${usage.cpuPercent.toFixed(0)}% (${cpuMsPerRequest(usage.cpuPercent, value).toFixed(2)} ms/req)`,
      );
      return {
        id: scenario.id,
        name: scenario.name,
        transport: scenario.transport,
        connections: options.connections,
        result: value,
        server: usage,
        baseline: scenario.baseline,
      } satisfies Measurement;
    };
    for (const scenario of scenarios) {
      const unavailable = scenario.unavailable?.();
      if (unavailable) {
        log(`${scenario.name.padEnd(28)} ${scenario.transport.padEnd(9)} not measured: ${unavailable}`);
        continue;
      }
      const options: LoadOptions = { seconds: SECONDS, connections: scenario.connections ?? CONNECTIONS };
      await scenario.run(target, { ...options, seconds: WARMUP_SECONDS }); // JIT, pools, caches
      // A scenario compared to this one measures both, in turns (below).
      if (scenarios.some((s) => s.comparedTo === scenario.id && !s.unavailable?.())) continue;
      // A scenario and what a goal compares it to take turns, and the round with the median ratio
      // is kept whole: on cores the load generator and PostgreSQL share, either side alone drifts
      // by a fifth between runs.
      const inTurns = async (measureOther: () => Promise<Measurement>) => {
        const pairs: Pair[] = [];
        for (let round = 0; round < ROUNDS; round++)
          pairs.push({ scenario: await measureScenario(scenario, options), baseline: await measureOther() });
        const kept = medianPair(pairs);
        if (ROUNDS > 1)
          log(`  rounds ${pairs.map((p) => percent(pairRatio(p))).join(' / ')}, kept ${percent(pairRatio(kept))}`);
        return { scenario: { ...kept.scenario, rounds: pairs.map(pairRatio) }, other: kept.baseline };
      };
      const twin = scenarios.find((s) => s.id === scenario.comparedTo);
      if (twin) {
        const twinOptions = { ...options, connections: twin.connections ?? CONNECTIONS };
        const kept = await inTurns(() => measureScenario(twin, twinOptions));
        measurements.push(kept.other, kept.scenario);
        continue;
      }
      const baseline =
        scenario.baseline && !baselineResults.has(scenario.baseline)
          ? BASELINES.find((b) => b.id === scenario.baseline)!
          : undefined;
      if (!baseline) {
        measurements.push(await measureScenario(scenario, options));
        continue;
      }
      const kept = await inTurns(() => measureBaseline(baseline, options));
      measurements.push(kept.scenario);
      baselineResults.set(baseline.id, kept.other);
    }
    for (const baseline of BASELINES.filter((b) => !baselineResults.has(b.id) && (!ONLY || ONLY.includes(b.id))))
      baselineResults.set(baseline.id, await measureBaseline(baseline, { seconds: SECONDS, connections: CONNECTIONS }));
    return {
      label,
      database: databaseUrl ? 'local PostgreSQL (TCP)' : 'embedded PostgreSQL (unix socket)',
      pgVersion,
      users: USERS,
      seedMs,
      startedRssMiB,
      idleRssMiB,
      scenarios: measurements,
      baselines: [...baselineResults.values()],
    };
  } finally {
    await db.end();
    await server.stop();
    if (profileDir) {
      log(`\nCPU profile (${profileDir}), top self time:`);
      for (const line of topFunctions(profileDir, 25)) log(`  ${line}`);
    }
  }
}

async function main(): Promise<void> {
  if (args.has('--render')) {
    // Rewrites docs/benchmarks.md from docs/benchmarks.json (after editing the report's text).
    const docs = resolve(import.meta.dirname, '../../docs');
    const report = JSON.parse(readFileSync(join(docs, 'benchmarks.json'), 'utf8')) as Report;
    writeFileSync(join(docs, 'benchmarks.md'), markdownReport(report));
    log(`rewrote ${join(docs, 'benchmarks.md')}`);
    return;
  }
  const runs: RunReport[] = [];
  if (EXTERNAL_ADMIN_URL) {
    const name = `portcullis_bench_${process.pid}`;
    const admin = new pg.Client({ connectionString: EXTERNAL_ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    try {
      runs.push(await run('Local PostgreSQL', withDatabase(EXTERNAL_ADMIN_URL, name)));
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  }
  if (EMBEDDED) runs.push(await run('Embedded PostgreSQL (the default)', undefined));

  const report: Report = {
    date: new Date().toISOString(),
    quick: QUICK,
    machine: {
      cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      os: `Linux ${release()}`,
      node: process.version,
    },
    settings: { seconds: SECONDS, connections: CONNECTIONS, users: USERS, rounds: ROUNDS },
    runs,
  };
  const docs = resolve(import.meta.dirname, '../../docs');
  const outDir = QUICK || ONLY || PROFILE ? mkdtempSync(join(tmpdir(), 'pc-bench-out-')) : docs;
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'benchmarks.json'), JSON.stringify(report, null, 2) + '\n');
  writeFileSync(join(outDir, 'benchmarks.md'), markdownReport(report));
  log(`\nwrote ${join(outDir, 'benchmarks.md')} and benchmarks.json`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
