/**
 * Empirical-Bayes partial pooling (the normal–normal model): each series' estimate θ̂ᵢ has sampling
 * variance vᵢ and its true value is drawn around a group value with between-series variance τ².
 * τ² comes from the method of moments (observed spread minus the spread the sampling noise alone
 * explains, floored at 0), and each estimate moves towards the group by the weight
 * wᵢ = τ²/(τ² + vᵢ): a noisy estimate from a short series borrows much, a precise one keeps itself.
 *
 * Seasonal profiles are pooled by shape: resources of one archetype share the shape of their daily
 * cycle, but not its phase (time zones, shifted peaks) nor its amplitude (in each series' own
 * standardised units). So each profile is first aligned to the group's by the circular shift that
 * correlates best, the group shape is scaled by each series' own amplitude (a one-parameter fit, far
 * less noisy than m phase means), and the phase means shrink towards that, with a leave-one-out
 * group mean so that no series is pulled towards itself.
 */

export interface ScalarPooling {
  mean: number;
  tau2: number;
  shrunk: number[];
  weights: number[];
  posteriorVariance: number[];
}

export function shrinkScalars(estimates: readonly number[], variances: readonly number[]): ScalarPooling {
  const N = estimates.length;
  const finite = variances.map((v) => Number.isFinite(v));
  const usable = estimates.filter((_, i) => finite[i]);
  if (N < 2 || usable.length < 2) {
    return {
      mean: usable[0] ?? 0,
      tau2: Number.POSITIVE_INFINITY,
      shrunk: estimates.slice(),
      weights: estimates.map(() => 1),
      posteriorVariance: variances.slice(),
    };
  }
  const k = usable.length;
  const plain = usable.reduce((a, b) => a + b, 0) / k;
  const spread = usable.reduce((a, b) => a + (b - plain) ** 2, 0);
  const noise = variances.filter((v) => Number.isFinite(v)).reduce((a, b) => a + b, 0);
  const tau2 = Math.max(0, (spread - (1 - 1 / k) * noise) / (k - 1));
  let numerator = 0;
  let denominator = 0;
  estimates.forEach((theta, i) => {
    if (!finite[i]) return;
    const precision = 1 / (tau2 + variances[i]! + 1e-300);
    numerator += precision * theta;
    denominator += precision;
  });
  const mean = numerator / denominator;
  const weights = variances.map((v) => (Number.isFinite(v) ? (tau2 + v > 0 ? tau2 / (tau2 + v) : 1) : 0));
  return {
    mean,
    tau2,
    shrunk: estimates.map((theta, i) => weights[i]! * theta + (1 - weights[i]!) * mean),
    weights,
    posteriorVariance: variances.map((v, i) => (Number.isFinite(v) ? weights[i]! * v : tau2 + 1 / denominator)),
  };
}

export interface ProfilePooling {
  shrunk: number[][];
  /** Posterior variance per series and phase. */
  posteriorVariance: number[][];
  /** Mean shrinkage weight per series (1: own profile kept, 0: the group's shape used). */
  weights: number[];
  shifts: number[];
  amplitudes: number[];
  tau2: number;
}

const rotate = (p: readonly number[], shift: number): number[] => p.map((_, k) => p[(k + shift) % p.length]!);

function bestShift(p: readonly number[], reference: readonly number[]): number {
  const m = p.length;
  let best = 0;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let s = 0; s < m; s++) {
    let score = 0;
    for (let k = 0; k < m; k++) score += p[(k + s) % m]! * reference[k]!;
    if (score > bestScore) {
      bestScore = score;
      best = s;
    }
  }
  return best;
}

const energy = (p: readonly number[]): number => p.reduce((a, b) => a + b * b, 0);

export function poolProfiles(profiles: readonly number[][], variances: readonly number[][]): ProfilePooling {
  const N = profiles.length;
  const m = profiles[0]?.length ?? 1;
  const noiseOf = (i: number) => {
    const finite = variances[i]!.filter(Number.isFinite);
    return finite.length > 0 ? finite.reduce((a, b) => a + b, 0) / finite.length : Number.POSITIVE_INFINITY;
  };
  const precision = profiles.map((_, i) => 1 / (noiseOf(i) + 1e-12));
  if (N < 2 || m < 2) {
    return {
      shrunk: profiles.map((p) => p.slice()),
      posteriorVariance: variances.map((v) => v.slice()),
      weights: profiles.map(() => 1),
      shifts: profiles.map(() => 0),
      amplitudes: profiles.map(() => 1),
      tau2: Number.POSITIVE_INFINITY,
    };
  }
  // Start from the clearest profile (most energy per unit of sampling noise), align, average, twice.
  let reference = profiles[0]!;
  let clearest = -1;
  profiles.forEach((p, i) => {
    const signal = energy(p) * precision[i]!;
    if (signal > clearest) {
      clearest = signal;
      reference = p;
    }
  });
  let shifts = profiles.map(() => 0);
  let aligned = profiles.map((p) => p.slice());
  for (let round = 0; round < 3; round++) {
    shifts = profiles.map((p) => bestShift(p, reference));
    aligned = profiles.map((p, i) => rotate(p, shifts[i]!));
    const total = precision.reduce((a, b) => a + b, 0);
    reference = Array.from({ length: m }, (_, k) => aligned.reduce((a, p, i) => a + precision[i]! * p[k]!, 0) / total);
  }
  const total = precision.reduce((a, b) => a + b, 0);
  // Leave-one-out group shape for each series, back in the series' own phase, scaled by its amplitude.
  const targets: number[][] = [];
  const amplitudes: number[] = [];
  for (let i = 0; i < N; i++) {
    const others = total - precision[i]!;
    const shape =
      others > 0 ? reference.map((r, k) => (total * r - precision[i]! * aligned[i]![k]!) / others) : reference;
    const own = rotate(shape, (m - shifts[i]!) % m);
    const observed = variances[i]!.map(Number.isFinite);
    let sxy = 0;
    let sxx = 0;
    for (let k = 0; k < m; k++) {
      if (!observed[k]) continue;
      sxy += profiles[i]![k]! * own[k]!;
      sxx += own[k]! ** 2;
    }
    const amplitude = sxx > 0 ? Math.min(Math.max(sxy / sxx, 0), 3) : 0;
    amplitudes.push(amplitude);
    targets.push(own.map((v) => amplitude * v));
  }
  let excess = 0;
  let count = 0;
  for (let i = 0; i < N; i++) {
    for (let k = 0; k < m; k++) {
      const v = variances[i]![k]!;
      if (!Number.isFinite(v)) continue;
      excess += (profiles[i]![k]! - targets[i]![k]!) ** 2 - v;
      count++;
    }
  }
  const tau2 = count > 0 ? Math.max(0, excess / count) : 0;
  const shrunk: number[][] = [];
  const posteriorVariance: number[][] = [];
  const weights: number[] = [];
  for (let i = 0; i < N; i++) {
    const w = variances[i]!.map((v) => (Number.isFinite(v) ? (tau2 + v > 0 ? tau2 / (tau2 + v) : 1) : 0));
    const p = profiles[i]!.map((own, k) => w[k]! * own + (1 - w[k]!) * targets[i]![k]!);
    const centre = p.reduce((a, b) => a + b, 0) / m;
    shrunk.push(p.map((v) => v - centre));
    posteriorVariance.push(variances[i]!.map((v, k) => (Number.isFinite(v) ? w[k]! * v : tau2)));
    weights.push(w.reduce((a, b) => a + b, 0) / m);
  }
  return { shrunk, posteriorVariance, weights, shifts, amplitudes, tau2 };
}
