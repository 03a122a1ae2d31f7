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
  /**
   * Gap-free runs [start, end) of the series (from `regularize` in src/models/data): forecasters that
   * train on windows (the GRU) place them inside one run; the others read the gap-filled values.
   */
  segments?: ReadonlyArray<{ start: number; end: number }>;
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

/** One series of a fleet, for forecasters that fit many series at once (partial pooling). */
export interface FleetSeries {
  id: string;
  /** Series of one group (an archetype, a service) share strength; default: one group for all. */
  group?: string;
  values: readonly number[];
}

/** Fits every series of a fleet at once; returns each series' fitted forecaster by id. */
export type FleetFitter = (fleet: readonly FleetSeries[], options: FitOptions) => Map<string, Forecaster>;
