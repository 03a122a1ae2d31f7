/**
 * Smoothing along the user axis. Interpolating between the two neighbouring level medians carries
 * each median's own noise into the prediction; a local linear fit over the polls of more levels
 * averages it out. The model stores a smoothed value per training level and interpolates between
 * them. How many levels to pool is chosen per service and target by cross-validation on the
 * training levels only (never on the test rows).
 */

export interface Knot {
  x: number;
  y: number;
}

/**
 * Neighbour counts tried by cross-validation: 2 keeps each level's own centre (the model then
 * interpolates between level centres, like the published median baseline), larger counts pool more
 * levels, and `ALL_LEVELS` fits one line through every level.
 */
export const ALL_LEVELS = 1_000_000;
export const NEIGHBOUR_CHOICES = [2, 4, 6, 8, 12, 16, 24, 32, ALL_LEVELS] as const;

/** Observations of one training level: its user count and the polls' values of one target. */
export interface Level {
  x: number;
  rows: readonly number[];
}

/**
 * Local linear fit at `x` over the polls of the `k` nearest levels, minimising the tricube-weighted
 * sum of |y − a − b·(xᵢ − x)| / y — the MAPE of the fit itself — by iteratively reweighted least
 * squares. Fitting polls rather than level medians uses every measurement, and the relative L1 loss
 * is the protocol's score, so a stalled poll cannot drag the curve.
 */
export function relativeLocalLinear(levels: readonly Level[], x: number, k: number): number {
  const near = [...levels]
    .sort((a, b) => Math.abs(a.x - x) - Math.abs(b.x - x))
    .slice(0, Math.max(2, Math.min(k, levels.length)));
  const radius = Math.abs(near[near.length - 1]!.x - x) * 1.0001 || 1;
  const points: Array<{ dx: number; y: number; w: number }> = [];
  for (const level of near) {
    const u = Math.abs(level.x - x) / radius;
    const kernel = k <= 2 ? 1 - u : (1 - u ** 3) ** 3;
    for (const y of level.rows) if (Number.isFinite(y) && y > 0) points.push({ dx: level.x - x, y, w: kernel / y });
  }
  if (points.length === 0) return Number.NaN;
  let a = points.reduce((s, p) => s + p.y, 0) / points.length;
  let b = 0;
  for (let iteration = 0; iteration < 30; iteration++) {
    let sw = 0;
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let sxy = 0;
    for (const p of points) {
      const residual = Math.abs(p.y - a - b * p.dx);
      // IRLS for L1: weight ∝ 1/|residual|, floored so exact fits do not blow up.
      const w = p.w / Math.max(residual, 1e-6 * p.y);
      sw += w;
      sx += w * p.dx;
      sy += w * p.y;
      sxx += w * p.dx * p.dx;
      sxy += w * p.dx * p.y;
    }
    const mx = sx / sw;
    const my = sy / sw;
    const vx = sxx / sw - mx * mx;
    const nextB = vx > 1e-12 ? (sxy / sw - mx * my) / vx : 0;
    const nextA = my - nextB * mx;
    const converged = Math.abs(nextA - a) <= 1e-9 * Math.abs(a) && Math.abs(nextB - b) <= 1e-9 * (Math.abs(b) + 1e-12);
    a = nextA;
    b = nextB;
    if (converged) break;
  }
  return a;
}

/**
 * Picks the neighbour count with the lowest cross-validated mean absolute percentage error on the
 * polls of left-out levels. Left out are blocks of `block` consecutive inner levels (every start
 * position), because that is how the model is used inside its range: across a gap of unseen loads,
 * not just one missing step. Each left-out poll is predicted as the model predicts: by linear
 * interpolation between the smoothed values of the two training levels around the gap, each fitted
 * without the block. The outermost levels are never left out (that would be extrapolation, which
 * this smoother is not used for).
 */
export function chooseNeighbours(levels: readonly Level[], block = 1): number {
  let best: number = NEIGHBOUR_CHOICES[0];
  let bestScore = Number.POSITIVE_INFINITY;
  const size = Math.max(1, Math.min(block, levels.length - 3));
  if (levels.length < 4) return best;
  for (const k of NEIGHBOUR_CHOICES) {
    // A fit sees fewer levels than the data has; a count it cannot use adds nothing over ALL_LEVELS.
    if (k > levels.length - size && k !== ALL_LEVELS) continue;
    let sum = 0;
    let n = 0;
    for (let start = 1; start + size <= levels.length - 1; start++) {
      const others = levels.filter((_, j) => j < start || j >= start + size);
      const left = levels[start - 1]!.x;
      const right = levels[start + size]!.x;
      const around = [
        { x: left, y: relativeLocalLinear(others, left, k) },
        { x: right, y: relativeLocalLinear(others, right, k) },
      ];
      for (let i = start; i < start + size; i++) {
        const predicted = interpolate(around, levels[i]!.x);
        for (const truth of levels[i]!.rows) {
          if (!Number.isFinite(truth) || truth === 0) continue;
          sum += Math.abs((truth - predicted) / truth);
          n++;
        }
      }
    }
    const score = n === 0 ? Number.POSITIVE_INFINITY : sum / n;
    if (score < bestScore - 1e-12) {
      bestScore = score;
      best = k;
    }
  }
  return best;
}

/** The smoothed value at each level's own x (the model stores these and interpolates between them). */
export function smoothLevels(levels: readonly Level[], k: number): number[] {
  return levels.map((level) => relativeLocalLinear(levels, level.x, k));
}

/** Linear interpolation inside the knots' range (knots ascending in x); clamps outside it. */
export function interpolate(knots: readonly Knot[], x: number): number {
  const first = knots[0]!;
  const last = knots[knots.length - 1]!;
  if (x <= first.x) return first.y;
  if (x >= last.x) return last.y;
  let lo = 0;
  let hi = knots.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (knots[mid]!.x <= x) lo = mid;
    else hi = mid;
  }
  const a = knots[lo]!;
  const b = knots[hi]!;
  return a.y + ((b.y - a.y) * (x - a.x)) / (b.x - a.x);
}
