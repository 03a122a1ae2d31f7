/**
 * Point and probabilistic forecast metrics (facts §3). Every function takes aligned arrays of truth
 * and prediction and throws on a length mismatch or an empty input rather than returning NaN
 * silently; a metric that is undefined for the data (MAPE with a zero truth) skips those points and
 * says so through `NaN` only when no point is left.
 */
import { FleetcastError } from '../../core/errors.js';

type Series = ArrayLike<number>;

function check(truth: Series, predicted: Series, name: string): void {
  if (truth.length !== predicted.length) {
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `${name}: truth has ${truth.length} values, prediction ${predicted.length}`,
      {
        hint: 'align forecasts and observations before scoring',
      },
    );
  }
  if (truth.length === 0) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${name}: no values to score`, {
      hint: 'score at least one forecast',
    });
  }
}

export function mae(truth: Series, predicted: Series): number {
  check(truth, predicted, 'MAE');
  let sum = 0;
  for (let i = 0; i < truth.length; i++) sum += Math.abs(truth[i]! - predicted[i]!);
  return sum / truth.length;
}

export function rmse(truth: Series, predicted: Series): number {
  check(truth, predicted, 'RMSE');
  let sum = 0;
  for (let i = 0; i < truth.length; i++) sum += (truth[i]! - predicted[i]!) ** 2;
  return Math.sqrt(sum / truth.length);
}

/** Mean absolute percentage error in percent; points whose truth is 0 are skipped. */
export function mape(truth: Series, predicted: Series): number {
  check(truth, predicted, 'MAPE');
  let sum = 0;
  let n = 0;
  for (let i = 0; i < truth.length; i++) {
    if (truth[i] === 0) continue;
    sum += Math.abs((truth[i]! - predicted[i]!) / truth[i]!);
    n++;
  }
  return n === 0 ? Number.NaN : (100 * sum) / n;
}

/** sMAPE in the M4 form, percent: 200/h · Σ|y − ŷ| / (|y| + |ŷ|); 0/0 terms count as 0. */
export function smape(truth: Series, predicted: Series): number {
  check(truth, predicted, 'sMAPE');
  let sum = 0;
  for (let i = 0; i < truth.length; i++) {
    const denominator = Math.abs(truth[i]!) + Math.abs(predicted[i]!);
    if (denominator > 0) sum += Math.abs(truth[i]! - predicted[i]!) / denominator;
  }
  return (200 * sum) / truth.length;
}

/**
 * In-sample MAE of the seasonal naive one-step forecast (y_t predicted by y_{t−season}): the MASE
 * scale. Falls back to season 1 when the history is shorter than two seasons.
 */
export function naiveScale(history: Series, season = 1): number {
  const m = history.length > season ? season : 1;
  if (history.length <= m) {
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `MASE needs more than ${m} history values, got ${history.length}`,
      {
        hint: 'use a longer training window',
      },
    );
  }
  let sum = 0;
  for (let i = m; i < history.length; i++) sum += Math.abs(history[i]! - history[i - m]!);
  return sum / (history.length - m);
}

/** MAE of the forecast ÷ in-sample MAE of the seasonal naive forecast on `history`. */
export function mase(truth: Series, predicted: Series, history: Series, season = 1): number {
  const scale = naiveScale(history, season);
  const error = mae(truth, predicted);
  // A perfectly flat history makes every error infinitely bad relative to it; report that honestly.
  if (scale === 0) return error === 0 ? 0 : Number.POSITIVE_INFINITY;
  return error / scale;
}

export const QUANTILE_LEVELS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9] as const;

/**
 * Weighted quantile loss (a discrete CRPS): 2·Σ_q Σ_t pinball_q(y_t, ŷ_{q,t}) / (|Q| · Σ_t |y_t|).
 * `quantiles[j]` holds the forecasts at `levels[j]`.
 */
export function wql(truth: Series, quantiles: Series[], levels: readonly number[] = QUANTILE_LEVELS): number {
  if (quantiles.length !== levels.length) {
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `WQL: ${quantiles.length} quantile series for ${levels.length} levels`,
      {
        hint: 'give one forecast series per quantile level',
      },
    );
  }
  let loss = 0;
  for (const [j, level] of levels.entries()) {
    const q = quantiles[j]!;
    check(truth, q, 'WQL');
    for (let t = 0; t < truth.length; t++) {
      const diff = truth[t]! - q[t]!;
      loss += diff >= 0 ? level * diff : (level - 1) * diff;
    }
  }
  let scale = 0;
  for (let t = 0; t < truth.length; t++) scale += Math.abs(truth[t]!);
  if (scale === 0) return loss === 0 ? 0 : Number.POSITIVE_INFINITY;
  return (2 * loss) / (levels.length * scale);
}

/** Share of truths inside [lower, upper]. */
export function coverage(truth: Series, lower: Series, upper: Series): number {
  check(truth, lower, 'coverage');
  check(truth, upper, 'coverage');
  let inside = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i]! >= lower[i]! && truth[i]! <= upper[i]!) inside++;
  return inside / truth.length;
}

/** Geometric mean of positive scores (relative scores across series, facts §3). */
export function geometricMean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let logSum = 0;
  for (const value of values) {
    if (!(value > 0) || !Number.isFinite(value)) {
      throw new FleetcastError(
        'FLEETCAST_INVALID_ARGUMENT',
        `geometric mean of a non-positive or infinite score ${value}`,
        {
          hint: 'relative scores must be positive and finite',
        },
      );
    }
    logSum += Math.log(value);
  }
  return Math.exp(logSum / values.length);
}
