/**
 * GP prediction in standardised units, and the interval calibration. Maximum-likelihood
 * hyperparameters treat the kernel as known, which makes intervals too narrow when the kernel is only
 * an approximation of the process (an RBF for autocorrelated noise, a linear kernel for a drifting
 * level). `calibrate` measures that on the window itself: refit the posterior on the window minus
 * its last k·b steps, forecast the next b, and compare the errors with the predicted deviations; the
 * root mean square of the standardised errors becomes a factor on every predictive deviation.
 */
import { type GpHyper, kernel, marginal, solveLower } from './gp-kernel.js';

export interface Posterior {
  factor: Float64Array;
  alpha: Float64Array;
  /** Training points (the window length). */
  length: number;
}

/** Mean and variance (noise included) of the next `steps` values after the training points. */
export function predict(
  posterior: Posterior,
  hyper: GpHyper,
  season: number,
  steps: number,
): { mean: number[]; variance: number[] } {
  const w = posterior.length;
  const mean: number[] = [];
  const variance: number[] = [];
  const cross = new Float64Array(w);
  for (let h = 0; h < steps; h++) {
    const t = w + h;
    let latent = 0;
    for (let i = 0; i < w; i++) {
      cross[i] = kernel(hyper, season, w, t, i);
      latent += cross[i]! * posterior.alpha[i]!;
    }
    const v = solveLower(posterior.factor, w, cross);
    let explained = 0;
    for (let i = 0; i < w; i++) explained += v[i]! * v[i]!;
    mean.push(latent);
    variance.push(Math.max(kernel(hyper, season, w, t, t) - explained, 0) + hyper.noise ** 2);
  }
  return { mean, variance };
}

/**
 * Calibration factor in [1, 3] from up to three held-out blocks; 1 when the window is too short. It
 * only ever widens: a few dozen correlated errors are evidence that intervals are too narrow, not
 * enough to narrow them (the hyperparameters already saw these points).
 */
export function calibrate(hyper: GpHyper, season: number, z: readonly number[]): number {
  const block = season > 1 ? season : 12;
  let sum = 0;
  let count = 0;
  for (let k = 1; k <= 3; k++) {
    const origin = z.length - k * block;
    // Keep at least half the window for the refit, so the held-out forecasts resemble real ones.
    if (origin < z.length / 2) break;
    const fitted = marginal(hyper, season, z.slice(0, origin));
    if (!fitted) continue;
    const { mean, variance } = predict({ ...fitted, length: origin }, hyper, season, block);
    for (let h = 0; h < block; h++) {
      sum += (z[origin + h]! - mean[h]!) ** 2 / variance[h]!;
      count++;
    }
  }
  if (count === 0) return 1;
  return Math.min(Math.max(Math.sqrt(sum / count), 1), 3);
}
