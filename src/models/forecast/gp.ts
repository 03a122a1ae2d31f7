/**
 * Gaussian-process forecaster: GP regression on the time index over a recent window, with a periodic
 * kernel for the season, a smooth (RBF) kernel for short-lived departures, a linear kernel for trend
 * and white noise (see gp-kernel.ts). Hyperparameters maximise the marginal likelihood (Nelder–Mead
 * on their logarithms, within bounds that keep K well conditioned). Intervals are the GP predictive
 * distribution (latent variance plus noise), Gaussian, so they widen as the smooth part decays and
 * the trend's uncertainty grows, times a calibration factor (≥ 1) measured on held-out blocks of the
 * window (gp-predict.ts); the interval tests check their coverage on simulated data.
 *
 * The window (default: four seasons, at least 96 and at most 192 steps) bounds the O(w³) cost and
 * lets the model follow a season that drifts. Documented fallbacks: a constant window gives a flat
 * forecast with zero-width intervals; fewer than 5 points are forecast by seasonal naive.
 */
import { FleetcastError } from '../../core/errors.js';
import { type GpHyper, marginal } from './gp-kernel.js';
import { calibrate, type Posterior, predict } from './gp-predict.js';
import { SeasonalNaive } from './naive.js';
import { nelderMead } from './nelder-mead.js';
import { normalQuantile } from './random.js';
import { type FitOptions, FORECAST_QUANTILES, type Forecast, type Forecaster, type ForecasterParams } from './types.js';
import { checkHorizon, checkSeason, checkSeries, finiteArray, finiteNumber, notFitted } from './validate.js';

export interface GpOptions {
  /** Most recent steps the GP is fitted on (default: 4 seasons within [96, 192]). */
  window?: number;
}

interface GpState {
  season: number;
  /** Raw values of the window, oldest first. */
  window: number[];
  offset: number;
  scale: number;
  hyper: GpHyper;
  /** Factor on the predictive standard deviation, from held-out blocks of the window (see calibrate). */
  calibration: number;
}

const HYPER_KEYS = [
  'periodicAmplitude',
  'periodicLength',
  'smoothAmplitude',
  'smoothLength',
  'linearAmplitude',
  'noise',
] as const satisfies readonly (keyof GpHyper)[];

/** Bounds in standardised units: wide enough for real series, narrow enough to keep K invertible. */
const BOUNDS: Record<keyof GpHyper, [number, number]> = {
  periodicAmplitude: [1e-3, 10],
  periodicLength: [0.05, 20],
  smoothAmplitude: [1e-3, 10],
  smoothLength: [0.5, 1000],
  linearAmplitude: [1e-3, 50],
  noise: [1e-3, 3],
};

const START: GpHyper = {
  periodicAmplitude: 1,
  periodicLength: 1,
  smoothAmplitude: 0.5,
  smoothLength: 3,
  linearAmplitude: 1,
  noise: 0.3,
};

export class GaussianProcess implements Forecaster {
  readonly name = 'gp';
  private state: GpState | undefined;
  private fallback: SeasonalNaive | undefined;
  private posterior: Posterior | undefined;

  constructor(private readonly options: GpOptions = {}) {}

  get hyperparameters(): GpHyper | undefined {
    return this.state?.hyper;
  }

  fit(series: readonly number[], options: FitOptions = {}): void {
    checkSeries(series, 'GP');
    const season = checkSeason(options.season);
    this.state = undefined;
    this.fallback = undefined;
    this.posterior = undefined;
    const size = this.options.window ?? Math.min(Math.max(4 * season, 96), 192);
    const window = series.slice(Math.max(0, series.length - size));
    if (window.length < 5) {
      const naive = new SeasonalNaive();
      naive.fit(series, { season });
      this.fallback = naive;
      return;
    }
    const offset = window.reduce((a, b) => a + b, 0) / window.length;
    const scale = Math.sqrt(window.reduce((a, b) => a + (b - offset) ** 2, 0) / window.length);
    if (scale === 0) {
      this.setState({ season, window, offset, scale, hyper: START, calibration: 1 });
      return;
    }
    const z = window.map((v) => (v - offset) / scale);
    const keys = HYPER_KEYS.filter((key) => season > 1 || !key.startsWith('periodic'));
    const decode = (theta: readonly number[]): GpHyper | undefined => {
      const hyper = { ...START };
      for (const [i, key] of keys.entries()) {
        const value = Math.exp(theta[i]!);
        const [low, high] = BOUNDS[key];
        if (!(value >= low && value <= high)) return undefined;
        hyper[key] = value;
      }
      return hyper;
    };
    const objective = (theta: readonly number[]): number => {
      const hyper = decode(theta);
      return (hyper && marginal(hyper, season, z)?.nll) ?? Number.POSITIVE_INFINITY;
    };
    const start = keys.map((key) => Math.log(START[key]));
    const best = nelderMead(objective, start, { step: 1, maxIterations: 40 * keys.length, tolerance: 1e-5 });
    const hyper = decode(best.x);
    if (!hyper || !Number.isFinite(best.value)) {
      throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', 'GP: no hyperparameters give a valid covariance', {
        hint: 'the series may be numerically degenerate; try ETS or seasonal naive',
      });
    }
    this.setState({ season, window, offset, scale, hyper, calibration: calibrate(hyper, season, z) });
  }

  /** Fitting and loading both end here, so a reloaded model forecasts with identical arithmetic. */
  private setState(state: GpState): void {
    this.state = state;
    if (state.scale === 0) return;
    const z = state.window.map((v) => (v - state.offset) / state.scale);
    const result = marginal(state.hyper, state.season, z);
    if (!result) {
      throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', 'GP: saved hyperparameters give a singular covariance', {
        hint: 'the saved parameters are damaged; fit and save the model again',
      });
    }
    this.posterior = { factor: result.factor, alpha: result.alpha, length: z.length };
  }

  forecast(horizon: number): Forecast {
    checkHorizon(horizon);
    if (this.fallback) return this.fallback.forecast(horizon);
    const state = this.state;
    if (!state) throw notFitted('GP');
    const mean: number[] = [];
    const sd: number[] = [];
    const predicted = this.posterior ? predict(this.posterior, state.hyper, state.season, horizon) : undefined;
    for (let h = 0; h < horizon; h++) {
      mean.push(state.offset + state.scale * (predicted?.mean[h] ?? 0));
      sd.push(state.calibration * state.scale * Math.sqrt(predicted?.variance[h] ?? 0));
    }
    const quantiles = FORECAST_QUANTILES.map((q) => {
      const z = normalQuantile(q);
      return mean.map((value, h) => value + z * sd[h]!);
    });
    return { mean, quantiles };
  }

  toJSON(): ForecasterParams {
    if (this.fallback) return { ...this.fallback.toJSON(), fallbackFrom: 'gp' };
    if (!this.state) throw notFitted('GP');
    return { model: 'gp', ...this.state };
  }

  static fromJSON(params: ForecasterParams): GaussianProcess {
    const model = new GaussianProcess();
    const raw = (params.hyper ?? {}) as Record<string, unknown>;
    const hyper = { ...START };
    for (const key of HYPER_KEYS) hyper[key] = finiteNumber(raw[key], `hyper.${key}`);
    model.setState({
      season: finiteNumber(params.season, 'season'),
      window: finiteArray(params.window, 'window'),
      offset: finiteNumber(params.offset, 'offset'),
      scale: finiteNumber(params.scale, 'scale'),
      hyper,
      calibration: finiteNumber(params.calibration, 'calibration'),
    });
    return model;
  }
}
