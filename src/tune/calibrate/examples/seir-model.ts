/**
 * The stochastic SEIR model of facts §5, as a simulation module (`fleetcast:seir`): Poisson
 * tau-leaping with dt = 0.1 day — new infections ~ Poisson(β·S·I/N·dt), progressions E→I ~
 * Poisson(σ·E·dt), recoveries ~ Poisson(γ·I·dt), each capped by the compartment it leaves.
 *
 * Parameters: beta, sigma, gamma; optional population (default 10,000), initial_infectious (10),
 * days (100). Output: one table `daily` with, per day 1…days, the new infections (`incidence`),
 * the new infectious cases (`onsets`) and the infectious count at the end of the day (`prevalence`).
 */
import type { PlainParams } from '../../../contracts/index.js';
import { Rng } from '../../random.js';
import type { SimulatedTables } from '../tables.js';
import { poisson } from './poisson.js';

export const SEIR_DT = 0.1;

export interface SeirParams {
  beta: number;
  sigma: number;
  gamma: number;
  population: number;
  initialInfectious: number;
  days: number;
}

export interface SeirDaily {
  day: Float64Array;
  incidence: Float64Array;
  onsets: Float64Array;
  prevalence: Float64Array;
}

function numberParam(params: PlainParams, name: string, fallback?: number): number {
  const value = params[name] ?? fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`SEIR parameter ${name} must be a finite number, got ${String(value)}`);
  }
  return value;
}

export function seirParams(params: PlainParams): SeirParams {
  const out = {
    beta: numberParam(params, 'beta'),
    sigma: numberParam(params, 'sigma'),
    gamma: numberParam(params, 'gamma'),
    population: Math.round(numberParam(params, 'population', 10_000)),
    initialInfectious: Math.round(numberParam(params, 'initial_infectious', 10)),
    days: Math.round(numberParam(params, 'days', 100)),
  };
  if (!(out.population >= 1 && out.initialInfectious >= 0 && out.initialInfectious <= out.population)) {
    throw new RangeError(
      `SEIR needs 0 ≤ initial_infectious ≤ population, got ${out.initialInfectious} of ${out.population}`,
    );
  }
  if (!(out.days >= 1 && out.days <= 100_000)) throw new RangeError(`SEIR days must be in 1..100000, got ${out.days}`);
  if (!(out.beta >= 0 && out.sigma >= 0 && out.gamma >= 0)) throw new RangeError('SEIR rates must be ≥ 0');
  return out;
}

/** One replicate of the epidemic. */
export function runSeir(p: SeirParams, seed: bigint | number): SeirDaily {
  const rng = new Rng(seed);
  const steps = Math.round(1 / SEIR_DT);
  let s = p.population - p.initialInfectious;
  let e = 0;
  let i = p.initialInfectious;
  const out: SeirDaily = {
    day: new Float64Array(p.days),
    incidence: new Float64Array(p.days),
    onsets: new Float64Array(p.days),
    prevalence: new Float64Array(p.days),
  };
  const n = p.population;
  for (let d = 0; d < p.days; d++) {
    let infections = 0;
    let onsets = 0;
    for (let k = 0; k < steps; k++) {
      const infected = Math.min(s, poisson(rng, (p.beta * s * i * SEIR_DT) / n));
      const progressed = Math.min(e, poisson(rng, p.sigma * e * SEIR_DT));
      const recovered = Math.min(i, poisson(rng, p.gamma * i * SEIR_DT));
      s -= infected;
      e += infected - progressed;
      i += progressed - recovered;
      infections += infected;
      onsets += progressed;
    }
    out.day[d] = d + 1;
    out.incidence[d] = infections;
    out.onsets[d] = onsets;
    out.prevalence[d] = i;
  }
  return out;
}

export function simulate(params: PlainParams, seed: bigint): SimulatedTables {
  const daily = runSeir(seirParams(params), seed);
  return { daily: daily as unknown as SimulatedTables[string] };
}
