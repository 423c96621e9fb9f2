import { groupedCalls, settledEach } from './grouped-calls.js';

/** A `run` whose groups finish when the test says so, recording each group it was given. */
function heldRun() {
  const groups: number[][] = [];
  const releases: (() => void)[] = [];
  const run = (items: readonly number[]) => {
    groups.push([...items]);
    return new Promise<readonly (number | Error)[]>((resolve) =>
      releases.push(() => resolve(items.map((n) => (n < 0 ? new Error(`bad ${n}`) : n * 10)))),
    );
  };
  return { groups, run, release: () => releases.shift()?.() };
}

const ticks = () => new Promise((r) => setImmediate(r));

describe('groupedCalls', () => {
  it('runs a call at once, alone, when no group is running', async () => {
    const { groups, run, release } = heldRun();
    const call = groupedCalls(run, { inFlight: 1, size: 10 });
    const answer = call(1);
    await ticks();
    expect(groups).toEqual([[1]]);
    release();
    await expect(answer).resolves.toBe(10);
  });

  it('groups the calls made while every group slot is busy, and runs them when one frees', async () => {
    const { groups, run, release } = heldRun();
    const call = groupedCalls(run, { inFlight: 1, size: 10 });
    const first = call(1);
    await ticks();
    const waiting = [call(2), call(3)];
    await ticks();
    const later = call(4);
    await ticks();
    expect(groups).toEqual([[1]]);
    release();
    await ticks();
    expect(groups).toEqual([[1], [2, 3, 4]]);
    release();
    await expect(Promise.all([first, ...waiting, later])).resolves.toEqual([10, 20, 30, 40]);
  });

  it('keeps up to inFlight groups running at once', async () => {
    const { groups, run, release } = heldRun();
    const call = groupedCalls(run, { inFlight: 2, size: 10 });
    const calls = [call(1)];
    await ticks();
    calls.push(call(2));
    await ticks();
    calls.push(call(3), call(4));
    await ticks();
    expect(groups).toEqual([[1], [2]]);
    release();
    await ticks();
    expect(groups).toEqual([[1], [2], [3, 4]]);
    release();
    release();
    await expect(Promise.all(calls)).resolves.toEqual([10, 20, 30, 40]);
  });

  it('puts at most `size` calls in a group', async () => {
    const { groups, run, release } = heldRun();
    const call = groupedCalls(run, { inFlight: 1, size: 2 });
    const calls = [call(1)];
    await ticks();
    calls.push(call(2), call(3), call(4));
    await ticks();
    release();
    await ticks();
    release();
    await ticks();
    release();
    await Promise.all(calls);
    expect(groups).toEqual([[1], [2, 3], [4]]);
  });

  it("fails only the calls whose item failed; a failing run fails its group's calls, and the next group still runs", async () => {
    const { run, release } = heldRun();
    const call = groupedCalls(run, { inFlight: 1, size: 10 });
    const first = call(1);
    await ticks();
    const [bad, good] = [call(-2), call(3)];
    release();
    await ticks();
    release();
    await expect(first).resolves.toBe(10);
    await expect(bad).rejects.toThrow('bad -2');
    await expect(good).resolves.toBe(30);

    let failing = true;
    const broken = groupedCalls(
      async (items: readonly number[]) => {
        if (failing) throw new Error('statement failed');
        return items;
      },
      { inFlight: 1, size: 10 },
    );
    await expect(Promise.all([broken(1), broken(2)])).rejects.toThrow('statement failed');
    failing = false;
    await expect(broken(3)).resolves.toBe(3);
  });
});

describe('settledEach', () => {
  it("answers each item's result or its error, in order", async () => {
    const answers = await settledEach([1, 2, 3], async (n) => {
      if (n === 2) throw new Error('two');
      if (n === 3) throw 'three';
      return n;
    });
    expect(answers[0]).toBe(1);
    expect(answers[1]).toEqual(new Error('two'));
    expect(answers[2]).toEqual(new Error('three'));
  });
});
