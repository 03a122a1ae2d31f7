/**
 * Seeded synthetic series for the forecasting and backtest tests (kept here, not in src/simulate, so
 * these tests pin down the models alone).
 */
import { createNormal, createRandom } from '../../../src/models/forecast/random.js';

export interface HoltWintersTruth {
  level: number;
  trend: number;
  seasonal: number[];
  alpha: number;
  beta: number;
  gamma: number;
  sigma: number;
}

/** ETS(A,A,A) or ETS(A,N,A) (trend 0, beta 0) sample path with Gaussian errors. */
export function additiveHoltWinters(n: number, truth: HoltWintersTruth, seed: number): number[] {
  const normal = createNormal(createRandom(seed));
  const s = truth.seasonal.slice();
  const m = s.length;
  let { level, trend } = truth;
  const y: number[] = [];
  for (let t = 0; t < n; t++) {
    const j = t % m;
    const e = truth.sigma * normal();
    y.push(level + trend + s[j]! + e);
    level = level + trend + truth.alpha * e;
    trend = trend + truth.beta * e;
    s[j] = s[j]! + truth.gamma * e;
  }
  return y;
}

/** ETS(M,N,M) sample path: y = l·s·(1 + e). */
export function multiplicativeSeasonal(
  n: number,
  truth: { level: number; seasonal: number[]; alpha: number; gamma: number; sigma: number },
  seed: number,
): number[] {
  const normal = createNormal(createRandom(seed));
  const s = truth.seasonal.slice();
  let level = truth.level;
  const y: number[] = [];
  for (let t = 0; t < n; t++) {
    const j = t % s.length;
    const e = truth.sigma * normal();
    const mu = level * s[j]!;
    y.push(mu * (1 + e));
    level = level * (1 + truth.alpha * e);
    s[j] = s[j]! * (1 + truth.gamma * e);
  }
  return y;
}

export function sineSeason(m: number, amplitude: number): number[] {
  return Array.from({ length: m }, (_, k) => amplitude * Math.sin((2 * Math.PI * k) / m));
}

/** Linear trend + daily (24-step) season + AR(1) noise: the shape of a utilisation metric. */
export function trendSeasonAr(n: number, seed: number, options: { slope?: number; phi?: number } = {}): number[] {
  const uniform = createRandom(seed);
  const normal = createNormal(uniform);
  const base = 40 + 20 * uniform();
  const amplitude = 5 + 10 * uniform();
  const slope = options.slope ?? 0.01 + 0.02 * uniform();
  const phi = options.phi ?? 0.8;
  let noise = 0;
  const y: number[] = [];
  for (let t = 0; t < n; t++) {
    noise = phi * noise + normal();
    y.push(base + slope * t + amplitude * Math.sin((2 * Math.PI * t) / 24) + 2 * noise);
  }
  return y;
}
