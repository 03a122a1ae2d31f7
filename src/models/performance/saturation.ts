/**
 * Saturation seen in the training run. In a closed loop (facts §4) a service's throughput grows in
 * proportion to users, X = N / C with C = (R + Z) / visits nearly constant, until the bottleneck's
 * capacity; from there X stays at that capacity and the queue, hence response time, grows linearly
 * with N. A run that stepped past the knee shows it as a per-user rate X/N falling well below its
 * low-load value on the top levels. When it does, extrapolating the per-user rate would predict
 * throughput the system cannot serve (a demo sweep saturating at 50 req/s predicted 66 at 40 users),
 * so beyond the range the model holds the saturated throughput and carries response time on along
 * the slope of its saturated levels instead.
 *
 * When the run never approached the knee (the kpp normal run: per-user rate flat within noise) the
 * capacity is simply not in the data, and extrapolation stays on the proportional law — an upper
 * bound on throughput, which the report says.
 */

export interface Saturation {
  /** Lowest training user level judged saturated. */
  fromUsers: number;
  /** The saturated levels' median throughput: the capacity the run measured (reported; beyond the
   *  range the model holds its own smoothed edge value, which lies close to it). */
  throughput: number;
  /** d(response time)/d(users) over the saturated levels (≥ 0). */
  responseTimeSlope: number;
}

export interface LevelPoint {
  users: number;
  throughput: number;
  responseTime: number;
}

/**
 * A level is saturated when its per-user rate is below this share of the low-load rate: the queueing
 * delay then exceeds a third of the whole cycle, far beyond poll noise (a few percent on the kpp run).
 */
const SATURATED_RATE_SHARE = 0.75;
/** Levels needed in saturation before the run counts as saturated (one low poll is not a knee). */
const MIN_SATURATED_LEVELS = 2;

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Least-squares slope of y on x; 0 for fewer than two distinct x. */
function slope(xs: readonly number[], ys: readonly number[]): number {
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  return sxx > 0 ? sxy / sxx : 0;
}

/**
 * Detects saturation on per-level medians (ascending users). The low-load rate is the median of
 * the three highest per-user rates, so one lucky poll cannot set it; the saturated levels must be
 * the top of the range, contiguous (a dip in the middle of an unsaturated run is noise).
 */
export function detectSaturation(levels: readonly LevelPoint[]): Saturation | undefined {
  const usable = levels.filter((l) => l.users > 0 && l.throughput > 0 && Number.isFinite(l.responseTime));
  if (usable.length < MIN_SATURATED_LEVELS + 1) return undefined;
  const rates = usable.map((l) => l.throughput / l.users);
  const lowLoadRate = median([...rates].sort((a, b) => b - a).slice(0, 3));
  let first = usable.length;
  while (first > 0 && rates[first - 1]! < SATURATED_RATE_SHARE * lowLoadRate) first--;
  const saturated = usable.slice(first);
  if (saturated.length < MIN_SATURATED_LEVELS || first === 0) return undefined;
  return {
    fromUsers: saturated[0]!.users,
    throughput: median(saturated.map((l) => l.throughput)),
    responseTimeSlope: Math.max(
      0,
      slope(
        saturated.map((l) => l.users),
        saturated.map((l) => l.responseTime),
      ),
    ),
  };
}
