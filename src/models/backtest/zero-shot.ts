/**
 * Zero-shot models in the backtest. They need no fit, and they forecast asynchronously (an ONNX
 * session), which the fold loop of runBacktest — synchronous, one fit per fold — cannot wait for.
 * So their forecasts are made first, all series and folds in one batched call, each from the
 * fold's training part only, and handed to runBacktest as `precomputed`.
 */
import type { Forecast } from '../forecast/types.js';
import { checkBacktestShape, rollingFolds } from './folds.js';
import { type SeriesInput, unusable } from './run.js';

export interface ZeroShotModel {
  forecastMany(requests: ReadonlyArray<{ history: readonly number[]; horizon: number }>): Promise<Forecast[]>;
}

/** Series id → one forecast per fold (the folds of runBacktest), for every series it can score. */
export async function zeroShotForecasts(
  input: readonly SeriesInput[],
  options: { horizon: number; folds: number; season?: number },
  model: ZeroShotModel,
): Promise<Map<string, Forecast[]>> {
  const { horizon, folds } = options;
  const season = options.season ?? 1;
  checkBacktestShape(horizon, folds, season);
  const usable = input.filter((series) => !unusable(series, horizon, folds, season));
  const jobs = usable.flatMap((series) =>
    rollingFolds(series.values.length, horizon, folds).map((fold) => ({
      id: series.id,
      history: series.values.slice(0, fold.origin),
    })),
  );
  const forecasts = await model.forecastMany(jobs.map((job) => ({ history: job.history, horizon })));
  const out = new Map<string, Forecast[]>(usable.map((series) => [series.id, []]));
  jobs.forEach((job, i) => {
    out.get(job.id)!.push(forecasts[i]!);
  });
  return out;
}
