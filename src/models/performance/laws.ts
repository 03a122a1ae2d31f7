/**
 * The structure the model takes from operational laws (facts §4), so that it stays sane outside the
 * loads it was trained on:
 *  - closed loop, N = X·(R + Z): at a fixed response time, throughput grows in proportion to users
 *    (used in service-model.ts as a per-user rate);
 *  - utilisation law, CPU = U = X·D (+ an idle floor per replica: the Istio sidecar and pod overhead
 *    that this data's CPU includes): CPU grows linearly with throughput through a service demand D.
 * The kpp collector double-counts throughput and adds sidecar CPU (facts §4); both are constant
 * factors or offsets, so the laws still hold for the data's own quantities, with the factors folded
 * into the fitted rate and demand.
 */

export interface CpuLaw {
  /** CPU not explained by load or replicas (cores). */
  intercept: number;
  /** Idle CPU each extra replica adds (cores); 0 when replicas are not recorded or not identifiable. */
  perReplica: number;
  /** Service demand: CPU seconds per counted request. */
  demand: number;
}

interface CpuPoint {
  throughput: number;
  replicas: number;
  cpu: number;
}

/** Solves a small symmetric positive system by Gaussian elimination; undefined when singular. */
function solve(a: number[][], b: number[]): number[] | undefined {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    if (Math.abs(m[pivot]![col]!) < 1e-15) return undefined;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r]![col]! / m[col]![col]!;
      for (let c = col; c <= n; c++) m[r]![c]! -= f * m[col]![c]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

/** Weighted least squares of cpu on the chosen features, weights 1/cpu² (relative error, as MAPE scores). */
function fitWith(
  points: readonly CpuPoint[],
  features: Array<'intercept' | 'perReplica' | 'demand'>,
): CpuLaw | undefined {
  const value = (p: CpuPoint, f: string): number =>
    f === 'intercept' ? 1 : f === 'perReplica' ? p.replicas : p.throughput;
  const k = features.length;
  const ata = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const atb = new Array<number>(k).fill(0);
  for (const p of points) {
    const w = 1 / (p.cpu * p.cpu);
    for (let i = 0; i < k; i++) {
      const vi = value(p, features[i]!);
      atb[i]! += w * vi * p.cpu;
      for (let j = 0; j < k; j++) ata[i]![j]! += w * vi * value(p, features[j]!);
    }
  }
  const coef = solve(ata, atb);
  if (!coef) return undefined;
  const law: CpuLaw = { intercept: 0, perReplica: 0, demand: 0 };
  features.forEach((f, i) => {
    law[f] = coef[i]!;
  });
  return law;
}

/**
 * Fits CPU = intercept + perReplica·replicas + demand·throughput with every coefficient ≥ 0: a
 * negative demand or idle cost is not physical and would make extrapolation absurd, so a term that
 * comes out negative is dropped and the rest refitted (a small active-set loop).
 */
export function fitCpuLaw(points: readonly CpuPoint[], withReplicas: boolean): CpuLaw {
  let features: Array<'intercept' | 'perReplica' | 'demand'> = withReplicas
    ? ['intercept', 'perReplica', 'demand']
    : ['intercept', 'demand'];
  const usable = points.filter((p) => p.cpu > 0);
  while (features.length > 0) {
    const law = fitWith(usable, features);
    if (!law) {
      // Singular: replicas never changed (or moved in lockstep with load); fit without them.
      if (!features.includes('perReplica')) break;
      features = features.filter((f) => f !== 'perReplica');
      continue;
    }
    const negative = features.filter((f) => law[f] < 0);
    if (negative.length === 0) return law;
    features = features.filter((f) => f !== negative[0]);
  }
  // Nothing fitted (e.g. one level only): CPU proportional to throughput through its mean ratio.
  const ratio = usable.reduce((s, p) => s + p.cpu / Math.max(p.throughput, 1e-12), 0) / Math.max(usable.length, 1);
  return { intercept: 0, perReplica: 0, demand: ratio };
}
