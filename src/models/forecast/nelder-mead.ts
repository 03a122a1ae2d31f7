/**
 * Derivative-free minimisation (Nelder–Mead simplex) for the ETS likelihood, whose parameters live
 * in a box and whose surface has kinks where a recursion goes non-positive. Callers optimise in an
 * unconstrained space (logit transforms) and return +Infinity for invalid points.
 */
export interface NelderMeadOptions {
  /** Initial simplex step per coordinate. */
  step?: number | number[];
  maxIterations?: number;
  /** Stop when the spread of function values in the simplex falls below this (relative). */
  tolerance?: number;
}

export interface NelderMeadResult {
  x: number[];
  value: number;
  iterations: number;
}

export function nelderMead(
  f: (x: readonly number[]) => number,
  start: readonly number[],
  options: NelderMeadOptions = {},
): NelderMeadResult {
  const n = start.length;
  const maxIterations = options.maxIterations ?? 200 * n;
  const tolerance = options.tolerance ?? 1e-8;
  const step = options.step ?? 0.5;
  const steps = Array.isArray(step) ? step : Array.from({ length: n }, () => step);
  const simplex: number[][] = [start.slice()];
  for (let i = 0; i < n; i++) {
    const point = start.slice();
    point[i] = point[i]! + (steps[i] ?? 0.5);
    simplex.push(point);
  }
  const values = simplex.map((x) => f(x));
  const order = Array.from({ length: n + 1 }, (_, i) => i);
  let iterations = 0;
  const centroid = new Array<number>(n).fill(0);
  const along = (coefficient: number, worst: number[]): number[] =>
    centroid.map((c, i) => c + coefficient * (worst[i]! - c));

  for (; iterations < maxIterations; iterations++) {
    order.sort((a, b) => values[a]! - values[b]!);
    const best = values[order[0]!]!;
    const worstIndex = order[n]!;
    const worstValue = values[worstIndex]!;
    if (Number.isFinite(worstValue) && Math.abs(worstValue - best) <= tolerance * (Math.abs(best) + tolerance)) break;
    centroid.fill(0);
    for (let k = 0; k < n; k++) {
      const point = simplex[order[k]!]!;
      for (let i = 0; i < n; i++) centroid[i] = centroid[i]! + point[i]! / n;
    }
    const worst = simplex[worstIndex]!;
    const reflected = along(-1, worst);
    const reflectedValue = f(reflected);
    const secondWorst = values[order[n - 1]!]!;
    if (reflectedValue < best) {
      const expanded = along(-2, worst);
      const expandedValue = f(expanded);
      if (expandedValue < reflectedValue) {
        simplex[worstIndex] = expanded;
        values[worstIndex] = expandedValue;
      } else {
        simplex[worstIndex] = reflected;
        values[worstIndex] = reflectedValue;
      }
      continue;
    }
    if (reflectedValue < secondWorst) {
      simplex[worstIndex] = reflected;
      values[worstIndex] = reflectedValue;
      continue;
    }
    const outside = reflectedValue < worstValue;
    const contracted = along(outside ? -0.5 : 0.5, worst);
    const contractedValue = f(contracted);
    if (contractedValue < (outside ? reflectedValue : worstValue)) {
      simplex[worstIndex] = contracted;
      values[worstIndex] = contractedValue;
      continue;
    }
    // Shrink every point towards the best one.
    const bestPoint = simplex[order[0]!]!;
    for (let k = 1; k <= n; k++) {
      const index = order[k]!;
      const point = simplex[index]!.map((v, i) => bestPoint[i]! + 0.5 * (v - bestPoint[i]!));
      simplex[index] = point;
      values[index] = f(point);
    }
  }
  let bestIndex = 0;
  for (let k = 1; k <= n; k++) if (values[k]! < values[bestIndex]!) bestIndex = k;
  return { x: simplex[bestIndex]!, value: values[bestIndex]!, iterations };
}
