import type { Measurement } from './report.js';
import { medianPair, type Pair, pairRatio } from './rounds.js';

const measured = (id: string, throughput: number): Measurement => ({
  id,
  name: id,
  transport: '-',
  connections: 16,
  result: { requests: throughput, seconds: 1, throughput, p50: 1, p95: 2, p99: 3, errors: 0 },
});
const pair = (scenario: number, baseline: number): Pair => ({
  scenario: measured('scenario', scenario),
  baseline: measured('baseline', baseline),
});

describe('bench rounds', () => {
  it('compares a round with its own baseline', () => {
    expect(pairRatio(pair(50, 200))).toBe(0.25);
    expect(pairRatio(pair(50, 0))).toBe(0);
  });

  it('keeps the round with the median ratio, not the median of each side', () => {
    // Medians of each side would be 100 / 200 = 50 %; the rounds' ratios are 40, 45 and 60 %.
    const rounds = [pair(100, 250), pair(90, 200), pair(120, 200)];
    expect(medianPair(rounds)).toBe(rounds[1]);
  });

  it('keeps the lower middle round of an even count, and one round as it is', () => {
    const rounds = [pair(60, 100), pair(40, 100), pair(50, 100), pair(70, 100)];
    expect(medianPair(rounds)).toBe(rounds[2]);
    expect(medianPair([rounds[0]])).toBe(rounds[0]);
    expect(() => medianPair([])).toThrow('no rounds measured');
  });
});
