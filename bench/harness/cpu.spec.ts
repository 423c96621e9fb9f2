import { budgetTotalMs, type CpuSample, cpuBudget, postgresSpent, sampleCpu, statCommand, statCpuMs } from './cpu.js';

// utime 150 and stime 25 ticks (fields 14 and 15); the command name holds spaces and parentheses.
const STAT = '4242 (postgres: 15/main (x)) S 1 4242 4242 0 -1 4194304 123 0 0 0 150 25 0 0 20 0 1 0 164335';

describe('bench CPU budget', () => {
  it('reads utime + stime in ms, whatever the command name holds', () => {
    expect(statCpuMs(STAT)).toBe(1750);
    expect(statCommand(STAT)).toBe('postgres: 15/main (x)');
  });

  it('splits the CPU between two samples per request', () => {
    const before: CpuSample = { main: 100, otherThreads: 1000, postgres: new Map([[7, 50]]), load: 10, at: 5000 };
    const after: CpuSample = { main: 300, otherThreads: 3000, postgres: new Map([[7, 150]]), load: 110, at: 6500 };
    const budget = cpuBudget(before, after, 100)!;
    // 2,400 ms of CPU in 1,500 ms of wall time: 1.6 cores.
    expect(budget).toEqual({ mainMs: 2, otherThreadsMs: 20, postgresMs: 1, loadMs: 1, coresBusy: 1.6 });
    expect(budgetTotalMs(budget)).toBe(24);
  });

  it('has no budget without requests', () => {
    const sample: CpuSample = { main: 100, otherThreads: 100, postgres: new Map(), load: 0, at: 0 };
    expect(cpuBudget(sample, sample, 0)).toBeUndefined();
  });

  it("counts a PostgreSQL backend's difference, a new one's whole CPU, and nothing for one that ended", () => {
    // 1 ran on (+30), 2 ended (its 900 ms must not cancel the others), 3 started meanwhile (40).
    const before = new Map([
      [1, 100],
      [2, 900],
    ]);
    const after = new Map([
      [1, 130],
      [3, 40],
    ]);
    expect(postgresSpent(before, after)).toBe(70);
  });

  it("counts this process as the load generator unless it is one it measures (Linux's /proc)", () => {
    const burn = () => {
      const end = Date.now() + 30;
      while (Date.now() < end);
    };
    const before = sampleCpu([]);
    burn();
    expect(sampleCpu([]).load).toBeGreaterThan(before.load);
    expect(sampleCpu([]).main).toBe(0);
    const self = sampleCpu([process.pid]);
    expect(self.load).toBe(0);
    expect(self.main).toBeGreaterThan(0);
  });
});
