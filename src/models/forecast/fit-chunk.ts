/**
 * Fitting a set of series to saved forecaster parameters: the unit of work of a fleet bundle, done
 * in the calling thread or, as the `models.fit-forecasters` queue task, in a worker. Plain data in
 * and out, so it crosses a thread or a Redis queue unchanged.
 */
import { registerTask } from '../../core/queue/tasks.js';
import { AutoForecaster, DEFAULT_AUTO_CANDIDATES } from '../backtest/auto.js';
import { createForecaster, fleetFitter } from './registry.js';
import type { Forecaster, ForecasterParams } from './types.js';

export const FIT_FORECASTERS_TASK = 'models.fit-forecasters';

export interface FitChunk {
  /** A forecaster name, or `auto` (chosen per series on inner folds among the same candidates as
   *  `backtest --models auto`, so a backtest's choice is what training then fits). */
  model: string;
  horizon: number;
  season: number;
  series: Array<{
    id: string;
    values: number[];
    group?: string;
    segments?: Array<{ start: number; end: number }>;
  }>;
}

/** Fitted parameters by series id. */
export function fitChunk(chunk: FitChunk): Record<string, ForecasterParams> {
  const out: Record<string, ForecasterParams> = {};
  const fitter = fleetFitter(chunk.model);
  if (fitter) {
    const fitted = fitter(chunk.series, { season: chunk.season });
    for (const s of chunk.series) out[s.id] = fitted.get(s.id)!.toJSON();
    return out;
  }
  for (const s of chunk.series) {
    const forecaster: Forecaster =
      chunk.model === 'auto'
        ? new AutoForecaster({ candidates: DEFAULT_AUTO_CANDIDATES, horizon: chunk.horizon })
        : createForecaster(chunk.model);
    forecaster.fit(s.values, { season: chunk.season, ...(s.segments ? { segments: s.segments } : {}) });
    out[s.id] = forecaster.toJSON();
  }
  return out;
}

// Under vitest the sources are `.ts` (the pool's threads load them through the queue's TypeScript
// hooks); compiled, `.js`.
const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
registerTask(FIT_FORECASTERS_TASK, new URL(`./fit-task${extension}`, import.meta.url));
