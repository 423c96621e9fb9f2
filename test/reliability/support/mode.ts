/**
 * Short mode (the default, CI) or long mode (`PORTCULLIS_RELIABILITY=long`): how many cases, how
 * much load, how long. Every knob can also be set on its own.
 */
export const LONG = process.env.PORTCULLIS_RELIABILITY === 'long';

function int(name: string, short: number, long: number): number {
  const raw = process.env[name];
  return raw && /^\d+$/.test(raw) ? Number(raw) : LONG ? long : short;
}

export const MODE = {
  /** Fuzz cases per run (REST and Connect together). */
  fuzzCases: int('PORTCULLIS_FUZZ_CASES', 400, 10_000),
  /** fast-check seed; printed so a failure can be replayed. */
  fuzzSeed: int('PORTCULLIS_FUZZ_SEED', Date.now() % 2 ** 31, Date.now() % 2 ** 31),
  /** Concurrent writers in the crash test, and how long they write before the kill. */
  crashWriters: int('PORTCULLIS_CRASH_WRITERS', 8, 32),
  crashLoadMs: int('PORTCULLIS_CRASH_LOAD_MS', 1_500, 10_000),
  /** How many kill -9 / restart rounds. */
  crashRounds: int('PORTCULLIS_CRASH_ROUNDS', 1, 5),
  /**
   * Requests dispatched at once just before SIGTERM (many still connecting: the server's accept
   * window lets them in).
   */
  drainRequests: int('PORTCULLIS_DRAIN_REQUESTS', 40, 150),
};
