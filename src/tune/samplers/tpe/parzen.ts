/**
 * Parzen estimators of Optuna's univariate TPE: a weighted mixture of truncated Gaussians per
 * numeric parameter (on its internal scale) and a weighted mixture of smoothed one-hot rows per
 * categorical one. Each estimator is built from the observations of one group ("below" or
 * "above") plus a prior component; TPE samples candidates from the "below" estimator and keeps the
 * one with the highest log l(x) − log g(x).
 */

import { LOG_SQRT_2PI, logSumExp, normalMass, truncatedNormal } from '../../math/normal.js';
import type { Rng } from '../../random.js';
import type { InternalScale } from '../../space/index.js';

/** Optuna's default_weights: equal below 25 observations, else older ones ramp from 1/n to 1. */
export function defaultWeights(n: number): Float64Array {
  const w = new Float64Array(n).fill(1);
  if (n < 25) return w;
  const ramp = n - 25;
  for (let i = 0; i < ramp; i++) w[i] = ramp === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (ramp - 1);
  return w;
}

/** Observation weights (chronological order) plus the prior's, normalised to sum 1. */
function mixtureWeights(n: number, priorWeight: number): Float64Array {
  const w = new Float64Array(n + 1);
  w.set(defaultWeights(n));
  w[n] = priorWeight;
  let total = 0;
  for (const x of w) total += x;
  for (let i = 0; i <= n; i++) w[i] = w[i]! / total;
  return w;
}

export class NumericParzen {
  private readonly mus: Float64Array;
  private readonly sigmas: Float64Array;
  private readonly weights: Float64Array;
  /** log weight − log truncation mass, per kernel: the constant part of each kernel's log mass. */
  private readonly logNorm: Float64Array;
  /** logNorm − log σ − log √(2π): the constant part of each kernel's log density, precomputed. */
  private readonly logCoef: Float64Array;
  private readonly invSigmas: Float64Array;
  private readonly scratch: Float64Array;

  /** `observations` are internal-scale coordinates in trial-number order. */
  constructor(
    observations: readonly number[],
    private readonly scale: InternalScale,
    priorWeight = 1,
  ) {
    const n = observations.length;
    const { low, high } = scale;
    const range = high - low;
    this.mus = new Float64Array(n + 1);
    this.mus.set(observations);
    this.mus[n] = 0.5 * (low + high);
    this.sigmas = bandwidths(this.mus, low, high);
    // The prior is one wide kernel over the whole range.
    this.sigmas[n] = range;
    // "Magic clip": no kernel narrower than range / min(100, 1 + kernels), none wider than the range.
    const minSigma = range / Math.min(100, 1 + (n + 1));
    for (let i = 0; i <= n; i++) this.sigmas[i] = Math.min(Math.max(this.sigmas[i]!, minSigma), range);
    this.weights = mixtureWeights(n, priorWeight);
    this.logNorm = new Float64Array(n + 1);
    this.logCoef = new Float64Array(n + 1);
    this.invSigmas = new Float64Array(n + 1);
    for (let i = 0; i <= n; i++) {
      const s = this.sigmas[i]!;
      const mass = normalMass((low - this.mus[i]!) / s, (high - this.mus[i]!) / s);
      this.logNorm[i] = Math.log(this.weights[i]!) - Math.log(Math.max(mass, Number.MIN_VALUE));
      this.logCoef[i] = this.logNorm[i]! - Math.log(s) - LOG_SQRT_2PI;
      this.invSigmas[i] = 1 / s;
    }
    this.scratch = new Float64Array(n + 1);
  }

  /** One draw on the internal scale (not yet rounded to an allowed value). */
  sample(rng: Rng): number {
    const k = rng.weighted(this.weights);
    return truncatedNormal(rng, this.mus[k]!, this.sigmas[k]!, this.scale.low, this.scale.high);
  }

  /**
   * Log density at internal coordinate y. For discrete parameters, the log probability of the bin
   * [a, b] that holds the value y stands for (Optuna does the same for stepped and int params).
   */
  logPdf(y: number, bin?: readonly [number, number]): number {
    return bin ? this.logBinMass(y, bin) : this.logDensity(y);
  }

  // The hot loop of TPE (candidates × kernels): terms and their maximum in one pass, then one exp
  // per kernel.
  private logDensity(y: number): number {
    const n = this.mus.length;
    const out = this.scratch;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const z = (y - this.mus[i]!) * this.invSigmas[i]!;
      const t = this.logCoef[i]! - 0.5 * z * z;
      out[i] = t;
      if (t > max) max = t;
    }
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.exp(out[i]! - max);
    return max + Math.log(sum);
  }

  private logBinMass(y: number, bin: readonly [number, number]): number {
    const n = this.mus.length;
    const out = this.scratch;
    const logWidth = Math.log(bin[1] - bin[0]);
    for (let i = 0; i < n; i++) {
      const mu = this.mus[i]!;
      const s = this.sigmas[i]!;
      const mass = normalMass((bin[0] - mu) / s, (bin[1] - mu) / s);
      // Far in the tail the mass underflows; the density at y times the bin width is then exact enough.
      out[i] =
        mass > 1e-300 ? this.logNorm[i]! + Math.log(mass) : this.logCoef[i]! - 0.5 * ((y - mu) / s) ** 2 + logWidth;
    }
    return logSumExp(out, n);
  }
}

/**
 * Optuna's univariate bandwidth rule: each kernel's sigma is the larger gap to its sorted
 * neighbours (the range ends act as neighbours); with consider_endpoints off, the outermost kernels
 * use their inner gap only.
 */
function bandwidths(mus: Float64Array, low: number, high: number): Float64Array {
  const n = mus.length;
  // A native numeric sort plus a stable rank per observation (equal values keep index order, as a
  // stable argsort would) is several times faster than sorting indices with a comparator.
  const sortedMus = Float64Array.from(mus).sort();
  const rank = new Int32Array(n);
  // Equal values share their run's first index `lo`, so a counter per lo hands out their offsets.
  const taken = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const mu = mus[i]!;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sortedMus[mid]! < mu) lo = mid + 1;
      else hi = mid;
    }
    rank[i] = lo + taken[lo]!;
    taken[lo] = taken[lo]! + 1;
  }
  const padded = new Float64Array(n + 2);
  padded[0] = low;
  padded.set(sortedMus, 1);
  padded[n + 1] = high;
  const sorted = new Float64Array(n);
  for (let j = 0; j < n; j++) sorted[j] = Math.max(padded[j + 1]! - padded[j]!, padded[j + 2]! - padded[j + 1]!);
  if (padded.length >= 4) {
    sorted[0] = padded[2]! - padded[1]!;
    sorted[n - 1] = padded[n]! - padded[n - 1]!;
  }
  const sigmas = new Float64Array(n);
  for (let i = 0; i < n; i++) sigmas[i] = sorted[rank[i]!]!;
  return sigmas;
}

/** Categorical estimator: Σ_k w_k · row_k, rows being one-hot observations smoothed by the prior. */
export class CategoricalParzen {
  readonly logProbs: Float64Array;
  private readonly probs: Float64Array;

  constructor(observations: readonly number[], choices: number, priorWeight = 1) {
    const n = observations.length;
    const weights = mixtureWeights(n, priorWeight);
    const probs = new Float64Array(choices);
    // Each row holds priorWeight / kernels on every choice, plus 1 on the observed one, then is
    // normalised; the prior row is uniform.
    const fill = priorWeight / (n + 1);
    const rowTotal = fill * choices + 1;
    for (let i = 0; i < n; i++) {
      const w = weights[i]!;
      for (let c = 0; c < choices; c++) probs[c] = probs[c]! + (w * fill) / rowTotal;
      const obs = observations[i]!;
      probs[obs] = probs[obs]! + w / rowTotal;
    }
    for (let c = 0; c < choices; c++) probs[c] = probs[c]! + weights[n]! / choices;
    this.probs = probs;
    this.logProbs = probs.map(Math.log);
  }

  sample(rng: Rng): number {
    return rng.weighted(this.probs);
  }
}
