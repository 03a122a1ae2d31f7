/**
 * Kernel and dense linear algebra for the Gaussian-process forecaster. The covariance between steps
 * t and t′ (standardised units) is
 *   periodic   a_p² · exp(−2 sin²(π|t − t′|/m) / ℓ_p²)     — the season, allowed any shape
 * + smooth     a_r² · exp(−(t − t′)² / (2 ℓ_r²))            — short-lived departures (AR-like noise)
 * + linear     a_l² · (t − c)(t′ − c) / w²                  — a trend, shrunk by its own prior
 * + level      1                                            — the unknown mean
 * + noise      σ² · [t = t′]
 * Everything is O(w³) in the window length w, which is why the forecaster keeps a recent window.
 */

export interface GpHyper {
  periodicAmplitude: number;
  periodicLength: number;
  smoothAmplitude: number;
  smoothLength: number;
  linearAmplitude: number;
  noise: number;
}

/** The stationary part (level + periodic + smooth) at lag d. */
function stationary(hyper: GpHyper, season: number, d: number): number {
  let k = 1;
  if (season > 1) {
    const s = Math.sin((Math.PI * d) / season);
    k += hyper.periodicAmplitude ** 2 * Math.exp((-2 * s * s) / hyper.periodicLength ** 2);
  }
  return k + hyper.smoothAmplitude ** 2 * Math.exp((-d * d) / (2 * hyper.smoothLength ** 2));
}

const linear = (hyper: GpHyper, window: number, t: number, u: number): number => {
  const centre = (window - 1) / 2;
  return (hyper.linearAmplitude ** 2 * (t - centre) * (u - centre)) / (window * window);
};

export function kernel(hyper: GpHyper, season: number, window: number, t: number, u: number): number {
  return stationary(hyper, season, t - u) + linear(hyper, window, t, u);
}

/** Covariance matrix of the training steps 0…w−1, noise included (row-major). */
export function covariance(hyper: GpHyper, season: number, window: number): Float64Array {
  // The stationary part depends on the lag only: w kernel evaluations instead of w².
  const byLag = new Float64Array(window);
  for (let d = 0; d < window; d++) byLag[d] = stationary(hyper, season, d);
  const k = new Float64Array(window * window);
  const noise = hyper.noise ** 2;
  for (let i = 0; i < window; i++) {
    for (let j = 0; j <= i; j++) {
      const value = byLag[i - j]! + linear(hyper, window, i, j) + (i === j ? noise : 0);
      k[i * window + j] = value;
      k[j * window + i] = value;
    }
  }
  return k;
}

/** In-place Cholesky factor (lower triangle); false when the matrix is not positive definite. */
export function cholesky(a: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    let diagonal = a[j * n + j]!;
    for (let k = 0; k < j; k++) diagonal -= a[j * n + k]! ** 2;
    if (!(diagonal > 0)) return false;
    const root = Math.sqrt(diagonal);
    a[j * n + j] = root;
    for (let i = j + 1; i < n; i++) {
      let sum = a[i * n + j]!;
      for (let k = 0; k < j; k++) sum -= a[i * n + k]! * a[j * n + k]!;
      a[i * n + j] = sum / root;
    }
  }
  return true;
}

/** Solves L·x = b for lower-triangular L. */
export function solveLower(l: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= l[i * n + k]! * x[k]!;
    x[i] = sum / l[i * n + i]!;
  }
  return x;
}

/** Solves Lᵀ·x = b for lower-triangular L. */
export function solveUpper(l: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let sum = b[i]!;
    for (let k = i + 1; k < n; k++) sum -= l[k * n + i]! * x[k]!;
    x[i] = sum / l[i * n + i]!;
  }
  return x;
}

/**
 * Negative log marginal likelihood of standardised values y (constants dropped), and the factor and
 * weights α = K⁻¹y needed to predict; undefined when K is numerically singular.
 */
export function marginal(
  hyper: GpHyper,
  season: number,
  y: ArrayLike<number>,
): { nll: number; factor: Float64Array; alpha: Float64Array } | undefined {
  const n = y.length;
  const factor = covariance(hyper, season, n);
  if (!cholesky(factor, n)) return undefined;
  const z = solveLower(factor, n, y);
  let quadratic = 0;
  let logDet = 0;
  for (let i = 0; i < n; i++) {
    quadratic += z[i]! * z[i]!;
    logDet += Math.log(factor[i * n + i]!);
  }
  return { nll: 0.5 * quadratic + logDet, factor, alpha: solveUpper(factor, n, z) };
}
