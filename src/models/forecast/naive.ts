/**
 * Seasonal naive, the baseline every score is relative to (facts §3): the forecast for step h repeats
 * the value one season earlier. Intervals come from the in-sample seasonal residuals y_t − y_{t−m}:
 * their empirical quantiles, scaled by √k where k is the number of seasons ahead (a random walk over
 * seasons adds one residual's variance per season).
 */
import { FleetcastError } from '../../core/errors.js';
import { empiricalQuantile } from './random.js';
import { type FitOptions, FORECAST_QUANTILES, type Forecast, type Forecaster, type ForecasterParams } from './types.js';
import { checkHorizon, checkSeason, checkSeries, finiteArray, finiteNumber, notFitted } from './validate.js';

interface NaiveState {
  season: number;
  /** The last `season` observations. */
  last: number[];
  /** Residual quantiles at FORECAST_QUANTILES (one season ahead). */
  residualQuantiles: number[];
}

export class SeasonalNaive implements Forecaster {
  readonly name = 'naive';
  private state: NaiveState | undefined;

  fit(series: readonly number[], options: FitOptions = {}): void {
    checkSeries(series, 'seasonal naive');
    // Too short for one full season plus a residual: fall back to the plain (non-seasonal) naive.
    const requested = checkSeason(options.season);
    const season = series.length > requested ? requested : 1;
    const residuals: number[] = [];
    for (let t = season; t < series.length; t++) residuals.push(series[t]! - series[t - season]!);
    residuals.sort((a, b) => a - b);
    this.state = {
      season,
      last: series.slice(Math.max(0, series.length - season)),
      // A single observation gives no residual: the honest interval is then the point itself.
      residualQuantiles: FORECAST_QUANTILES.map((q) => (residuals.length > 0 ? empiricalQuantile(residuals, q) : 0)),
    };
  }

  forecast(horizon: number): Forecast {
    checkHorizon(horizon);
    const state = this.state;
    if (!state) throw notFitted('seasonal naive');
    const mean: number[] = [];
    const quantiles: number[][] = FORECAST_QUANTILES.map(() => []);
    for (let h = 1; h <= horizon; h++) {
      const point = state.last[(h - 1) % state.season]!;
      mean.push(point);
      const scale = Math.sqrt(Math.ceil(h / state.season));
      for (const [j, r] of state.residualQuantiles.entries()) quantiles[j]!.push(point + r * scale);
    }
    return { mean, quantiles };
  }

  toJSON(): ForecasterParams {
    if (!this.state) throw notFitted('seasonal naive');
    return { model: 'naive', ...this.state };
  }

  static fromJSON(params: ForecasterParams): SeasonalNaive {
    const model = new SeasonalNaive();
    const last = finiteArray(params.last, 'last');
    const season = finiteNumber(params.season, 'season');
    if (last.length !== season || !Number.isInteger(season) || season < 1) {
      throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', 'naive: saved parameters hold no full season', {
        hint: 'the saved parameters are damaged; fit and save the model again',
      });
    }
    model.state = {
      season,
      last,
      residualQuantiles: finiteArray(params.residualQuantiles, 'residualQuantiles'),
    };
    return model;
  }
}
