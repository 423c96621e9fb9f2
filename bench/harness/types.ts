import type { Client as PgClient } from 'pg';
import type { CpuBudget } from './cpu.js';

/** What one measured run produced (Portcullis scenario or baseline). */
export interface LoadResult {
  readonly requests: number;
  readonly seconds: number;
  /** Completed requests per second. */
  readonly throughput: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  /** Failed requests: transport errors, non-2xx answers, thrown calls. */
  readonly errors: number;
  /** Where the measured window's CPU went, when the load was told which processes serve it (`cpuOf`). */
  readonly cpu?: CpuBudget;
}

export interface ServerUsage {
  /** Peak resident set size of the server process during the run, MiB. */
  readonly rssMiB: number;
  /** Mean CPU of the server process during the run, % of one core. */
  readonly cpuPercent: number;
}

export interface LoadOptions {
  readonly seconds: number;
  readonly connections: number;
  /**
   * A load of this length, not counted, just before the measured one and in the same process:
   * a baseline that starts a process of its own is measured warm, as the server is.
   */
  readonly warmupSeconds?: number;
  /** The processes serving the load, whose threads the measured window's CPU is split over (Linux only). */
  readonly cpuOf?: readonly number[];
}

/** The running server and its data, as scenarios see it. */
export interface BenchTarget {
  readonly baseUrl: string;
  readonly adminPat: string;
  /** A pg client on the server's database (seeding, baselines). */
  readonly db: PgClient;
  /** Connection settings of that database, for baselines that open their own pool. */
  readonly dbConfig: { connectionString?: string; host?: string; port?: number; user?: string; database?: string };
  readonly instanceId: string;
  /** Where bulk-seeded data lives: an org with `seededUsers` users (ids 800000000000000001…). */
  readonly orgId: string;
  readonly seededUsers: number;
}

/** One Portcullis scenario: a small module in bench/scenarios, listed in bench/scenarios/index.ts. */
export interface Scenario {
  readonly id: string;
  readonly name: string;
  /** The transport the load goes over (for the table). */
  readonly transport: string;
  /** The id of the baseline it is compared to (bench/baselines/index.ts), if any. */
  readonly baseline?: string;
  /**
   * A scenario listed before this one that a goal compares it to: the two take turns, as a
   * scenario and its baseline do.
   */
  readonly comparedTo?: string;
  readonly connections?: number;
  /** Why the scenario cannot run on this machine (a missing tool); undefined when it can. */
  unavailable?(): string | undefined;
  /** Prepares data and runs the load; the harness measures the server around it. */
  run(target: BenchTarget, options: LoadOptions): Promise<LoadResult>;
}

/** A baseline: the same kind of work without Portcullis, measured in the same run. */
export interface Baseline {
  readonly id: string;
  readonly name: string;
  run(target: BenchTarget, options: LoadOptions): Promise<LoadResult>;
}
