/**
 * One series' own estimates, before any pooling: in standardised units x = (y − μ)/σ, the model is
 *
 *   x_t = c + b·(t − t̄) + p(t mod m) + e_t,   e_t = ρ·e_{t−1} + innovation
 *
 * with a seasonal profile p summing to zero. Trend and profile are estimated by alternating least
 * squares (two rounds: slope on the deseasonalised series, profile as phase means of the detrended
 * one), which converges in one round when the series holds whole seasons. Each estimate comes with
 * its sampling variance, which is what the empirical-Bayes pooling weighs it by.
 */

export interface SeriesEstimates {
  n: number;
  season: number;
  mean: number;
  /** Standard deviation of the raw series (the unit of every estimate below); 0 for a constant series. */
  scale: number;
  /** Slope per step and its sampling variance. */
  slope: number;
  slopeVariance: number;
  /** Phase means (zero-sum) and their sampling variances (∞ for a phase never observed). */
  profile: number[];
  profileVariance: number[];
  /** Lag-1 autocorrelation of the residuals, clipped to [0, 0.95], and its sampling variance. */
  rho: number;
  rhoVariance: number;
  /** Residual variance (standardised units). */
  residualVariance: number;
  /** The standardised series (kept for the refit after pooling). */
  x: number[];
}

/** Zero-sum phase means of `d` (phases never observed get 0) and the count per phase. */
export function phaseMeans(d: readonly number[], m: number): { means: number[]; counts: number[] } {
  const sums = new Array<number>(m).fill(0);
  const counts = new Array<number>(m).fill(0);
  for (let t = 0; t < d.length; t++) {
    sums[t % m] = sums[t % m]! + d[t]!;
    counts[t % m] = counts[t % m]! + 1;
  }
  const means = sums.map((s, k) => (counts[k]! > 0 ? s / counts[k]! : 0));
  const seen = counts.filter((c) => c > 0).length;
  const centre = seen > 0 ? means.reduce((a, b, k) => a + (counts[k]! > 0 ? b : 0), 0) / seen : 0;
  return { means: means.map((v, k) => (counts[k]! > 0 ? v - centre : 0)), counts };
}

/** Least-squares slope of `v` on t − t̄ (0 for fewer than 3 points). */
function slopeOf(v: readonly number[]): number {
  const n = v.length;
  if (n < 3) return 0;
  const tBar = (n - 1) / 2;
  let sxy = 0;
  let sxx = 0;
  for (let t = 0; t < n; t++) {
    sxy += (t - tBar) * v[t]!;
    sxx += (t - tBar) ** 2;
  }
  return sxy / sxx;
}

/** Residuals of x after level, slope and profile (in the model's own parameterisation). */
export function residualsOf(x: readonly number[], slope: number, profile: readonly number[]): number[] {
  const n = x.length;
  const m = profile.length;
  const tBar = (n - 1) / 2;
  const fitted = x.map((_, t) => slope * (t - tBar) + profile[t % m]!);
  const level = x.reduce((a, v, t) => a + v - fitted[t]!, 0) / n;
  return x.map((v, t) => v - level - fitted[t]!);
}

export function lagOneCorrelation(e: readonly number[]): number {
  let num = 0;
  let den = 0;
  for (let t = 0; t < e.length; t++) {
    den += e[t]! ** 2;
    if (t > 0) num += e[t]! * e[t - 1]!;
  }
  return den > 0 ? num / den : 0;
}

export function estimateSeries(y: readonly number[], season: number): SeriesEstimates {
  const n = y.length;
  const m = Math.max(1, season);
  const mean = y.reduce((a, b) => a + b, 0) / n;
  const scale = Math.sqrt(y.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
  const x = y.map((v) => (scale > 0 ? (v - mean) / scale : 0));
  const tBar = (n - 1) / 2;
  let slope = slopeOf(x);
  let profile = new Array<number>(m).fill(0);
  let counts = new Array<number>(m).fill(n / m);
  for (let round = 0; round < 2 && m > 1; round++) {
    const phase = phaseMeans(
      x.map((v, t) => v - slope * (t - tBar)),
      m,
    );
    profile = phase.means;
    counts = phase.counts;
    slope = slopeOf(x.map((v, t) => v - profile[t % m]!));
  }
  const e = residualsOf(x, slope, profile);
  // Degrees of freedom: level, slope and the m − 1 free phase means.
  const parameters = 2 + (m > 1 ? m - 1 : 0);
  const residualVariance = e.reduce((a, v) => a + v * v, 0) / Math.max(1, n - parameters);
  let sxx = 0;
  for (let t = 0; t < n; t++) sxx += (t - tBar) ** 2;
  const rho = Math.min(0.95, Math.max(0, lagOneCorrelation(e)));
  // Positive autocorrelation inflates the variance of a slope by about (1 + ρ)/(1 − ρ).
  const inflation = (1 + rho) / (1 - rho);
  return {
    n,
    season: m,
    mean,
    scale,
    slope,
    slopeVariance: sxx > 0 ? (residualVariance * inflation) / sxx : Number.POSITIVE_INFINITY,
    profile,
    // Observations of one phase are a season apart, where the residual autocorrelation ρ^m is small.
    profileVariance: counts.map((c) => (c > 0 ? residualVariance / c : Number.POSITIVE_INFINITY)),
    rho,
    rhoVariance: Math.max(1 - rho * rho, 0.05) / Math.max(n, 1),
    residualVariance,
    x,
  };
}
