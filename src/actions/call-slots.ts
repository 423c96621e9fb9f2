/** Why a call got no slot: every slot stayed busy for as long as the caller could wait. */
export class NoSlotInTime extends Error {}
/** Why a call got no slot: the queue of waiting calls is full. */
export class TooManyWaiting extends Error {}

/**
 * A bounded number of calls run at once; a bounded number more wait their turn in order, each no
 * longer than it may wait (its target's timeout covers the wait as well as the call), and beyond
 * that a call is refused at once rather than piling up. Kept in the process's memory: the turns
 * belong to calls running in this process and end with it.
 */
export class CallSlots {
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly maxInFlight: number,
    private readonly maxWaiting: number,
  ) {}

  /** Takes a free slot at once, which the caller must `release()`; false when none is free. */
  tryTake(): boolean {
    if (this.inFlight >= this.maxInFlight) return false;
    this.inFlight++;
    return true;
  }

  /** Resolves when the caller holds a slot, which it must `release()`; rejects after `waitMs` without one. */
  take(waitMs: number): Promise<void> {
    if (this.tryTake()) return Promise.resolve();
    if (this.waiting.length >= this.maxWaiting) return Promise.reject(new TooManyWaiting());
    return new Promise((resolve, reject) => {
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      // A woken waiter has left the queue and cleared its timer, so a timer that fires finds it queued.
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(wake), 1);
        reject(new NoSlotInTime());
      }, waitMs);
      this.waiting.push(wake);
    });
  }

  /** Hands the slot to the next waiting call, or frees it. */
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.inFlight--;
  }

  /** Calls holding a slot and calls waiting for one. */
  get load(): { inFlight: number; waiting: number } {
    return { inFlight: this.inFlight, waiting: this.waiting.length };
  }
}
