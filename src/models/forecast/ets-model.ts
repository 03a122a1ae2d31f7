/**
 * The ETS state-space recursions (Hyndman, Koehler, Ord & Snyder, "Forecasting with exponential
 * smoothing", 2008): error A|M, trend N|A|Ad|M|Md, season N|A|M. One filter serves fitting (it
 * returns −2·log-likelihood up to a constant) and forecasting (it returns the final state), so the
 * model that is scored is exactly the model that forecasts.
 *
 * Parameters use the state-space convention: the growth update is b ← φb + β·e (additive), so
 * 0 < β < α, and the seasonal update s ← s + γ·e, so 0 < γ < 1 − α (the usual region).
 */
import { createNormal, createRandom, empiricalQuantile, normalQuantile } from './random.js';
import { FORECAST_QUANTILES, type Forecast } from './types.js';

export type ErrorType = 'A' | 'M';
export type TrendType = 'N' | 'A' | 'Ad' | 'M' | 'Md';
export type SeasonType = 'N' | 'A' | 'M';

export interface EtsSpec {
  error: ErrorType;
  trend: TrendType;
  season: SeasonType;
}

export interface EtsSmoothing {
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
}

export interface EtsState {
  level: number;
  trend: number;
  /** `seasonal[k]` is the seasonal state of phase k; a non-seasonal model holds one neutral entry. */
  seasonal: number[];
}

export const specName = (spec: EtsSpec): string => `ETS(${spec.error},${spec.trend},${spec.season})`;

const damped = (trend: TrendType) => trend === 'Ad' || trend === 'Md';
const multiplicativeTrend = (trend: TrendType) => trend === 'M' || trend === 'Md';

export interface FilterResult {
  /** −2·log-likelihood without constants: n·log(Σe²) (+ 2·Σlog|ŷ| for multiplicative errors). */
  lik: number;
  sumSquares: number;
  state: EtsState;
  /** Phase of the step after the last observation. */
  nextPhase: number;
}

/**
 * Runs the recursion over `y` from `initial`. Returns undefined when the path leaves the region where
 * the model is defined (a non-positive level, growth or seasonal factor in a multiplicative part, or
 * a non-finite value), which the optimiser treats as +∞.
 */
export function filter(
  y: readonly number[],
  spec: EtsSpec,
  smoothing: EtsSmoothing,
  initial: EtsState,
): FilterResult | undefined {
  const { alpha, beta, gamma, phi } = smoothing;
  const m = initial.seasonal.length;
  const s = initial.seasonal.slice();
  const trendKind = spec.trend;
  const seasonKind = spec.season;
  const multiplicativeError = spec.error === 'M';
  const multTrend = multiplicativeTrend(trendKind);
  const phiUsed = damped(trendKind) ? phi : 1;
  const betaRatio = beta / alpha;
  let l = initial.level;
  let b = initial.trend;
  let sumSquares = 0;
  let sumLog = 0;
  // Σ log|ŷ| is accumulated as a product of |ŷ|/ref, logged every 16 steps: one log instead of
  // sixteen. Dividing by the first value keeps the factors near 1, so the product cannot overflow.
  const ref = Math.abs(y[0] ?? 1) || 1;
  let product = 1;
  let phase = 0;
  for (let t = 0; t < y.length; t++) {
    const yt = y[t]!;
    const st = s[phase]!;
    let phib = 0;
    let q = l;
    if (trendKind !== 'N') {
      if (multTrend) {
        phib = phiUsed === 1 ? b : b ** phiUsed;
        q = l * phib;
      } else {
        phib = phiUsed * b;
        q = l + phib;
      }
    }
    const f = seasonKind === 'N' ? q : seasonKind === 'A' ? q + st : q * st;
    if (!Number.isFinite(f) || (multiplicativeError && Math.abs(f) < 1e-10)) return undefined;
    const e = multiplicativeError ? (yt - f) / f : yt - f;
    sumSquares += e * e;
    if (multiplicativeError) {
      product *= Math.abs(f) / ref;
      if ((t & 15) === 15) {
        sumLog += Math.log(product);
        product = 1;
      }
    }
    const p = seasonKind === 'N' ? yt : seasonKind === 'A' ? yt - st : yt / st;
    const newLevel = q + alpha * (p - q);
    if (trendKind !== 'N') {
      const r = multTrend ? newLevel / l : newLevel - l;
      b = phib + betaRatio * (r - phib);
      if (multTrend && !(b > 0)) return undefined;
    }
    if (seasonKind !== 'N') {
      const target = seasonKind === 'A' ? yt - q : yt / q;
      s[phase] = st + gamma * (target - st);
      if (seasonKind === 'M' && !(s[phase]! > 0)) return undefined;
    }
    l = newLevel;
    if (multTrend && !(l > 0)) return undefined;
    phase = phase + 1 === m ? 0 : phase + 1;
  }
  sumLog += Math.log(product) + (multiplicativeError ? y.length * Math.log(ref) : 0);
  if (!Number.isFinite(l) || !Number.isFinite(b) || !Number.isFinite(sumSquares)) return undefined;
  // A perfect fit would give log(0) = −∞ and win every comparison; floor it at a tiny relative error.
  const floor = 1e-20 * y.length * (1 + (y[0] ?? 0) ** 2);
  const lik = y.length * Math.log(Math.max(sumSquares, floor)) + 2 * sumLog;
  return { lik, sumSquares, state: { level: l, trend: b, seasonal: s }, nextPhase: phase };
}

/** Point forecasts h = 1…horizon from the state after the last observation. */
export function pointForecast(
  spec: EtsSpec,
  smoothing: EtsSmoothing,
  state: EtsState,
  nextPhase: number,
  horizon: number,
): number[] {
  const m = state.seasonal.length;
  const phi = damped(spec.trend) ? smoothing.phi : 1;
  const out: number[] = [];
  let phiSum = 0;
  let phiPower = 1;
  for (let h = 1; h <= horizon; h++) {
    phiPower *= phi;
    phiSum += phiPower;
    let value = state.level;
    if (spec.trend === 'A' || spec.trend === 'Ad') value += phiSum * state.trend;
    else if (multiplicativeTrend(spec.trend)) value *= state.trend ** phiSum;
    const seasonal = state.seasonal[(nextPhase + h - 1) % m]!;
    if (spec.season === 'A') value += seasonal;
    else if (spec.season === 'M') value *= seasonal;
    out.push(value);
  }
  return out;
}

/** ETS(A, N|A|Ad, N|A): the class with closed-form forecast variances (HKOS 2008, Table 6.1). */
export const hasAnalyticVariance = (spec: EtsSpec): boolean =>
  spec.error === 'A' && !multiplicativeTrend(spec.trend) && spec.season !== 'M';

/**
 * Forecast with quantiles. For the linear class the h-step variance is σ²(1 + Σ_{j<h} c_j²) with
 * c_j = α + βφ_j + γ·[j ≡ 0 mod m]; every other model is simulated (`paths` sample paths from a
 * seeded PRNG, so the same model and seed always print the same quantiles).
 */
export function forecastWithIntervals(
  spec: EtsSpec,
  smoothing: EtsSmoothing,
  state: EtsState,
  nextPhase: number,
  sigma: number,
  horizon: number,
  options: { seed: number; paths: number },
): Forecast {
  const mean = pointForecast(spec, smoothing, state, nextPhase, horizon);
  if (sigma === 0) return { mean, quantiles: FORECAST_QUANTILES.map(() => mean.slice()) };
  if (hasAnalyticVariance(spec)) {
    const m = state.seasonal.length;
    const phi = spec.trend === 'Ad' ? smoothing.phi : 1;
    const beta = spec.trend === 'N' ? 0 : smoothing.beta;
    const gamma = spec.season === 'N' ? 0 : smoothing.gamma;
    const sd: number[] = [];
    let cumulative = 1;
    let phiSum = 0;
    let phiPower = 1;
    for (let h = 1; h <= horizon; h++) {
      sd.push(sigma * Math.sqrt(cumulative));
      phiPower *= phi;
      phiSum += phiPower;
      const c = smoothing.alpha + beta * phiSum + (spec.season !== 'N' && h % m === 0 ? gamma : 0);
      cumulative += c * c;
    }
    const quantiles = FORECAST_QUANTILES.map((q) => {
      const z = normalQuantile(q);
      return mean.map((value, h) => value + z * sd[h]!);
    });
    return { mean, quantiles };
  }
  return { mean, quantiles: simulateQuantiles(spec, smoothing, state, nextPhase, sigma, horizon, options, mean) };
}

function simulateQuantiles(
  spec: EtsSpec,
  smoothing: EtsSmoothing,
  state: EtsState,
  nextPhase: number,
  sigma: number,
  horizon: number,
  options: { seed: number; paths: number },
  mean: number[],
): number[][] {
  const normal = createNormal(createRandom(options.seed));
  const samples: number[][] = Array.from({ length: horizon }, () => []);
  const m = state.seasonal.length;
  for (let path = 0; path < options.paths; path++) {
    const values: number[] = [];
    let current: EtsState = { level: state.level, trend: state.trend, seasonal: state.seasonal.slice() };
    let phase = nextPhase;
    let valid = true;
    for (let h = 0; h < horizon; h++) {
      const [f] = pointForecast(spec, smoothing, rotate(current, phase), 0, 1);
      const e = sigma * normal();
      // A multiplicative error below −1 would flip the sign of the series and leave the model's
      // domain; truncate it just above −1 (a documented approximation for very wide intervals).
      const y = spec.error === 'M' ? f! * Math.max(1 + e, 1e-6) : f! + e;
      const next = filter([y], spec, smoothing, rotate(current, phase));
      if (!next || !Number.isFinite(y)) {
        valid = false;
        break;
      }
      values.push(y);
      current = unrotate(next.state, phase);
      phase = (phase + 1) % m;
    }
    if (valid) for (let h = 0; h < horizon; h++) samples[h]!.push(values[h]!);
  }
  return FORECAST_QUANTILES.map((q) => {
    const z = normalQuantile(q);
    return samples.map((column, h) => {
      if (column.length < options.paths / 2) {
        // Most paths left the model's domain: fall back to a normal approximation around the point.
        return mean[h]! + z * sigma * (spec.error === 'M' ? Math.abs(mean[h]!) : 1) * Math.sqrt(h + 1);
      }
      column.sort((a, b) => a - b);
      return empiricalQuantile(column, q);
    });
  });
}

/** The state re-indexed so that phase `phase` comes first (the filter starts at phase 0). */
function rotate(state: EtsState, phase: number): EtsState {
  const s = state.seasonal;
  return { level: state.level, trend: state.trend, seasonal: [...s.slice(phase), ...s.slice(0, phase)] };
}

function unrotate(state: EtsState, phase: number): EtsState {
  const s = state.seasonal;
  const k = (s.length - phase) % s.length;
  return { level: state.level, trend: state.trend, seasonal: [...s.slice(k), ...s.slice(0, k)] };
}
