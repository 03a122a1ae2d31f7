/**
 * The one forecaster interface (issue 4): fit on a series with an optional season, forecast H steps
 * as point forecasts plus the quantiles 0.1…0.9, and round-trip through plain JSON parameters so a
 * fitted model can be saved as a `forecaster` artifact and rebuilt in another process.
 */
import { QUANTILE_LEVELS } from '../metrics/index.js';

export const FORECAST_QUANTILES = QUANTILE_LEVELS;

export interface FitOptions {
  /** Season length in steps (24 for hourly data with a daily cycle); 1 or absent: no season. */
  season?: number;
}

export interface Forecast {
  /** Point forecasts, one per step ahead. */
  mean: number[];
  /** `quantiles[j][h]` is the FORECAST_QUANTILES[j] quantile at step h + 1. */
  quantiles: number[][];
}

/** JSON parameters of a fitted forecaster; `model` names the implementation that reads them back. */
export interface ForecasterParams {
  model: string;
  [key: string]: unknown;
}

export interface Forecaster {
  /** Short name used on the command line and in artifacts (`naive`, `ets`, …). */
  readonly name: string;
  fit(series: readonly number[], options?: FitOptions): void;
  forecast(horizon: number): Forecast;
  toJSON(): ForecasterParams;
}
