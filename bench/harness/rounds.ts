import type { Measurement } from './report.js';

/** One round of a scenario and its baseline, measured one after the other. */
export interface Pair {
  readonly scenario: Measurement;
  readonly baseline: Measurement;
}

/** Portcullis's throughput as a share of the baseline's in the same round. */
export function pairRatio(pair: Pair): number {
  const baseline = pair.baseline.result.throughput;
  return baseline ? pair.scenario.result.throughput / baseline : 0;
}

/**
 * The round whose ratio is the median (the lower middle one of an even count), kept whole so that
 * the figures reported beside the ratio are the ones it came from.
 */
export function medianPair(pairs: readonly Pair[]): Pair {
  if (!pairs.length) throw new Error('no rounds measured');
  const sorted = [...pairs].sort((a, b) => pairRatio(a) - pairRatio(b));
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

export const percent = (ratio: number): string => `${(ratio * 100).toFixed(0)} %`;
