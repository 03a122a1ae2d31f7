/**
 * ETS / Holt–Winters with automatic model selection by AICc over error A|M, trend N|A|Ad (M|Md on
 * request) and season N|A|M. Documented fallbacks, so that fitting never yields a NaN forecast:
 * - a constant series gives a flat forecast with zero-width intervals (ETS(A,N,N), σ = 0);
 * - a series shorter than two seasons is fitted without a season;
 * - a series too short for any ETS model (fewer than 5 points) is forecast by seasonal naive.
 */
import { FleetcastError } from '../../core/errors.js';
import { type FittedEts, type SelectionOptions, selectEts } from './ets-fit.js';
import {
  type EtsSmoothing,
  type EtsSpec,
  type EtsState,
  forecastWithIntervals,
  type SeasonType,
  specName,
  type TrendType,
} from './ets-model.js';
import { SeasonalNaive } from './naive.js';
import type { FitOptions, Forecast, Forecaster, ForecasterParams } from './types.js';
import { checkHorizon, checkSeason, checkSeries, finiteArray, finiteNumber, notFitted } from './validate.js';

export interface EtsOptions extends SelectionOptions {
  /** Fit this model only, e.g. "AAdA" or "MNM" (error, trend, season). */
  spec?: string;
  /** Seed of the sample paths used for intervals of non-linear models. */
  seed?: number;
  /** Number of sample paths for simulated intervals. */
  paths?: number;
}

const SPEC_PATTERN = /^([AM])(N|A|Ad|M|Md)([NAM])$/;

export function parseSpec(text: string): EtsSpec {
  const match = SPEC_PATTERN.exec(text);
  if (!match) {
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `ETS model "${text}" is not of the form error-trend-season`,
      {
        hint: 'use e.g. ANN, AAN, AAdA, MAM, MNM (error A|M, trend N|A|Ad|M|Md, season N|A|M)',
      },
    );
  }
  return { error: match[1] as EtsSpec['error'], trend: match[2] as TrendType, season: match[3] as SeasonType };
}

export const formatSpec = (spec: EtsSpec): string => `${spec.error}${spec.trend}${spec.season}`;

interface EtsFit extends FittedEts {
  season: number;
  /** Why a simpler model than asked for was used, if one was. */
  note?: string;
}

export class Ets implements Forecaster {
  readonly name = 'ets';
  private fitted: EtsFit | undefined;
  private fallback: SeasonalNaive | undefined;
  /** AICc of every candidate of the last fit (for reports). */
  candidates: { model: string; aicc: number }[] = [];

  constructor(private readonly options: EtsOptions = {}) {}

  /** The selected model, e.g. "ETS(A,Ad,A)", or "naive" when the series was too short. */
  get selected(): string | undefined {
    if (this.fallback) return 'naive';
    return this.fitted ? specName(this.fitted.spec) : undefined;
  }

  get smoothing(): EtsSmoothing | undefined {
    return this.fitted?.smoothing;
  }

  fit(series: readonly number[], options: FitOptions = {}): void {
    checkSeries(series, 'ETS');
    const m = checkSeason(options.season);
    this.fitted = undefined;
    this.fallback = undefined;
    this.candidates = [];
    const first = series[0]!;
    if (series.every((v) => v === first)) {
      this.fitted = constantFit(first, m);
      return;
    }
    const only = this.options.spec ? [parseSpec(this.options.spec)] : this.options.only;
    const selection = selectEts(series, m, { ...this.options, ...(only ? { only } : {}) });
    if (!selection) {
      if (only) {
        throw new FleetcastError(
          'FLEETCAST_INVALID_ARGUMENT',
          `${only.map(specName).join(', ')} cannot be fitted to ${series.length} points with season ${m}`,
          { hint: 'use a longer series, a shorter season, or let ETS choose its model' },
        );
      }
      const naive = new SeasonalNaive();
      naive.fit(series, { season: m });
      this.fallback = naive;
      return;
    }
    this.candidates = selection.table.map((row) => ({ model: specName(row.model), aicc: row.aicc }));
    const note =
      m > 1 && selection.best.spec.season === 'N' && series.length < 2 * m
        ? 'shorter than two seasons: fitted without a season'
        : undefined;
    this.fitted = { ...selection.best, season: m, ...(note ? { note } : {}) };
  }

  forecast(horizon: number): Forecast {
    checkHorizon(horizon);
    if (this.fallback) return this.fallback.forecast(horizon);
    const f = this.fitted;
    if (!f) throw notFitted('ETS');
    return forecastWithIntervals(f.spec, f.smoothing, f.state, f.nextPhase, f.sigma, horizon, {
      seed: this.options.seed ?? 1,
      paths: this.options.paths ?? 1000,
    });
  }

  toJSON(): ForecasterParams {
    // The fallback saves as what it is, so loading it needs no ETS code path.
    if (this.fallback) return { ...this.fallback.toJSON(), fallbackFrom: 'ets' };
    const f = this.fitted;
    if (!f) throw notFitted('ETS');
    return {
      model: 'ets',
      spec: formatSpec(f.spec),
      season: f.season,
      ...f.smoothing,
      level: f.state.level,
      trend: f.state.trend,
      seasonal: f.state.seasonal,
      nextPhase: f.nextPhase,
      sigma: f.sigma,
      aicc: f.aicc,
      parameters: f.parameters,
      seed: this.options.seed ?? 1,
      paths: this.options.paths ?? 1000,
      ...(f.note ? { note: f.note } : {}),
    };
  }

  static fromJSON(params: ForecasterParams): Ets {
    const spec = parseSpec(String(params.spec));
    const model = new Ets({ seed: finiteNumber(params.seed, 'seed'), paths: finiteNumber(params.paths, 'paths') });
    const state: EtsState = {
      level: finiteNumber(params.level, 'level'),
      trend: finiteNumber(params.trend, 'trend'),
      seasonal: finiteArray(params.seasonal, 'seasonal'),
    };
    const nextPhase = finiteNumber(params.nextPhase, 'nextPhase');
    if (state.seasonal.length === 0 || nextPhase < 0 || nextPhase >= state.seasonal.length) {
      throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', 'ETS: saved seasonal state is inconsistent', {
        hint: 'the saved parameters are damaged; fit and save the model again',
      });
    }
    model.fitted = {
      spec,
      season: finiteNumber(params.season, 'season'),
      smoothing: {
        alpha: finiteNumber(params.alpha, 'alpha'),
        beta: finiteNumber(params.beta, 'beta'),
        gamma: finiteNumber(params.gamma, 'gamma'),
        phi: finiteNumber(params.phi, 'phi'),
      },
      state,
      nextPhase,
      sigma: finiteNumber(params.sigma, 'sigma'),
      aicc: finiteNumber(params.aicc, 'aicc'),
      parameters: finiteNumber(params.parameters, 'parameters'),
    };
    return model;
  }
}

function constantFit(value: number, season: number): EtsFit {
  return {
    spec: { error: 'A', trend: 'N', season: 'N' },
    smoothing: { alpha: 1e-4, beta: 0, gamma: 0, phi: 1 },
    state: { level: value, trend: 0, seasonal: [0] },
    nextPhase: 0,
    sigma: 0,
    // No likelihood exists for a perfect fit; 0 keeps the saved parameters finite.
    aicc: 0,
    parameters: 2,
    season,
    note: 'constant series: flat forecast',
  };
}
