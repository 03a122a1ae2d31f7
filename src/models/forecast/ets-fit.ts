/**
 * Fitting one ETS model and choosing among them. Seasonal initial states come from a classical
 * decomposition of the first cycles and are then held fixed; the optimiser (Nelder–Mead on the
 * concentrated likelihood) tunes the smoothing parameters, the damping and the initial level and
 * growth. Holding the m − 1 seasonal states out of the search keeps it at ≤ 6 dimensions, which is
 * what makes fitting a 2,000-point series with a 24-step season fast; they still count as parameters
 * in the AICc, so the comparison between seasonal and non-seasonal models stays fair.
 */
import {
  type EtsSmoothing,
  type EtsSpec,
  type EtsState,
  filter,
  type SeasonType,
  type TrendType,
} from './ets-model.js';
import { nelderMead } from './nelder-mead.js';

export interface FittedEts {
  spec: EtsSpec;
  smoothing: EtsSmoothing;
  /** State after the last observation. */
  state: EtsState;
  nextPhase: number;
  /** Standard deviation of the one-step errors (relative errors for multiplicative-error models). */
  sigma: number;
  aicc: number;
  parameters: number;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const logit = (p: number) => Math.log(p / (1 - p));
const isDamped = (trend: TrendType) => trend === 'Ad' || trend === 'Md';
const isMultTrend = (trend: TrendType) => trend === 'M' || trend === 'Md';

/** Classical decomposition of up to the first five cycles: one seasonal index per phase. */
export function initialSeasonal(y: readonly number[], m: number, kind: SeasonType): number[] {
  if (kind === 'N' || m === 1) return [kind === 'M' ? 1 : 0];
  const cycles = Math.min(Math.floor(y.length / m), 5);
  const length = cycles * m;
  const sums = new Array<number>(m).fill(0);
  const counts = new Array<number>(m).fill(0);
  // Centred moving average of order m (2×m when m is even) estimates the trend-cycle.
  const half = Math.floor(m / 2);
  for (let i = half; i < length - half; i++) {
    let average: number;
    if (m % 2 === 1) {
      let total = 0;
      for (let k = i - half; k <= i + half; k++) total += y[k]!;
      average = total / m;
    } else {
      if (i + half >= length) break;
      let total = (y[i - half]! + y[i + half]!) / 2;
      for (let k = i - half + 1; k < i + half; k++) total += y[k]!;
      average = total / m;
    }
    sums[i % m] = sums[i % m]! + (kind === 'A' ? y[i]! - average : y[i]! / average);
    counts[i % m] = counts[i % m]! + 1;
  }
  const raw = sums.map((sum, k) => (counts[k]! > 0 ? sum / counts[k]! : kind === 'A' ? 0 : 1));
  // Normalise: additive indices sum to 0, multiplicative ones average 1.
  const mean = raw.reduce((a, b) => a + b, 0) / m;
  return raw.map((value) => (kind === 'A' ? value - mean : value / mean));
}

/** Level and growth from a straight line through the first deseasonalised points. */
function initialLevelTrend(
  y: readonly number[],
  seasonal: readonly number[],
  spec: EtsSpec,
): { level: number; trend: number } {
  const m = seasonal.length;
  const k = Math.min(y.length, Math.max(10, 2 * m));
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < k; i++) {
    const s = seasonal[i % m]!;
    const d = spec.season === 'A' ? y[i]! - s : spec.season === 'M' ? y[i]! / s : y[i]!;
    sx += i;
    sy += d;
    sxx += i * i;
    sxy += i * d;
  }
  const denominator = k * sxx - sx * sx;
  const slope = denominator > 0 ? (k * sxy - sx * sy) / denominator : 0;
  const intercept = (sy - slope * sx) / k;
  if (spec.trend === 'N') return { level: intercept + (slope * (k - 1)) / 2, trend: 0 };
  if (isMultTrend(spec.trend)) {
    const growth = intercept > 0 ? Math.min(Math.max(1 + slope / intercept, 0.5), 1.5) : 1;
    return { level: intercept > 0 ? intercept / growth : Math.max(y[0]!, 1e-8), trend: growth };
  }
  // The first forecast is l₀ + b₀ and should land on the line at i = 0.
  return { level: intercept - slope, trend: slope };
}

interface Decoded {
  smoothing: EtsSmoothing;
  initial: EtsState;
}

/** Fits one model; undefined when the series is too short for it or no valid parameters exist. */
export function fitEts(y: readonly number[], spec: EtsSpec, m: number): FittedEts | undefined {
  const seasonLength = spec.season === 'N' ? 1 : m;
  const seasonal = initialSeasonal(y, seasonLength, spec.season);
  if (spec.season === 'M' && seasonal.some((s) => !(s > 0))) return undefined;
  const start = initialLevelTrend(y, seasonal, spec);
  const hasTrend = spec.trend !== 'N';
  const hasSeason = spec.season !== 'N';
  const damped = isDamped(spec.trend);
  const parameters = 2 + (hasTrend ? 2 : 0) + (hasSeason ? seasonLength : 0) + (damped ? 1 : 0) + 1;
  const n = y.length;
  if (n - parameters - 1 <= 0) return undefined;
  let mean = 0;
  for (const v of y) mean += v / n;
  let variance = 0;
  for (const v of y) variance += (v - mean) ** 2 / n;
  const scale = Math.sqrt(variance) || Math.abs(mean) || 1;

  // Unconstrained coordinates: [α, β/α, γ/(1−α), φ, level offset, growth offset] as present.
  const decode = (theta: readonly number[]): Decoded => {
    let i = 0;
    const alpha = 1e-4 + 0.9998 * sigmoid(theta[i++]!);
    const beta = hasTrend ? alpha * (1e-3 + 0.998 * sigmoid(theta[i++]!)) : 0;
    const gamma = hasSeason ? (1 - alpha) * (1e-3 + 0.998 * sigmoid(theta[i++]!)) : 0;
    const phi = damped ? 0.8 + 0.18 * sigmoid(theta[i++]!) : 1;
    const level = start.level + scale * theta[i++]!;
    let trend = start.trend;
    if (hasTrend) {
      const offset = theta[i++]!;
      trend = isMultTrend(spec.trend) ? start.trend * Math.exp(0.1 * offset) : start.trend + 0.1 * scale * offset;
    }
    return { smoothing: { alpha, beta, gamma, phi }, initial: { level, trend, seasonal } };
  };
  const theta0: number[] = [];
  const steps: number[] = [];
  const add = (value: number, step: number) => {
    theta0.push(value);
    steps.push(step);
  };
  add(logit(0.3), 1);
  if (hasTrend) add(logit(0.1), 1);
  if (hasSeason) add(logit(0.1), 1);
  if (damped) add(logit(0.5), 1);
  add(0, 0.1);
  if (hasTrend) add(0, 0.5);
  const objective = (theta: readonly number[]): number => {
    const { smoothing, initial } = decode(theta);
    return filter(y, spec, smoothing, initial)?.lik ?? Number.POSITIVE_INFINITY;
  };
  let best = nelderMead(objective, theta0, { step: steps, maxIterations: 300, tolerance: 1e-7 });
  // One restart from the optimum with a fresh simplex escapes most premature collapses.
  best = nelderMead(objective, best.x, { step: steps.map((s) => s / 2), maxIterations: 150, tolerance: 1e-8 });
  if (!Number.isFinite(best.value)) return undefined;
  const decoded = decode(best.x);
  const result = filter(y, spec, decoded.smoothing, decoded.initial);
  if (!result) return undefined;
  const aic = result.lik + 2 * parameters;
  const aicc = aic + (2 * parameters * (parameters + 1)) / (n - parameters - 1);
  const dof = n - parameters > 0 ? n - parameters : n;
  return {
    spec,
    smoothing: decoded.smoothing,
    state: result.state,
    nextPhase: result.nextPhase,
    sigma: Math.sqrt(result.sumSquares / dof),
    aicc,
    parameters,
  };
}

export interface SelectionOptions {
  /** Consider ETS(·,M,·) and ETS(·,Md,·) too (off by default, as in R's `ets`: they forecast erratically). */
  allowMultiplicativeTrend?: boolean;
  /** Restrict the search to these models (e.g. from a spec string). */
  only?: EtsSpec[];
}

/** The candidate models for a series: multiplicative parts only for strictly positive data. */
export function candidateSpecs(y: readonly number[], m: number, options: SelectionOptions = {}): EtsSpec[] {
  if (options.only) return options.only;
  const positive = y.every((v) => v > 0);
  const seasonal = m > 1 && y.length >= 2 * m;
  const trends: TrendType[] = ['N', 'A', 'Ad'];
  if (options.allowMultiplicativeTrend && positive) trends.push('M', 'Md');
  const seasons: SeasonType[] = seasonal ? ['N', 'A', 'M'] : ['N'];
  const specs: EtsSpec[] = [];
  for (const error of positive ? (['A', 'M'] as const) : (['A'] as const)) {
    for (const trend of trends) {
      for (const season of seasons) {
        if (season === 'M' && !positive) continue;
        // Additive errors with multiplicative parts are numerically unstable (HKOS 2008, §15.1).
        if (error === 'A' && (season === 'M' || isMultTrend(trend))) continue;
        specs.push({ error, trend, season });
      }
    }
  }
  return specs;
}

/** Fits every candidate and keeps the lowest AICc; undefined when none can be fitted. */
export function selectEts(
  y: readonly number[],
  m: number,
  options: SelectionOptions = {},
): { best: FittedEts; table: { model: EtsSpec; aicc: number }[] } | undefined {
  let best: FittedEts | undefined;
  const table: { model: EtsSpec; aicc: number }[] = [];
  for (const spec of candidateSpecs(y, m, options)) {
    const fitted = fitEts(y, spec, m);
    if (!fitted) continue;
    table.push({ model: spec, aicc: fitted.aicc });
    if (!best || fitted.aicc < best.aicc) best = fitted;
  }
  return best ? { best, table } : undefined;
}
