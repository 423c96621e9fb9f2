import DataLoader from 'dataloader';

export interface GroupingLimits {
  /** Groups running at once; calls made while all are busy wait and form the next group. */
  readonly inFlight: number;
  /** Calls in one group at most. */
  readonly size: number;
}

/**
 * One call per item that runs items as groups (DataLoader, no caching): while `inFlight` groups
 * are running, the calls that arrive wait and go together when one finishes. With little load
 * a call runs at once, alone; under load each statement and commit serves many callers, as
 * PostgreSQL's group commit does. `run` answers each item's result or Error, in order; if it
 * throws, every call of the group fails with it.
 */
export function groupedCalls<T, R>(
  run: (items: readonly T[]) => Promise<readonly (R | Error)[]>,
  limits: GroupingLimits,
): (item: T) => Promise<R> {
  let busy = 0;
  const waiting: (() => void)[] = [];
  const start = (dispatch: () => void) => {
    busy++;
    // DataLoader adds the call to the group after scheduling it: the group leaves a tick later.
    queueMicrotask(dispatch);
  };
  const loader = new DataLoader<T, R>(
    async (items) => {
      try {
        return await run(items);
      } finally {
        busy--;
        const next = waiting.shift();
        if (next) start(next);
      }
    },
    {
      cache: false,
      maxBatchSize: limits.size,
      batchScheduleFn: (dispatch) => (busy < limits.inFlight ? start(dispatch) : waiting.push(dispatch)),
    },
  );
  return (item) => loader.load(item);
}

/** Each item's outcome as `groupedCalls` wants it: its result, or its Error. */
export function settledEach<T, R>(items: readonly T[], one: (item: T) => Promise<R>): Promise<(R | Error)[]> {
  return Promise.all(
    items.map((item) => one(item).then(undefined, (e: unknown) => (e instanceof Error ? e : new Error(String(e))))),
  );
}
