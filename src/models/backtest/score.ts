/**
 * Scores of one forecast against the truth of its test window (facts §3). MASE is scaled by the
 * in-sample seasonal naive error of the fold's own training part, so no fold borrows a scale from
 * data it should not see.
 */

import type { Forecast } from '../forecast/types.js';
import { coverage, mae, mape, mase, rmse, smape, wql } from '../metrics/index.js';

export const METRICS = ['mae', 'rmse', 'mape', 'smape', 'mase', 'wql', 'coverage80'] as const;
export type MetricName = (typeof METRICS)[number];

/** One value per metric; null where the metric is undefined for the data (MAPE of all-zero truth). */
export type Scores = Record<MetricName, number | null>;

const finiteOrNull = (value: number): number | null => (Number.isFinite(value) ? value : null);

export function scoreForecast(truth: number[], forecast: Forecast, history: readonly number[], season: number): Scores {
  const predicted = forecast.mean.slice(0, truth.length);
  const quantiles = forecast.quantiles.map((q) => q.slice(0, truth.length));
  return {
    mae: mae(truth, predicted),
    rmse: rmse(truth, predicted),
    mape: finiteOrNull(mape(truth, predicted)),
    smape: smape(truth, predicted),
    mase: finiteOrNull(mase(truth, predicted, history, season)),
    wql: finiteOrNull(wql(truth, quantiles)),
    // 0.1 and 0.9 quantiles bound the central 80% interval.
    coverage80: coverage(truth, quantiles[0]!, quantiles[quantiles.length - 1]!),
  };
}

/** Mean of each metric over folds, skipping nulls (null when every fold was null). */
export function meanScores(folds: Scores[]): Scores {
  const out = {} as Scores;
  for (const metric of METRICS) {
    const values = folds.map((s) => s[metric]).filter((v): v is number => v !== null);
    out[metric] = values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
  }
  return out;
}
