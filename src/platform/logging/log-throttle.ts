export interface LogThrottleOptions {
  /** A key logged once is not logged again within this many milliseconds. */
  readonly windowMs: number;
  /** Most distinct keys logged in one window: beyond it, lines are dropped and counted. */
  readonly maxPerWindow: number;
  /** Milliseconds clock, for tests. */
  readonly now?: () => number;
}

export interface LogDecision {
  readonly log: boolean;
  /** Lines dropped since the last one that was logged (0 when none), to report with it. */
  readonly suppressed: number;
}

/**
 * Decides whether a log line keyed by caller input (an unknown host, a bad client id) is written,
 * so that a caller sending many requests, or many different keys, cannot flood the log: each key at
 * most once per window, and at most `maxPerWindow` keys per window in all. Memory is bounded by
 * `maxPerWindow` since keys are forgotten when their window ends.
 */
export class LogThrottle {
  private readonly seen = new Map<string, number>();
  private windowStart = -Infinity;
  private inWindow = 0;
  private suppressed = 0;
  private readonly now: () => number;

  constructor(private readonly options: LogThrottleOptions) {
    this.now = options.now ?? Date.now;
  }

  take(key: string): LogDecision {
    const now = this.now();
    if (now - this.windowStart >= this.options.windowMs) {
      this.windowStart = now;
      this.inWindow = 0;
      for (const [k, at] of this.seen) if (now - at >= this.options.windowMs) this.seen.delete(k);
    }
    const last = this.seen.get(key);
    if (last !== undefined && now - last < this.options.windowMs) return this.drop();
    if (this.inWindow >= this.options.maxPerWindow) return this.drop();
    this.inWindow++;
    this.seen.set(key, now);
    const decision = { log: true, suppressed: this.suppressed };
    this.suppressed = 0;
    return decision;
  }

  private drop(): LogDecision {
    this.suppressed++;
    return { log: false, suppressed: 0 };
  }
}
