import type { ChannelListener, PgNotifications } from '../database/pg-notifications.js';

/** What an outbox worker does with its queue. */
export interface OutboxWork {
  /** Claims and settles one due item; false when none could be claimed. */
  one(): Promise<boolean>;
  /** Milliseconds until the next item is due; null when none is queued. */
  msUntilNextDue(): Promise<number | null>;
  /** Housekeeping after each pass (pruning). */
  afterPass?(): Promise<void>;
  /** A pass that failed as a whole; the next one comes shortly. */
  failed(err: unknown): void;
}

export interface OutboxLoopOptions {
  /** The NOTIFY channel the writing transactions wake the workers on. */
  readonly channel: string;
  /** Items handled at once by one process, each in its own transaction. */
  readonly lanes: number;
}

/** Fallback when a NOTIFY is missed (listener connection down, another process's commit racing ours). */
const POLL_MS = 5_000;
/** Never look again sooner than this: items locked by another process would make us spin. */
const MIN_WAIT_MS = 200;

/**
 * The loop of a transactional outbox's worker: woken by the NOTIFY its writers send on commit,
 * polling as a fallback and when the next item falls due; `lanes` items at a time. Claiming,
 * locking and settling an item is the work's own (`FOR UPDATE SKIP LOCKED`, so processes sharing
 * the database never handle one item at once).
 */
export class OutboxLoop {
  private running = false;
  private current: Promise<void> | undefined;
  private wakeAgain = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly listener: ChannelListener = { notified: () => this.wake(), up: () => this.wake() };

  constructor(
    private readonly notifications: PgNotifications,
    private readonly work: OutboxWork,
    private readonly options: OutboxLoopOptions,
  ) {}

  get started(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    this.running = true;
    // Polling covers the time the LISTEN connection is down.
    await this.notifications.subscribe(this.options.channel, this.listener);
    this.wake();
  }

  /** Stops looking and waits for the pass in progress. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearTimeout(this.timer);
    this.notifications.unsubscribe(this.options.channel, this.listener);
    await this.current;
  }

  /** Looks for due items now, or right after the pass in progress. */
  wake(): void {
    if (!this.running) return;
    if (this.current) {
      this.wakeAgain = true;
      return;
    }
    clearTimeout(this.timer);
    this.current = this.pass().finally(() => (this.current = undefined));
  }

  private async pass(): Promise<void> {
    let wait = POLL_MS;
    try {
      do {
        this.wakeAgain = false;
        await Promise.all(Array.from({ length: this.options.lanes }, () => this.lane()));
      } while (this.wakeAgain && this.running);
      await this.work.afterPass?.();
      const due = await this.work.msUntilNextDue();
      if (due !== null) wait = Math.min(POLL_MS, Math.max(MIN_WAIT_MS, Math.ceil(due)));
    } catch (err) {
      this.work.failed(err);
    }
    if (this.wakeAgain) wait = 0;
    if (this.running) this.timer = setTimeout(() => this.wake(), wait);
  }

  private async lane(): Promise<void> {
    while (this.running && (await this.work.one())) {
      /* next item */
    }
  }
}
