/**
 * Population stability index (PSI): how far a current sample has moved from a baseline sample.
 *
 *   PSI = Σ_k (q_k − p_k) · ln(q_k / p_k)
 *
 * where p_k and q_k are the shares of the baseline and of the current sample in bin k. Numeric
 * values are binned at the baseline's quantiles (so each bin holds about 1/bins of the baseline),
 * labels are binned by value. A share of 0 is replaced by ε = 1e-4 (not renormalised) so that a bin
 * empty on one side gives a large but finite term; a bin empty on both sides adds 0.
 * Common reading: < 0.1 stable, 0.1–0.25 moderate shift, > 0.25 significant shift.
 */
import { FleetcastError } from '../../core/errors.js';

/** The share that stands in for an empty bin. */
export const PSI_EPSILON = 1e-4;

/**
 * PSI of `current` against `baseline` over `bins` quantile bins of the baseline (default 10).
 * Edges are the baseline's quantiles at k/bins, k = 1…bins−1, interpolated linearly between order
 * statistics (Hyndman–Fan type 7, numpy's default); equal edges merge, so a baseline with ties has
 * fewer bins. Bin k holds the values in (edge_{k−1}, edge_k]; the first and last bins are open.
 * Non-finite values are ignored; either sample empty after that is an error.
 */
export function populationStabilityIndex(baseline: readonly number[], current: readonly number[], bins = 10): number {
  if (!Number.isInteger(bins) || bins < 2) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `bins must be an integer ≥ 2, got ${bins}`);
  }
  const base = finiteSorted(baseline, 'baseline');
  const cur = finiteSorted(current, 'current');
  const edges = quantileEdges(base, bins);
  return psiFromCounts(binCounts(base, edges), binCounts(cur, edges), base.length, cur.length);
}

/** PSI of the label distribution of `current` against that of `baseline`. */
export function categoricalStabilityIndex(baseline: readonly string[], current: readonly string[]): number {
  if (baseline.length === 0 || current.length === 0) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', 'PSI needs a non-empty baseline and current sample');
  }
  const categories = [...new Set([...baseline, ...current])];
  const index = new Map(categories.map((label, k) => [label, k]));
  const count = (sample: readonly string[]) => {
    const counts = new Array<number>(categories.length).fill(0);
    for (const label of sample) counts[index.get(label)!]! += 1;
    return counts;
  };
  return psiFromCounts(count(baseline), count(current), baseline.length, current.length);
}

/** The deduplicated quantile edges of a sorted sample at k/bins, k = 1…bins−1. */
export function quantileEdges(sorted: readonly number[], bins: number): number[] {
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    const edge = quantileSorted(sorted, k / bins);
    if (edges.length === 0 || edge > edges[edges.length - 1]!) edges.push(edge);
  }
  return edges;
}

/** Type-7 quantile of a sorted, non-empty sample. */
function quantileSorted(sorted: readonly number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lower = Math.floor(h);
  const upper = Math.min(lower + 1, sorted.length - 1);
  return sorted[lower]! + (h - lower) * (sorted[upper]! - sorted[lower]!);
}

/** Counts per bin: bin k holds (edges[k−1], edges[k]], found by binary search. */
function binCounts(values: readonly number[], edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const value of values) {
    let lo = 0;
    let hi = edges.length;
    // The first edge ≥ value: its index is the bin.
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (edges[mid]! < value) lo = mid + 1;
      else hi = mid;
    }
    counts[lo]! += 1;
  }
  return counts;
}

function psiFromCounts(baseline: number[], current: number[], nBaseline: number, nCurrent: number): number {
  let psi = 0;
  for (let k = 0; k < baseline.length; k++) {
    const p = Math.max(baseline[k]! / nBaseline, PSI_EPSILON);
    const q = Math.max(current[k]! / nCurrent, PSI_EPSILON);
    psi += (q - p) * Math.log(q / p);
  }
  return psi;
}

function finiteSorted(values: readonly number[], name: string): number[] {
  const finite = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (finite.length === 0) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `PSI needs a non-empty ${name} sample of finite numbers`);
  }
  return finite;
}
