/**
 * Multi-step forecasts by recursion: the network warms its state up over `context` observed steps,
 * then each predicted value becomes the next step's input. Many origins run as one batch, which is
 * how the validation residuals behind the intervals are computed cheaply.
 */
import { inputCount, REACH, writeInputs } from './features.js';
import type { GruNetwork } from './network.js';

export interface Origin {
  /** The `context + 1` deseasonalised scaled values just before the first forecast step. */
  tail: ArrayLike<number>;
  /** Position in the season of tail[0]. */
  phase: number;
}

/** Deseasonalised scaled forecasts, [origins × horizon] row-major. */
export function recursiveForecast(
  network: GruNetwork,
  origins: readonly Origin[],
  context: number,
  horizon: number,
  season: number,
): Float64Array {
  const B = origins.length;
  const I = inputCount(season);
  const lead = context + REACH;
  const paths = origins.map((origin) => {
    const path = new Float64Array(lead + horizon);
    for (let i = 0; i < lead; i++) path[i] = origin.tail[i]!;
    return path;
  });
  const stepper = network.stepper(B);
  const x = new Float64Array(B * I);
  const out = new Float64Array(B * horizon);
  for (let k = 0; k < context + horizon; k++) {
    const t = REACH + k;
    for (let b = 0; b < B; b++) writeInputs(paths[b]!, t, season, x, b * I, origins[b]!.phase);
    const predicted = stepper.step(x);
    if (t < lead) continue;
    for (let b = 0; b < B; b++) {
      const path = paths[b]!;
      const value = predicted[b]!;
      path[t] = value;
      out[b * horizon + t - lead] = value;
    }
  }
  return out;
}
