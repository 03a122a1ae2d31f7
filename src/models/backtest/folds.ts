/**
 * Rolling-origin folds: K test windows of H steps at the end of the series, back to back, each
 * forecast from everything before it. A fold's model sees only `values[0, origin)`; the test window
 * `values[origin, origin + H)` is never part of its training data.
 */
import { FleetcastError } from '../../core/errors.js';

export interface Fold {
  /** Index of the first forecast step: training data is values[0, origin). */
  origin: number;
  /** End (exclusive) of the test window. */
  end: number;
}

/** Smallest training part a fold may have: two full seasons (for seasonal models), else 5 points. */
export function minimumTraining(season: number): number {
  return season > 1 ? 2 * season : 5;
}

/** Rows a series needs for `folds` folds of `horizon` steps with season `season`. */
export function rowsNeeded(horizon: number, folds: number, season: number): number {
  return folds * horizon + minimumTraining(season);
}

export function checkBacktestShape(horizon: number, folds: number, season: number): void {
  for (const [name, value] of [
    ['horizon', horizon],
    ['folds', folds],
    ['season', season],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${name} ${value} is not a positive integer`, {
        hint: 'horizon, folds and season are counts of steps or windows',
      });
    }
  }
}

/** Why a series of `length` rows cannot be backtested, or undefined when it can. */
export function shortfall(length: number, horizon: number, folds: number, season: number): string | undefined {
  const needed = rowsNeeded(horizon, folds, season);
  if (length >= needed) return undefined;
  const training = minimumTraining(season);
  const what = season > 1 ? `two seasons of ${season}` : 'a minimum of 5';
  return `${length} rows, but ${folds} folds × horizon ${horizon} plus ${training} training rows (${what}) need ${needed}`;
}

export function rollingFolds(length: number, horizon: number, folds: number): Fold[] {
  const out: Fold[] = [];
  for (let k = folds; k >= 1; k--) {
    const origin = length - k * horizon;
    out.push({ origin, end: origin + horizon });
  }
  return out;
}
