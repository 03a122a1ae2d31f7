/**
 * Quantile arithmetic of the Chronos-Bolt forecaster: the check that a model's levels can give
 * Fleetcast's nine (0.1…0.9), the empirical quantile chronos-forecasting uses to reduce Q × Q paths
 * (torch.quantile's default linear rule), and the mapping of the model's levels onto
 * FORECAST_QUANTILES. Values are rearranged (sorted) per step before mapping: a model may cross its
 * quantiles, and sorting them is the standard repair that never worsens the quantile loss.
 */
import { FleetcastError } from '../../core/errors.js';
import { FORECAST_QUANTILES, type Forecast } from '../forecast/types.js';

const EPS = 1e-9;

/** Throws unless `levels` are distinct, in (0, 1), and span 0.1…0.9 (no extrapolation). */
export function checkQuantileLevels(levels: readonly number[], where: string): void {
  const sorted = [...levels].sort((a, b) => a - b);
  const duplicate = sorted.find((level, i) => i > 0 && level - sorted[i - 1]! < EPS);
  if (duplicate !== undefined) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${where}: quantile level ${duplicate} appears twice`, {
      hint: 'list each quantile level the model outputs once, in output order',
    });
  }
  const low = FORECAST_QUANTILES[0];
  const high = FORECAST_QUANTILES[FORECAST_QUANTILES.length - 1]!;
  if (sorted.length < 2 || sorted[0]! > low + EPS || sorted[sorted.length - 1]! < high - EPS) {
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `${where}: quantile levels [${levels.join(', ')}] do not cover ${low}–${high}`,
      {
        hint: `Fleetcast forecasts the quantiles ${FORECAST_QUANTILES.join(', ')} and interpolates, never extrapolates`,
      },
    );
  }
}

/** The `level` quantile of `values` (sorted in place), linear between order statistics (torch, numpy). */
export function empiricalQuantile(values: number[], level: number): number {
  values.sort((a, b) => a - b);
  const position = level * (values.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, values.length - 1);
  const lower = values[below]!;
  return lower + (position - below) * (values[above]! - lower);
}

/** Index of the level nearest 0.5 (the first on a tie, as torch.argmin): the path the median mode feeds back. */
export function centralIndex(levels: readonly number[]): number {
  let best = 0;
  levels.forEach((level, i) => {
    if (Math.abs(level - 0.5) < Math.abs(levels[best]! - 0.5)) best = i;
  });
  return best;
}

/**
 * From the model's quantiles (`byLevel[q][h]` at ascending `levels`) to a Forecast at
 * FORECAST_QUANTILES: per step, the values are sorted, then read at each target level (exactly when
 * the model has it, else linearly between its two neighbours). The mean is the 0.5 quantile.
 */
export function toForecast(levels: readonly number[], byLevel: readonly (readonly number[])[]): Forecast {
  const horizon = byLevel[0]?.length ?? 0;
  const quantiles = FORECAST_QUANTILES.map(() => new Array<number>(horizon));
  for (let h = 0; h < horizon; h++) {
    const values = byLevel.map((row) => row[h]!).sort((a, b) => a - b);
    FORECAST_QUANTILES.forEach((target, j) => {
      let upper = levels.findIndex((level) => level >= target - EPS);
      if (upper < 0) upper = levels.length - 1; // unreachable once checkQuantileLevels passed
      const level = levels[upper]!;
      if (Math.abs(level - target) < EPS || upper === 0) {
        quantiles[j]![h] = values[upper]!;
        return;
      }
      const lowerLevel = levels[upper - 1]!;
      const weight = (target - lowerLevel) / (level - lowerLevel);
      quantiles[j]![h] = values[upper - 1]! + weight * (values[upper]! - values[upper - 1]!);
    });
  }
  const median = FORECAST_QUANTILES.indexOf(0.5);
  return { mean: [...quantiles[median]!], quantiles };
}
