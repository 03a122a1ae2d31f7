/**
 * Forecaster hyperparameters as a search space's parameters, and the backtest loss of one set.
 *
 * Parameter names (all optional; absent ones take the forecaster's defaults):
 *   model       naive | ets | gp (default ets)
 *   season      season length in steps (default: the spec's backtest season)
 *   history     fit on at most the last N points of each fold's training part (default: all)
 *   ets_error   A | M | auto,  ets_trend   N | A | Ad | M | Md | auto,  ets_season   N | A | M | auto
 *               (auto, the default, lets ETS choose that component by AICc)
 *   ets_multiplicative_trend   true lets auto consider M and Md trends
 *   gp_window   steps the GP is fitted on (default 4 seasons within [96, 192])
 * Parameters of a model other than the one chosen are ignored (a categorical `model` makes the
 * space conditional in effect).
 */
import type { PlainParams } from '../../contracts/index.js';
import { FleetcastError } from '../../core/errors.js';
import {
  Ets,
  type EtsSpec,
  type Forecaster,
  GaussianProcess,
  METRICS,
  type MetricName,
  rollingFolds,
  SeasonalNaive,
  type SeriesInput,
  scoreForecast,
} from '../../models/index.js';

export const FORECASTER_PARAMS = [
  'model',
  'season',
  'history',
  'ets_error',
  'ets_trend',
  'ets_season',
  'ets_multiplicative_trend',
  'gp_window',
] as const;

/** Metrics a tuning loss can be: lower is better for all of them (coverage is not one). */
export const LOSS_METRICS = METRICS.filter((m): m is Exclude<MetricName, 'coverage80'> => m !== 'coverage80');
export type LossMetric = (typeof LOSS_METRICS)[number];

export interface ForecasterChoice {
  forecaster: Forecaster;
  season: number;
  history?: number;
}

function invalid(message: string, hint: string): FleetcastError {
  return new FleetcastError('FLEETCAST_INVALID_ARGUMENT', message, { hint });
}

function positiveInt(params: PlainParams, name: string): number | undefined {
  const v = params[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    throw invalid(`${name} must be a positive integer, got ${String(v)}`, `e.g. ${name}: 24`);
  return v;
}

function component<T extends string>(params: PlainParams, name: string, allowed: readonly T[]): T[] {
  const v = params[name] ?? 'auto';
  if (v === 'auto') return [...allowed];
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw invalid(`${name} must be one of ${[...allowed, 'auto'].join(', ')}, got ${String(v)}`, 'fix the space');
  }
  return [v as T];
}

/** ETS models allowed by the ets_* parameters, or undefined when all are auto (AICc chooses). */
function etsCandidates(params: PlainParams): EtsSpec[] | undefined {
  if ([params.ets_error, params.ets_trend, params.ets_season].every((v) => v === undefined || v === 'auto'))
    return undefined;
  const errors = component(params, 'ets_error', ['A', 'M'] as const);
  const trends = component(params, 'ets_trend', ['N', 'A', 'Ad', 'M', 'Md'] as const);
  const seasons = component(params, 'ets_season', ['N', 'A', 'M'] as const);
  const out: EtsSpec[] = [];
  for (const error of errors) {
    for (const trend of trends) {
      for (const season of seasons) {
        // Additive errors with multiplicative parts are numerically unstable (as ETS's own selection).
        if (error === 'A' && (season === 'M' || trend === 'M' || trend === 'Md')) continue;
        if (params.ets_trend === undefined || params.ets_trend === 'auto') {
          if ((trend === 'M' || trend === 'Md') && params.ets_multiplicative_trend !== true) continue;
        }
        out.push({ error, trend, season });
      }
    }
  }
  if (out.length === 0)
    throw invalid('the ets_* parameters leave no admissible ETS model', 'additive errors exclude M parts');
  return out;
}

/** The forecaster a parameter set describes (fresh, unfitted). */
export function forecasterFromParams(params: PlainParams, defaultSeason: number): ForecasterChoice {
  for (const name of Object.keys(params)) {
    if (!(FORECASTER_PARAMS as readonly string[]).includes(name)) {
      throw invalid(`"${name}" is not a forecaster hyperparameter`, `use ${FORECASTER_PARAMS.join(', ')}`);
    }
  }
  const season = positiveInt(params, 'season') ?? defaultSeason;
  const history = positiveInt(params, 'history');
  const model = params.model ?? 'ets';
  let forecaster: Forecaster;
  if (model === 'naive') forecaster = new SeasonalNaive();
  else if (model === 'gp') {
    const window = positiveInt(params, 'gp_window');
    forecaster = new GaussianProcess(window === undefined ? {} : { window });
  } else if (model === 'ets') {
    const only = etsCandidates(params);
    forecaster = new Ets({
      ...(only === undefined ? {} : { only }),
      ...(params.ets_multiplicative_trend === true ? { allowMultiplicativeTrend: true } : {}),
    });
  } else throw invalid(`model must be naive, ets or gp, got ${String(model)}`, 'fix the space');
  return { forecaster, season, ...(history === undefined ? {} : { history }) };
}

export interface BacktestLossOptions {
  horizon: number;
  folds: number;
  /** Season when the parameters name none. */
  season: number;
  metric: LossMetric;
}

export interface BacktestLoss {
  /** Mean over series of the fold-averaged metric. */
  loss: number;
  /** Per series: the fold-averaged metric. */
  series: Record<string, number>;
}

/**
 * Rolling-origin backtest of one parameter set: per series and fold, fit on the data before the
 * origin only, forecast `horizon` steps, score. Series too short for the folds are an error (the
 * loss would otherwise be over different series for different trials).
 */
export function backtestLoss(
  input: readonly SeriesInput[],
  params: PlainParams,
  options: BacktestLossOptions,
): BacktestLoss {
  const perSeries: Record<string, number> = {};
  for (const s of input) {
    const values: number[] = [];
    for (const fold of rollingFolds(s.values.length, options.horizon, options.folds)) {
      const choice = forecasterFromParams(params, options.season);
      const start = choice.history === undefined ? 0 : Math.max(0, fold.origin - choice.history);
      const history = s.values.slice(start, fold.origin);
      choice.forecaster.fit(history, { season: choice.season });
      const forecast = choice.forecaster.forecast(options.horizon);
      const score = scoreForecast(s.values.slice(fold.origin, fold.end), forecast, history, choice.season)[
        options.metric
      ];
      if (score !== null && Number.isFinite(score)) values.push(score);
    }
    if (values.length === 0) {
      throw invalid(
        `series "${s.id}": ${options.metric} is undefined on every fold`,
        'choose another metric (mae, rmse)',
      );
    }
    perSeries[s.id] = values.reduce((a, b) => a + b, 0) / values.length;
  }
  const all = Object.values(perSeries);
  return { loss: all.reduce((a, b) => a + b, 0) / all.length, series: perSeries };
}
