/**
 * The GRU forecaster (issue 4): a 2-layer GRU of 64 units by default, trained with Adam,
 * reduce-on-plateau and early stopping on a validation split — the chronologically last 20% of the
 * series it is given, so inside a backtest fold the fold's test window is never seen — to predict
 * one step ahead what a line and a seasonal profile fitted on the training split leave of the scaled
 * series (features.ts); multi-step forecasts are recursive (recursive.ts).
 *
 * Intervals come from validation residual quantiles per horizon step: the trained network forecasts
 * recursively from up to 64 origins inside the validation split (weights never trained on it), and
 * the empirical 0.1…0.9 quantiles of the errors at step h, in the series' units, are added to the
 * point forecast at step h. Beyond the last step with at least 8 residuals the offsets grow with √h.
 *
 * Scaling uses the mean and standard deviation of the training split only. Weights are rounded to
 * float32 after training (before the residuals are computed) and saved as base64, so a reloaded
 * model forecasts exactly what the fitted one did. Documented fallbacks to seasonal naive (saved as
 * such, with `fallbackFrom: "gru"`): a constant training split, a series too short for 4 training
 * windows and 1 validation window, or a training run that diverges.
 */
import { FleetcastError } from '../../../core/errors.js';
import { SeasonalNaive } from '../naive.js';
import { empiricalQuantile } from '../random.js';
import {
  type FitOptions,
  FORECAST_QUANTILES,
  type Forecast,
  type Forecaster,
  type ForecasterParams,
} from '../types.js';
import { checkHorizon, checkSeason, checkSeries, finiteArray, finiteNumber, notFitted } from '../validate.js';
import {
  type Baseline,
  baselineAt,
  buildWindows,
  type FeatureSpec,
  fitBaseline,
  inputCount,
  REACH,
} from './features.js';
import { GruNetwork } from './network.js';
import { recursiveForecast } from './recursive.js';
import { type TrainResult, trainGru } from './train.js';

export interface GruOptions {
  hidden?: number;
  layers?: number;
  /** Steps per training window (targets), including the burn-in. */
  window?: number;
  burnIn?: number;
  /** Steps between training window starts. */
  stride?: number;
  epochs?: number;
  /** Early-stopping patience in epochs. */
  patience?: number;
  batchSize?: number;
  learningRate?: number;
  validationFraction?: number;
  /** The most recent training windows kept (bounds the cost per epoch on long series). */
  maxWindows?: number;
  seed?: number;
}

const DEFAULTS: Required<GruOptions> = {
  hidden: 64,
  layers: 2,
  window: 24,
  burnIn: 8,
  stride: 4,
  epochs: 60,
  patience: 8,
  batchSize: 32,
  learningRate: 1e-3,
  validationFraction: 0.2,
  maxWindows: 256,
  seed: 1,
};

const MAX_ORIGINS = 64;
const MIN_RESIDUALS = 8;

interface GruState {
  season: number;
  window: number;
  burnIn: number;
  hidden: number;
  layers: number;
  mean: number;
  std: number;
  /** Line and seasonal profile (scaled units) the network's output is added to. */
  baseline: Baseline;
  /** The last window + 1 raw values, and the index of the first of them in the training series. */
  tail: number[];
  tailStart: number;
  /** residuals[j][h]: FORECAST_QUANTILES[j] quantile of the validation error at step h + 1. */
  residuals: number[][];
  /** float32 weights, little-endian, base64. */
  weights: string;
  training: { epochs: number; bestEpoch: number; windows: number; validationWindows: number; validationLoss: number };
}

export class GruForecaster implements Forecaster {
  readonly name = 'gru';
  private state: GruState | undefined;
  private network: GruNetwork | undefined;
  private fallback: SeasonalNaive | undefined;
  /** Why the last fit fell back to seasonal naive, if it did. */
  fallbackReason: string | undefined;
  /** Loss curves of the last fit. */
  training: TrainResult | undefined;

  constructor(private readonly options: GruOptions = {}) {}

  fit(series: readonly number[], options: FitOptions = {}): void {
    checkSeries(series, 'GRU');
    const season = checkSeason(options.season);
    const o = { ...DEFAULTS, ...this.options };
    this.state = undefined;
    this.network = undefined;
    this.fallback = undefined;
    this.fallbackReason = undefined;
    this.training = undefined;
    const n = series.length;
    const spec: FeatureSpec = { season, window: o.window, burnIn: Math.min(o.burnIn, o.window - 1) };
    const span = o.window + REACH;
    const validationStart = n - Math.max(Math.ceil(n * o.validationFraction), span);
    const training = series.slice(0, Math.max(validationStart, 0));
    const mean = training.reduce((a, b) => a + b, 0) / Math.max(training.length, 1);
    const std = Math.sqrt(training.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(training.length, 1));
    if (validationStart - span < 3 * o.stride) {
      this.fallBack(series, season, `${n} points are too few for 4 training windows of ${span} and a validation split`);
      return;
    }
    if (!(std > 0) || !Number.isFinite(std)) {
      this.fallBack(series, season, 'constant training split');
      return;
    }
    const z = series.map((v) => (v - mean) / std);
    const baseline = fitBaseline(z, season, validationStart);
    const d = z.map((v, t) => v - baselineAt(baseline, t));
    const whole = options.segments ?? [{ start: 0, end: n }];
    const train = buildWindows(d, spec, whole, 0, validationStart, o.stride, o.maxWindows);
    const validation = buildWindows(d, spec, whole, validationStart, n, o.stride, Number.POSITIVE_INFINITY);
    if (train.count < 4 || validation.count < 1) {
      this.fallBack(series, season, 'gaps leave too few training or validation windows');
      return;
    }
    const network = GruNetwork.initialised(
      { inputs: inputCount(season), hidden: o.hidden, layers: o.layers, outputs: 1 },
      o.seed,
    );
    this.training = trainGru(network, train, validation, {
      epochs: o.epochs,
      patience: o.patience,
      batchSize: o.batchSize,
      learningRate: o.learningRate,
      clipNorm: 1,
      seed: o.seed,
    });
    // float32 from here on: what is saved is exactly what forecasts.
    network.params.set(new Float32Array(network.params));
    const residuals = validationResiduals(network, d, season, o.window, validationStart, std);
    if (!residuals || !network.params.every(Number.isFinite)) {
      this.fallBack(series, season, 'training diverged');
      return;
    }
    const lead = o.window + REACH;
    this.network = network;
    this.state = {
      season,
      window: o.window,
      burnIn: spec.burnIn,
      hidden: o.hidden,
      layers: o.layers,
      mean,
      std,
      baseline,
      tail: series.slice(n - lead),
      tailStart: n - lead,
      residuals,
      weights: Buffer.from(new Float32Array(network.params).buffer).toString('base64'),
      training: {
        epochs: this.training.epochs,
        bestEpoch: this.training.bestEpoch,
        windows: train.count,
        validationWindows: validation.count,
        validationLoss: this.training.validationLoss[this.training.bestEpoch - 1] ?? Number.NaN,
      },
    };
    const check = this.forecast(1);
    if (![...check.mean, ...check.quantiles.flat()].every(Number.isFinite)) {
      this.fallBack(series, season, 'training diverged');
    }
  }

  private fallBack(series: readonly number[], season: number, reason: string): void {
    const naive = new SeasonalNaive();
    naive.fit(series, { season });
    this.state = undefined;
    this.network = undefined;
    this.fallback = naive;
    this.fallbackReason = reason;
  }

  forecast(horizon: number): Forecast {
    checkHorizon(horizon);
    if (this.fallback) return this.fallback.forecast(horizon);
    const state = this.state;
    const network = this.network;
    if (!state || !network) throw notFitted('GRU');
    const { baseline, tailStart } = state;
    const tail = state.tail.map((v, i) => (v - state.mean) / state.std - baselineAt(baseline, tailStart + i));
    const phase = tailStart % state.season;
    const scaled = recursiveForecast(network, [{ tail, phase }], state.window, horizon, state.season);
    const next = tailStart + state.tail.length;
    const mean = Array.from(scaled, (v, h) => (v + baselineAt(baseline, next + h)) * state.std + state.mean);
    const steps = state.residuals[0]!.length;
    const quantiles = state.residuals.map((offsets) =>
      mean.map((value, h) => value + (h < steps ? offsets[h]! : offsets[steps - 1]! * Math.sqrt((h + 1) / steps))),
    );
    return { mean, quantiles };
  }

  toJSON(): ForecasterParams {
    if (this.fallback) return { ...this.fallback.toJSON(), fallbackFrom: 'gru', reason: this.fallbackReason };
    if (!this.state) throw notFitted('GRU');
    return { model: 'gru', ...this.state };
  }

  static fromJSON(params: ForecasterParams): GruForecaster {
    const model = new GruForecaster();
    const integer = (key: string): number => {
      const value = finiteNumber(params[key], key);
      if (!Number.isInteger(value) || value < 1) throw damaged(`${key} is not a positive integer`);
      return value;
    };
    const season = integer('season');
    const window = integer('window');
    const hidden = integer('hidden');
    const layers = integer('layers');
    const tail = finiteArray(params.tail, 'tail');
    if (tail.length !== window + REACH) throw damaged('tail does not hold window + 1 values');
    const raw = (params.baseline ?? {}) as Record<string, unknown>;
    const baseline: Baseline = {
      intercept: finiteNumber(raw.intercept, 'baseline.intercept'),
      slope: finiteNumber(raw.slope, 'baseline.slope'),
      profile: finiteArray(raw.profile, 'baseline.profile'),
    };
    if (baseline.profile.length !== Math.max(season, 1)) throw damaged('profile does not hold one value per phase');
    const residuals = Array.isArray(params.residuals)
      ? params.residuals.map((r, j) => finiteArray(r, `residuals[${j}]`))
      : [];
    if (
      residuals.length !== FORECAST_QUANTILES.length ||
      residuals.some((r) => r.length !== residuals[0]!.length || r.length === 0)
    ) {
      throw damaged('residual quantiles are not one non-empty row per quantile');
    }
    if (typeof params.weights !== 'string') throw damaged('weights are missing');
    const bytes = Buffer.from(params.weights, 'base64');
    if (bytes.byteLength % 4 !== 0) throw damaged('weights are not a whole number of float32 values');
    const weights = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const network = new GruNetwork(
      { inputs: inputCount(season), hidden, layers, outputs: 1 },
      Float64Array.from(weights),
    );
    const training = (params.training ?? {}) as GruState['training'];
    model.network = network;
    model.state = {
      season,
      window,
      burnIn: finiteNumber(params.burnIn, 'burnIn'),
      hidden,
      layers,
      mean: finiteNumber(params.mean, 'mean'),
      std: finiteNumber(params.std, 'std'),
      baseline,
      tail,
      tailStart: finiteNumber(params.tailStart, 'tailStart'),
      residuals,
      weights: params.weights,
      training,
    };
    return model;
  }
}

function damaged(what: string): FleetcastError {
  return new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `GRU: saved parameters: ${what}`, {
    hint: 'the saved parameters are damaged; fit and save the model again',
  });
}

/**
 * Quantiles of recursive-forecast errors from origins inside the validation split, per step ahead,
 * in the series' units; undefined when a forecast is not finite.
 */
function validationResiduals(
  network: GruNetwork,
  d: readonly number[],
  season: number,
  window: number,
  validationStart: number,
  std: number,
): number[][] | undefined {
  const n = d.length;
  const lead = window + REACH;
  const first = Math.max(validationStart, lead);
  const available = n - first;
  const count = Math.min(MAX_ORIGINS, available);
  // Evenly spaced origins, the last one at n − 1 (one step to score).
  const origins = Array.from({ length: count }, (_, i) =>
    count === 1 ? n - 1 : Math.round(first + ((n - 1 - first) * i) / (count - 1)),
  );
  const horizon = Math.max(1, Math.min(available, Math.max(2 * season, 48)));
  const forecasts = recursiveForecast(
    network,
    origins.map((o) => ({ tail: d.slice(o - lead, o), phase: (o - lead) % season })),
    window,
    horizon,
    season,
  );
  const perStep: number[][] = Array.from({ length: horizon }, () => []);
  for (const [b, o] of origins.entries()) {
    for (let h = 0; h < horizon && o + h < n; h++) {
      const predicted = forecasts[b * horizon + h]!;
      if (!Number.isFinite(predicted)) return undefined;
      // The profile is the same on both sides, so the error of d is the error of z.
      perStep[h]!.push((d[o + h]! - predicted) * std);
    }
  }
  let steps = perStep.findIndex((r) => r.length < MIN_RESIDUALS);
  if (steps < 0) steps = horizon;
  steps = Math.max(steps, 1);
  return FORECAST_QUANTILES.map((q) =>
    perStep.slice(0, steps).map((residuals) => {
      const sorted = residuals.slice().sort((a, b) => a - b);
      return empiricalQuantile(sorted, q);
    }),
  );
}
