/**
 * The backtest: every model on every series over the same rolling-origin folds, scores per fold
 * averaged per series, and scores relative to seasonal naive summarised by a geometric mean over
 * series (facts §3). Seasonal naive always runs, because every relative score needs it.
 */
import { FleetcastError } from '../../core/errors.js';
import { createForecaster, fleetFitter, forecasterNames } from '../forecast/registry.js';
import type { FleetFitter, Forecast, Forecaster } from '../forecast/types.js';
import { geometricMean } from '../metrics/index.js';
import { AutoForecaster, DEFAULT_AUTO_CANDIDATES } from './auto.js';
import { checkBacktestShape, rollingFolds, shortfall } from './folds.js';
import { meanScores, type Scores, scoreForecast } from './score.js';

export interface SeriesInput {
  id: string;
  values: readonly number[];
  /** Group for fleet models (partial pooling shares strength within a group). */
  group?: string;
}

export interface BacktestOptions {
  horizon: number;
  folds: number;
  /** Season length in steps; 1 (default) for none. */
  season?: number;
  /** Forecaster names, `auto` included; `naive` is added when missing. */
  models: string[];
  /** What `auto` chooses from (default: naive, ets and gp — the GRU only when named, it is slow). */
  autoCandidates?: string[];
  innerFolds?: number;
  /** Receives every fold's forecast (e.g. to plot the last fold of each series). */
  onForecast?: (seriesId: string, model: string, fold: number, origin: number, forecast: Forecast) => void;
  /** Called after each fitted fold. */
  onProgress?: (done: number, total: number, detail: string) => void;
  /**
   * Forecasts made before the backtest by models that need no fit (zero-shot and asynchronous, like
   * Chronos-Bolt: see zeroShotForecasts), by model name, then series id, one per fold.
   */
  precomputed?: ReadonlyMap<string, ReadonlyMap<string, readonly Forecast[]>>;
}

export interface SeriesReport {
  id: string;
  length: number;
  /** Mean over folds of each metric, per model. */
  scores: Record<string, Scores>;
  /** Model's mean MASE and WQL divided by seasonal naive's on this series (null when undefined). */
  relative: Record<string, { mase: number | null; wql: number | null }>;
  /** The forecaster `auto` chose in each fold, when `auto` ran. */
  autoChoices?: string[];
}

export interface ModelSummary {
  model: string;
  /** Mean over series of the per-series scores. */
  mean: Scores;
  /** Geometric mean over series of the relative scores (facts §3). */
  relativeMase: number | null;
  relativeWql: number | null;
  /** Series that had a defined relative score. */
  relativeSeries: number;
}

export interface BacktestReport {
  horizon: number;
  folds: number;
  season: number;
  models: ModelSummary[];
  series: SeriesReport[];
  /** Series left out, with the reason. */
  skipped: { id: string; reason: string }[];
}

/** The models to run, naive first; `extra` names models whose forecasts come precomputed. */
export function resolveModels(models: readonly string[], extra: readonly string[] = []): string[] {
  const known = [...forecasterNames(), ...extra];
  const out = ['naive'];
  for (const name of models) {
    if (name !== 'auto' && !known.includes(name)) {
      throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `unknown model "${name}"`, {
        hint: `known models: auto, ${known.join(', ')}`,
      });
    }
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

export function runBacktest(input: readonly SeriesInput[], options: BacktestOptions): BacktestReport {
  const season = options.season ?? 1;
  const { horizon, folds } = options;
  checkBacktestShape(horizon, folds, season);
  const precomputed = options.precomputed ?? new Map<string, ReadonlyMap<string, readonly Forecast[]>>();
  const models = resolveModels(options.models, [...precomputed.keys()]);
  const skipped: BacktestReport['skipped'] = [];
  const usable: SeriesInput[] = [];
  for (const series of input) {
    const reason = unusable(series, horizon, folds, season);
    if (reason) skipped.push({ id: series.id, reason });
    else usable.push(series);
  }
  if (usable.length === 0) {
    const first = skipped[0];
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      first ? `no series can be backtested: series "${first.id}": ${first.reason}` : 'no series to backtest',
      { hint: 'use fewer folds, a shorter horizon or season, or a longer series', details: { skipped } },
    );
  }
  const candidates = options.autoCandidates ?? DEFAULT_AUTO_CANDIDATES;
  const make = (name: string): Forecaster =>
    name === 'auto'
      ? new AutoForecaster({ candidates, horizon, ...(options.innerFolds ? { innerFolds: options.innerFolds } : {}) })
      : createForecaster(name);

  const total = usable.length * models.length * folds;
  let done = 0;
  const progress = (detail: string) => options.onProgress?.(++done, total, detail);
  // Fleet models fit every series of a fold at once (fold k of each series, counted from its end).
  const fleetForecasts = new Map<string, ReadonlyMap<string, readonly Forecast[]>>();
  for (const name of models) {
    const given = precomputed.get(name);
    if (given) {
      for (const series of usable) {
        if (given.get(series.id)?.length !== folds) {
          throw new FleetcastError(
            'FLEETCAST_INVALID_ARGUMENT',
            `${name} has no forecast for each fold of ${series.id}`,
            {
              hint: 'compute the forecasts of zero-shot models with zeroShotForecasts on the same series and folds',
            },
          );
        }
        for (let k = 0; k < folds; k++) progress(`${series.id} ${name}`);
      }
      fleetForecasts.set(name, given);
      continue;
    }
    const fitter = fleetFitter(name);
    if (fitter) fleetForecasts.set(name, fitFleetFolds(fitter, usable, horizon, folds, season, progress));
  }
  const reports: SeriesReport[] = [];
  for (const series of usable) {
    const scores: Record<string, Scores> = {};
    const autoChoices: string[] = [];
    for (const name of models) {
      const perFold: Scores[] = [];
      const fleet = fleetForecasts.get(name)?.get(series.id);
      for (const [k, fold] of rollingFolds(series.values.length, horizon, folds).entries()) {
        // The model gets a copy of the training part only: it cannot read the test window.
        const history = series.values.slice(0, fold.origin);
        if (fleet) {
          options.onForecast?.(series.id, name, k, fold.origin, fleet[k]!);
          perFold.push(scoreForecast(series.values.slice(fold.origin, fold.end), fleet[k]!, history, season));
          continue;
        }
        const model = make(name);
        model.fit(history, { season });
        const forecast = model.forecast(horizon);
        options.onForecast?.(series.id, name, k, fold.origin, forecast);
        perFold.push(scoreForecast(series.values.slice(fold.origin, fold.end), forecast, history, season));
        if (model instanceof AutoForecaster && model.selected) autoChoices.push(model.selected);
        progress(`${series.id} ${name}`);
      }
      scores[name] = meanScores(perFold);
    }
    const relative: SeriesReport['relative'] = {};
    const naive = scores.naive!;
    for (const name of models) {
      relative[name] = { mase: ratio(scores[name]!.mase, naive.mase), wql: ratio(scores[name]!.wql, naive.wql) };
    }
    reports.push({
      id: series.id,
      length: series.values.length,
      scores,
      relative,
      ...(autoChoices.length > 0 ? { autoChoices } : {}),
    });
  }
  return { horizon, folds, season, models: models.map((name) => summarise(name, reports)), series: reports, skipped };
}

/**
 * Forecasts of a fleet model for every series and fold: fold k fits all series on their histories
 * before their k-th origin. Series that end together (one export of a fleet) are thus pooled on the
 * same past, and no fit sees any series' test window of that fold.
 */
function fitFleetFolds(
  fitter: FleetFitter,
  usable: readonly SeriesInput[],
  horizon: number,
  folds: number,
  season: number,
  progress: (detail: string) => void,
): Map<string, Forecast[]> {
  const out = new Map<string, Forecast[]>(usable.map((series) => [series.id, []]));
  for (let k = 0; k < folds; k++) {
    const histories = usable.map((series) => {
      const fold = rollingFolds(series.values.length, horizon, folds)[k]!;
      return {
        id: series.id,
        values: series.values.slice(0, fold.origin),
        ...(series.group !== undefined ? { group: series.group } : {}),
      };
    });
    const fitted = fitter(histories, { season });
    for (const series of usable) {
      out.get(series.id)!.push(fitted.get(series.id)!.forecast(horizon));
      progress(`fold ${k + 1} ${series.id}`);
    }
  }
  return out;
}

/** Why a series cannot be backtested (too short, not finite, constant), or undefined. */
export function unusable(series: SeriesInput, horizon: number, folds: number, season: number): string | undefined {
  const short = shortfall(series.values.length, horizon, folds, season);
  if (short) return short;
  const bad = series.values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) return `value ${series.values[bad]} at position ${bad} is not finite`;
  const first = series.values[0];
  if (series.values.every((v) => v === first)) {
    return 'constant series (every value equal): every model forecasts it exactly, so no score can rank them';
  }
  return undefined;
}

function ratio(value: number | null, baseline: number | null): number | null {
  if (value === null || baseline === null || !(baseline > 0)) return null;
  const r = value / baseline;
  return Number.isFinite(r) ? r : null;
}

function summarise(model: string, reports: SeriesReport[]): ModelSummary {
  const mean = meanScores(reports.map((r) => r.scores[model]!));
  // A relative score of 0 (a perfect model) has no logarithm; such series are left out and counted.
  const positive = (key: 'mase' | 'wql') =>
    reports.map((r) => r.relative[model]![key]).filter((v): v is number => v !== null && v > 0);
  const mase = positive('mase');
  const wql = positive('wql');
  return {
    model,
    mean,
    relativeMase: mase.length > 0 ? geometricMean(mase) : null,
    relativeWql: wql.length > 0 ? geometricMean(wql) : null,
    relativeSeries: mase.length,
  };
}
