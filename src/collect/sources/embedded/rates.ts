/**
 * The few PromQL functions the default query set needs, over samples held in memory: `increase` /
 * `rate` of counters (with counter resets) and `histogram_quantile` with Prometheus' interpolation.
 */

/** One stored series: its points in time order (milliseconds, value). */
export interface StoredSeries {
  name: string;
  labels: Record<string, string>;
  points: Array<[timeMs: number, value: number]>;
}

/**
 * Increase of a counter over the points in `(from, to]`, corrected for resets, and the time span
 * those points cover. Undefined with fewer than two points: no rate can be told from one.
 */
export function increaseWithin(
  series: StoredSeries,
  fromMs: number,
  toMs: number,
): { delta: number; spanMs: number } | undefined {
  let first: [number, number] | undefined;
  let previous: number | undefined;
  let last: [number, number] | undefined;
  let delta = 0;
  for (const point of series.points) {
    if (point[0] <= fromMs) continue;
    if (point[0] > toMs) break;
    if (!first) first = point;
    else if (previous !== undefined) delta += point[1] >= previous ? point[1] - previous : point[1];
    previous = point[1];
    last = point;
  }
  if (!first || !last || last === first) return undefined;
  return { delta, spanMs: last[0] - first[0] };
}

/** Per-second rate of a counter over the window; undefined with fewer than two points. */
export function rateWithin(series: StoredSeries, fromMs: number, toMs: number): number | undefined {
  const increase = increaseWithin(series, fromMs, toMs);
  if (!increase || increase.spanMs <= 0) return undefined;
  return increase.delta / (increase.spanMs / 1000);
}

/** Sum of the rates of every series that has one; undefined when none has. */
export function sumRates(series: readonly StoredSeries[], fromMs: number, toMs: number): number | undefined {
  let total: number | undefined;
  for (const s of series) {
    const rate = rateWithin(s, fromMs, toMs);
    if (rate !== undefined) total = (total ?? 0) + rate;
  }
  return total;
}

/** Latest value at or before `atMs` and after `atMs − lookbackMs` (Prometheus' instant selector). */
export function latestValue(series: StoredSeries, atMs: number, lookbackMs: number): number | undefined {
  for (let i = series.points.length - 1; i >= 0; i--) {
    const [t, v] = series.points[i]!;
    if (t > atMs) continue;
    return t > atMs - lookbackMs ? v : undefined;
  }
  return undefined;
}

/**
 * Prometheus' `histogram_quantile(q, buckets)`: `buckets` are (upper bound, cumulative count) pairs,
 * including +Inf. Linear interpolation inside the bucket holding the rank; the lowest bucket starts
 * at 0 (if its bound is positive); a rank in the +Inf bucket gives the highest finite bound. NaN
 * when there are no observations.
 */
export function histogramQuantile(q: number, buckets: ReadonlyArray<[le: number, count: number]>): number {
  if (Number.isNaN(q)) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
  if (sorted.length < 2 || sorted[sorted.length - 1]![0] !== Number.POSITIVE_INFINITY) return Number.NaN;
  // Counts of a rate can lose monotonicity to float error; Prometheus makes them monotonic.
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]![1] < sorted[i - 1]![1]) sorted[i] = [sorted[i]![0], sorted[i - 1]![1]];
  }
  const observations = sorted[sorted.length - 1]![1];
  if (!(observations > 0)) return Number.NaN;
  const rank = q * observations;
  let b = sorted.findIndex(([, count]) => count >= rank);
  if (b === sorted.length - 1) return sorted[sorted.length - 2]![0];
  if (b === 0 && sorted[0]![0] <= 0) return sorted[0]![0];
  if (b < 0) b = sorted.length - 1;
  let lower = 0;
  let below = 0;
  const [upper, count] = sorted[b]!;
  if (b > 0) {
    lower = sorted[b - 1]![0];
    below = sorted[b - 1]![1];
  }
  const inBucket = count - below;
  if (inBucket <= 0) return upper;
  return lower + (upper - lower) * ((rank - below) / inBucket);
}
