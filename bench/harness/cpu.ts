import { readdirSync, readFileSync } from 'node:fs';

/**
 * Where a measured load's CPU went, in ms per completed request. On a machine whose cores the
 * server, PostgreSQL and the load generator share, a pair's throughput ratio is close to the
 * inverse ratio of these totals, so the split says what a goal would need.
 */
export interface CpuBudget {
  /** The measured processes' main threads (JavaScript, the event loop, their syscalls). */
  readonly mainMs: number;
  /** Their other threads: libuv's pool (argon2id, crypto, file I/O) and V8's helpers (GC, compiler). */
  readonly otherThreadsMs: number;
  /** Every PostgreSQL process on the machine. */
  readonly postgresMs: number;
  /** The process that drives the load, unless it is one of the measured processes. */
  readonly loadMs: number;
  /** All of it over the window's wall time: how many cores were busy with the load. */
  readonly coresBusy: number;
}

/** CPU consumed so far, in ms, by each part a budget names. */
export interface CpuSample {
  readonly main: number;
  readonly otherThreads: number;
  /** Per PostgreSQL process: backends come and go during a load (pools close idle connections). */
  readonly postgres: ReadonlyMap<number, number>;
  readonly load: number;
  /** When the sample was taken (performance.now(), ms). */
  readonly at: number;
}

/** Linux's USER_HZ: /proc reports CPU time in ticks of 10 ms. */
const TICK_MS = 10;

/** utime + stime (fields 14 and 15) of a /proc stat line, in ms. */
export function statCpuMs(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** The command name of a /proc stat line. */
export function statCommand(stat: string): string {
  return stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
}

const readStat = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // the thread or process ended between the listing and the read
  }
};

function threadsCpu(pid: number): { main: number; others: number } {
  let main = 0;
  let others = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const stat = readStat(`/proc/${pid}/task/${tid}/stat`);
    if (stat === undefined) continue;
    if (Number(tid) === pid) main += statCpuMs(stat);
    else others += statCpuMs(stat);
  }
  return { main, others };
}

function postgresCpu(): Map<number, number> {
  const byPid = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(`/proc/${entry}/stat`);
    if (stat !== undefined && statCommand(stat) === 'postgres') byPid.set(Number(entry), statCpuMs(stat));
  }
  return byPid;
}

/**
 * PostgreSQL's CPU between two samples: a process in both counts its difference, one that started
 * meanwhile all of its CPU; one that ended meanwhile is lost (its last figures went with it).
 */
export function postgresSpent(before: ReadonlyMap<number, number>, after: ReadonlyMap<number, number>): number {
  let spent = 0;
  for (const [pid, ms] of after) spent += Math.max(0, ms - (before.get(pid) ?? 0));
  return spent;
}

/** A sample of `pids`' threads, the machine's PostgreSQL and this process (when not among `pids`). */
export function sampleCpu(pids: readonly number[]): CpuSample {
  let main = 0;
  let otherThreads = 0;
  for (const pid of pids) {
    const threads = threadsCpu(pid);
    main += threads.main;
    otherThreads += threads.others;
  }
  const own = process.cpuUsage();
  return {
    main,
    otherThreads,
    postgres: postgresCpu(),
    load: pids.includes(process.pid) ? 0 : (own.user + own.system) / 1000,
    at: performance.now(),
  };
}

/** The CPU between two samples, per request. */
export function cpuBudget(before: CpuSample, after: CpuSample, requests: number): CpuBudget | undefined {
  if (requests <= 0) return undefined;
  const spent = (key: 'main' | 'otherThreads' | 'load') => Math.max(0, after[key] - before[key]);
  const parts = {
    main: spent('main'),
    others: spent('otherThreads'),
    postgres: postgresSpent(before.postgres, after.postgres),
    load: spent('load'),
  };
  const elapsed = after.at - before.at;
  return {
    mainMs: parts.main / requests,
    otherThreadsMs: parts.others / requests,
    postgresMs: parts.postgres / requests,
    loadMs: parts.load / requests,
    coresBusy: elapsed > 0 ? (parts.main + parts.others + parts.postgres + parts.load) / elapsed : 0,
  };
}

export const budgetTotalMs = (b: CpuBudget): number => b.mainMs + b.otherThreadsMs + b.postgresMs + b.loadMs;
