/**
 * Summary statistics of a series, for targets that compare a stochastic simulation with an observed
 * series by its shape rather than point by point (two CPU series with the same level, daily cycle and
 * bursts never agree sample by sample). Times are epoch milliseconds; the daily statistics bin the
 * samples by UTC hour of day.
 */
import { TableError } from './tables.js';

export const STAT_NAMES = [
  'mean',
  'std',
  'min',
  'max',
  'p50',
  'p95',
  'p99',
  'lag1',
  'daily_amplitude',
  'burst_fraction',
] as const;
export type StatName = (typeof STAT_NAMES)[number];

const HOUR_MS = 3_600_000;
/** A sample is part of a burst when it is above this multiple of its hour-of-day mean. */
export const BURST_FACTOR = 2;

function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const lo = Math.floor(position);
  const hi = Math.ceil(position);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (position - lo);
}

/** Mean of the samples in each UTC hour of day (NaN for an hour with none). */
function hourlyMeans(times: readonly number[], values: readonly number[]): number[] {
  const sums = new Array<number>(24).fill(0);
  const counts = new Array<number>(24).fill(0);
  for (let i = 0; i < values.length; i++) {
    const hour = ((Math.floor(times[i]! / HOUR_MS) % 24) + 24) % 24;
    sums[hour]! += values[i]!;
    counts[hour]!++;
  }
  return sums.map((s, h) => (counts[h]! > 0 ? s / counts[h]! : Number.NaN));
}

/** The named statistics of one series, in the order asked. */
export function seriesStats(times: readonly number[], values: readonly number[], stats: readonly StatName[]): number[] {
  const n = values.length;
  if (n < 2) throw new TableError(`a series needs at least 2 samples for summary statistics, got ${n}`);
  const mean = values.reduce((s, v) => s + v, 0) / n;
  let sorted: number[] | undefined;
  const order = () => {
    sorted ??= [...values].sort((a, b) => a - b);
    return sorted;
  };
  let hourly: number[] | undefined;
  const hours = () => {
    hourly ??= hourlyMeans(times, values);
    return hourly;
  };
  const variance = () => values.reduce((s, v) => s + (v - mean) ** 2, 0) / n;
  return stats.map((stat) => {
    switch (stat) {
      case 'mean':
        return mean;
      case 'std':
        return Math.sqrt(variance());
      case 'min':
        return order()[0]!;
      case 'max':
        return order()[n - 1]!;
      case 'p50':
        return quantile(order(), 0.5);
      case 'p95':
        return quantile(order(), 0.95);
      case 'p99':
        return quantile(order(), 0.99);
      case 'lag1': {
        const v = variance();
        if (v === 0) return 0;
        let c = 0;
        for (let i = 1; i < n; i++) c += (values[i]! - mean) * (values[i - 1]! - mean);
        return c / n / v;
      }
      case 'daily_amplitude': {
        // (peak − trough of the hour-of-day means) / (2 · mean): a for a profile 1 + a·cos(…).
        const present = hours().filter(Number.isFinite);
        if (present.length === 0 || mean === 0) return 0;
        return (Math.max(...present) - Math.min(...present)) / (2 * Math.abs(mean));
      }
      case 'burst_fraction': {
        const profile = hours();
        let above = 0;
        for (let i = 0; i < n; i++) {
          const hour = ((Math.floor(times[i]! / HOUR_MS) % 24) + 24) % 24;
          if (values[i]! > BURST_FACTOR * profile[hour]!) above++;
        }
        return above / n;
      }
      default:
        throw new TableError(`unknown statistic ${String(stat)}`);
    }
  });
}
