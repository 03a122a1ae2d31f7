/**
 * `auto`: picks the best forecaster for one series by an inner rolling-origin backtest on the data
 * it is given to fit, then refits the winner on all of it. Inside an outer backtest fold that data is
 * the fold's training part only, so the evaluated window never influences the choice. Ranking is by
 * mean MAE over the inner folds (all candidates are scored on the same windows of the same series,
 * so MAE and MASE rank alike). When the training part is too short for even one inner fold, `auto`
 * uses ETS, whose own fallbacks handle short series.
 */
import { FleetcastError } from '../../core/errors.js';
import { createForecaster } from '../forecast/registry.js';
import type { FitOptions, Forecast, Forecaster, ForecasterParams } from '../forecast/types.js';
import { mae } from '../metrics/index.js';
import { minimumTraining, rollingFolds } from './folds.js';

/**
 * What `auto` chooses among unless told otherwise: the GRU is left out because one fit costs seconds
 * to minutes (name it in the candidates to include it), and the fleet model `pooled` because `auto`
 * chooses per series while pooling needs the fleet.
 */
export const DEFAULT_AUTO_CANDIDATES = ['naive', 'ets', 'gp'];

export interface AutoOptions {
  /** Forecaster names to choose from. */
  candidates: string[];
  /** Steps ahead the choice is made for (the backtest horizon). */
  horizon: number;
  /** Inner folds (fewer when the data is short; at least one). */
  innerFolds?: number;
}

export class AutoForecaster implements Forecaster {
  readonly name = 'auto';
  private chosen: Forecaster | undefined;
  /** Mean inner MAE per candidate at the last fit. */
  innerScores: Record<string, number> = {};

  constructor(private readonly options: AutoOptions) {
    if (options.candidates.length === 0 || options.candidates.includes('auto')) {
      throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', 'auto needs candidate forecasters other than itself', {
        hint: 'e.g. candidates naive, ets',
      });
    }
    // Fail now, not folds into a long backtest.
    for (const name of options.candidates) createForecaster(name);
  }

  /** Name of the forecaster chosen at the last fit. */
  get selected(): string | undefined {
    return this.chosen?.name;
  }

  fit(series: readonly number[], options: FitOptions = {}): void {
    const season = options.season ?? 1;
    const horizon = this.options.horizon;
    const possible = Math.floor((series.length - minimumTraining(season)) / horizon);
    const folds = Math.min(this.options.innerFolds ?? 3, possible);
    this.innerScores = {};
    let best = this.options.candidates.includes('ets') ? 'ets' : this.options.candidates[0]!;
    if (folds >= 1) {
      let bestScore = Number.POSITIVE_INFINITY;
      for (const name of this.options.candidates) {
        let total = 0;
        for (const fold of rollingFolds(series.length, horizon, folds)) {
          const model = createForecaster(name);
          model.fit(series.slice(0, fold.origin), options);
          total += mae(series.slice(fold.origin, fold.end), model.forecast(horizon).mean);
        }
        const score = total / folds;
        this.innerScores[name] = score;
        if (score < bestScore) {
          bestScore = score;
          best = name;
        }
      }
    }
    const chosen = createForecaster(best);
    chosen.fit(series, options);
    this.chosen = chosen;
  }

  forecast(horizon: number): Forecast {
    if (!this.chosen) {
      throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', 'auto: forecast called before fit', {
        hint: 'fit the forecaster first',
      });
    }
    return this.chosen.forecast(horizon);
  }

  /** Saves as the chosen forecaster, so loading needs no backtest code. */
  toJSON(): ForecasterParams {
    if (!this.chosen) {
      throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', 'auto: nothing fitted to save', {
        hint: 'fit the forecaster first',
      });
    }
    return { ...this.chosen.toJSON(), selectedBy: 'auto' };
  }
}
