/**
 * Normal-distribution helpers for the Parzen estimators: CDF, inverse CDF, truncated sampling and
 * log-mass of an interval. Accuracy (~1e-7 relative, also deep in the tails) is far beyond what the
 * samplers need; what matters is that every function is deterministic and never returns NaN.
 */
import type { Rng } from '../random.js';

const SQRT1_2 = Math.SQRT1_2;
export const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Complementary error function (Numerical Recipes' erfcc Chebyshev fit, fractional error < 1.2e-7
 * everywhere). Written as exp(−z²)·poly, it keeps relative precision in the far tail.
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Standard normal CDF Φ(z). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z * SQRT1_2);
}

/** Standard normal upper tail 1 − Φ(z), accurate for large z. */
export function normalSf(z: number): number {
  return 0.5 * erfc(z * SQRT1_2);
}

// Acklam's rational approximation of the normal quantile (relative error < 1.15e-9).
const A = [
  -39.69683028665376, 220.9460984245205, -275.928510446969, 138.357751867269, -30.66479806614716, 2.506628277459239,
];
const B = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const C = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;

/** Normal quantile Φ⁻¹(p) for p ∈ (0, 1); ±Infinity at the ends. */
export function normalQuantile(p: number): number {
  if (p <= 0) return Number.NEGATIVE_INFINITY;
  if (p >= 1) return Number.POSITIVE_INFINITY;
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((C[0]! * q + C[1]!) * q + C[2]!) * q + C[3]!) * q + C[4]!) * q + C[5]!) /
      ((((D[0]! * q + D[1]!) * q + D[2]!) * q + D[3]!) * q + 1)
    );
  }
  if (p > 1 - P_LOW) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((A[0]! * r + A[1]!) * r + A[2]!) * r + A[3]!) * r + A[4]!) * r + A[5]!) * q) /
    (((((B[0]! * r + B[1]!) * r + B[2]!) * r + B[3]!) * r + B[4]!) * r + 1)
  );
}

/**
 * Probability that a standard normal falls in [a, b], computed on the side of zero where the
 * CDF difference does not cancel.
 */
export function normalMass(a: number, b: number): number {
  if (a >= 0) return normalSf(a) - normalSf(b);
  if (b <= 0) return normalCdf(b) - normalCdf(a);
  return 1 - normalCdf(a) - normalSf(b);
}

/** One draw from N(mu, sigma²) truncated to [low, high] by inversion (one uniform per draw). */
export function truncatedNormal(rng: Rng, mu: number, sigma: number, low: number, high: number): number {
  const a = (low - mu) / sigma;
  const b = (high - mu) / sigma;
  const u = rng.float();
  let z: number;
  if (a >= 0) {
    // Both bounds in the upper tail: invert the survival function to keep precision.
    const sa = normalSf(a);
    const sb = normalSf(b);
    z = -normalQuantile(sa - u * (sa - sb));
  } else {
    const ca = normalCdf(a);
    const cb = normalCdf(b);
    z = normalQuantile(ca + u * (cb - ca));
  }
  const x = mu + sigma * z;
  // Inversion can step a hair outside the bounds through rounding; and a degenerate interval gives NaN.
  if (!(x >= low)) return Number.isNaN(x) ? low + u * (high - low) : low;
  return Math.min(x, high);
}

/** log Σ exp(x_i), stable. */
export function logSumExp(values: ArrayLike<number>, length = values.length): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < length; i++) if (values[i]! > max) max = values[i]!;
  if (max === Number.NEGATIVE_INFINITY) return max;
  let sum = 0;
  for (let i = 0; i < length; i++) sum += Math.exp(values[i]! - max);
  return max + Math.log(sum);
}
