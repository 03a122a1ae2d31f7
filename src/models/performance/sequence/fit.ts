/**
 * Fits the GRU sequence performance model, one network per service, and scores it the way the
 * original study did: scaled RMSE (min–max units, pooled over the three targets) on the test
 * windows, beside the same score of "repeat the last poll".
 *
 * The original setup (kube-performance-predictor, `kpp/predictor/main.py` and `pipeline.py` of its
 * GRU version): window 5; inputs users, response time, throughput, CPU; targets the next poll's
 * response time, throughput and CPU; a 2-layer GRU of 64 units with a linear head on the last step;
 * MSE loss, Adam 1e-3, batch 32, 100 epochs, ReduceLROnPlateau (factor 0.5, patience 10, min 1e-6).
 * Departures, each to stop test data steering the model: the scaler is fitted on training polls,
 * the epoch is chosen on a validation split carved from the training polls where the original
 * chose it on the test windows, and no window spans the pause between levels. Early stopping (10
 * epochs without a 1 % lower validation loss) bounds the time, and the plateau patience drops to 5
 * so that the learning rate halves before it stops: on kpp the run costs a third of 100 epochs for
 * the same score (0.0873 against 0.0866 after 100). Not reproduced: the original's dropout of 0.1
 * between the GRU layers (the fused kernel has none).
 *
 * Deterministic: each service's initial weights and batch order come from `seed` and its name.
 */
import { FleetcastError } from '../../../core/errors.js';
import type { LoadStepRow } from '../../data/types.js';
import { GruNetwork } from '../../forecast/gru/network.js';
import { trainGru } from '../../forecast/gru/train.js';
import { encodeWeights, PERFORMANCE_GRU_KIND, PerformanceGruModel, type ServiceGruParams } from './model.js';
import { INPUT_COUNT, ROLE, type ServiceSeries, type SplitOptions, serviceSeries, TARGET_COUNT } from './series.js';
import { buildWindows, fitMinMax, type SequenceWindows } from './windows.js';

export interface PerformanceGruOptions {
  window?: number;
  hidden?: number;
  layers?: number;
  /** Most epochs per service. */
  epochs?: number;
  /** Early stopping: epochs without a better validation loss before a service stops. */
  patience?: number;
  /** Relative validation-loss decrease that counts as better for early stopping. */
  minImprovement?: number;
  /** Epochs without a better validation loss before the learning rate halves. */
  plateauPatience?: number;
  batchSize?: number;
  learningRate?: number;
  /** Target: the mean of the next k polls (1: the next poll, as the original). */
  targetPolls?: number;
  seed?: number;
  bucketSeconds?: number;
  split?: SplitOptions;
  /** After every epoch of every service (progress reporting). */
  onEpoch?: (service: string, epoch: number, validationLoss: number | undefined) => void;
  /** After each service, with the epochs it ran (early stopping may end it before `epochs`). */
  onService?: (service: string, epochs: number) => void;
}

export const ORIGINAL_SETUP = {
  window: 5,
  hidden: 64,
  layers: 2,
  epochs: 100,
  patience: 10,
  minImprovement: 1e-2,
  plateauPatience: 5,
  batchSize: 32,
  learningRate: 1e-3,
  targetPolls: 1,
  seed: 1,
  bucketSeconds: 60,
} as const;

/** Fewer training windows than this and a service is skipped (and says why). */
export const MIN_TRAIN_WINDOWS = 8;

interface TargetTriple {
  response_time: number;
  throughput: number;
  cpu: number;
}

export interface GruServiceScores {
  scaled_rmse: number;
  baseline_scaled_rmse: number;
  scaled_rmse_by_target: TargetTriple;
  baseline_scaled_rmse_by_target: TargetTriple;
  train_windows: number;
  validation_windows: number;
  test_windows: number;
  epochs: number;
  best_epoch: number;
}

export interface GruScores {
  services: Record<string, GruServiceScores>;
  mean: { scaled_rmse: number; baseline_scaled_rmse: number };
  /** Services left out, with the reason (too few polls for a window, no test window, …). */
  skipped: Record<string, string>;
}

export interface PerformanceGruResult {
  model: PerformanceGruModel;
  scores: GruScores;
}

/** FNV-1a of the service name mixed with the run seed: a service's seed does not depend on the others. */
export function serviceSeed(seed: number, service: string): number {
  let hash = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < service.length; i++) hash = Math.imul(hash ^ service.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** Root mean squared error pooled over all targets, and per target. */
function rmse(predicted: ArrayLike<number>, truth: ArrayLike<number>): { pooled: number; byTarget: TargetTriple } {
  const sums = new Array<number>(TARGET_COUNT).fill(0);
  const count = truth.length / TARGET_COUNT;
  for (let i = 0; i < truth.length; i++)
    sums[i % TARGET_COUNT] = sums[i % TARGET_COUNT]! + (predicted[i]! - truth[i]!) ** 2;
  const pooled = Math.sqrt(sums.reduce((a, b) => a + b, 0) / truth.length);
  const [rt, tp, cpu] = sums.map((s) => Math.sqrt(s / count));
  return { pooled, byTarget: { response_time: rt!, throughput: tp!, cpu: cpu! } };
}

/** Why a service cannot be fitted and scored, or undefined. */
function shortfall(
  train: SequenceWindows,
  test: SequenceWindows,
  series: ServiceSeries,
  o: GruSetup,
): string | undefined {
  const span = `${o.window} + ${o.targetPolls} polls`;
  if (train.count < MIN_TRAIN_WINDOWS) {
    return `${series.length} polls give ${train.count} training windows of ${span} (at least ${MIN_TRAIN_WINDOWS} needed)`;
  }
  if (test.count === 0) return `${series.length} polls give no test window of ${span}`;
  return undefined;
}

/** Options without the callbacks: what a queue task receives. */
export type GruSetup = Required<Omit<PerformanceGruOptions, 'onEpoch' | 'onService' | 'split'>>;

export function resolveSetup(options: PerformanceGruOptions): GruSetup {
  const setup: Record<string, unknown> = { ...ORIGINAL_SETUP };
  for (const key of Object.keys(ORIGINAL_SETUP) as Array<keyof GruSetup>) {
    if (options[key] !== undefined) setup[key] = options[key];
  }
  return setup as GruSetup;
}

/** One service's fitted network and scores, or why it was skipped. */
export type ServiceFit = { params: ServiceGruParams; scores: GruServiceScores } | { skipped: string };

/** Fits and scores the network of one service. */
export function fitServiceGru(
  series: ServiceSeries,
  o: GruSetup,
  onEpoch?: (epoch: number, validationLoss: number | undefined) => void,
): ServiceFit {
  const spec = { window: o.window, targetPolls: o.targetPolls };
  const scaler = fitMinMax(series);
  const train = buildWindows(series, scaler, ROLE.train, spec);
  const validation = buildWindows(series, scaler, ROLE.validation, spec);
  const test = buildWindows(series, scaler, ROLE.test, spec);
  const reason = shortfall(train, test, series, o);
  if (reason) return { skipped: reason };
  const seed = serviceSeed(o.seed, series.service);
  const network = GruNetwork.initialised(
    { inputs: INPUT_COUNT, hidden: o.hidden, layers: o.layers, outputs: TARGET_COUNT },
    seed,
  );
  const training = trainGru(network, train, validation.count > 0 ? validation : undefined, {
    epochs: o.epochs,
    patience: o.patience,
    minImprovement: o.minImprovement,
    batchSize: o.batchSize,
    learningRate: o.learningRate,
    plateauPatience: o.plateauPatience,
    plateauFactor: 0.5,
    minLearningRate: 1e-6,
    seed,
    ...(onEpoch ? { onEpoch: (epoch: number, _loss: number, v: number | undefined) => onEpoch(epoch, v) } : {}),
  });
  // float32 from here on: what is saved is exactly what is scored.
  network.params.set(new Float32Array(network.params));
  if (!network.params.every(Number.isFinite)) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `service ${series.service}: GRU training diverged`, {
      hint: 'try another --seed or fewer --epochs; check the data for extreme values',
    });
  }
  const predicted = network.forward(reorder(test), test.steps, test.count, 1);
  const model = rmse(predicted, test.y);
  const baseline = rmse(test.lastValue, test.y);
  return {
    params: { service: series.service, min: scaler.min, max: scaler.max, weights: encodeWeights(network.params) },
    scores: {
      scaled_rmse: model.pooled,
      baseline_scaled_rmse: baseline.pooled,
      scaled_rmse_by_target: model.byTarget,
      baseline_scaled_rmse_by_target: baseline.byTarget,
      train_windows: train.count,
      validation_windows: validation.count,
      test_windows: test.count,
      epochs: training.epochs,
      best_epoch: training.bestEpoch,
    },
  };
}

/** The model and scores from every service's fit (in service order); an error when none was fitted. */
export function assembleGru(fits: ReadonlyArray<[string, ServiceFit]>, o: GruSetup): PerformanceGruResult {
  const services: ServiceGruParams[] = [];
  const scores: GruScores = {
    services: {},
    mean: { scaled_rmse: Number.NaN, baseline_scaled_rmse: Number.NaN },
    skipped: {},
  };
  for (const [service, fit] of fits) {
    if ('skipped' in fit) {
      scores.skipped[service] = fit.skipped;
      continue;
    }
    services.push(fit.params);
    scores.services[service] = fit.scores;
  }
  if (services.length === 0) {
    const why = Object.entries(scores.skipped).map(([s, r]) => `${s}: ${r}`);
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `no service has enough polls for the GRU (${why.join('; ')})`,
      {
        hint: `each service needs, per user level, runs of at least ${o.window + o.targetPolls} polls without a gap`,
        details: { skipped: scores.skipped },
      },
    );
  }
  const scored = Object.values(scores.services);
  const mean = (pick: (s: GruServiceScores) => number): number =>
    scored.reduce((a, s) => a + pick(s), 0) / scored.length;
  scores.mean = { scaled_rmse: mean((s) => s.scaled_rmse), baseline_scaled_rmse: mean((s) => s.baseline_scaled_rmse) };
  const model = new PerformanceGruModel({
    kind: PERFORMANCE_GRU_KIND,
    window: o.window,
    targetPolls: o.targetPolls,
    hidden: o.hidden,
    layers: o.layers,
    bucketSeconds: o.bucketSeconds,
    services,
  });
  return { model, scores };
}

/** Fits every service in this thread, one after the other. */
export function fitPerformanceGru(
  rows: readonly LoadStepRow[],
  options: PerformanceGruOptions = {},
): PerformanceGruResult {
  const o = resolveSetup(options);
  const all = serviceSeries(rows, {
    bucketSeconds: o.bucketSeconds,
    ...(options.split ? { split: options.split } : {}),
  });
  const fits = all.map((series): [string, ServiceFit] => {
    const onEpoch = options.onEpoch;
    const fit = fitServiceGru(series, o, onEpoch ? (epoch, v) => onEpoch(series.service, epoch, v) : undefined);
    options.onService?.(series.service, 'skipped' in fit ? 0 : fit.scores.epochs);
    return [series.service, fit];
  });
  return assembleGru(fits, o);
}

/** Sample-major windows ([count × steps × inputs]) → the time-major batch the network reads. */
function reorder(set: SequenceWindows): Float64Array {
  const { count: B, steps: T } = set;
  const x = new Float64Array(T * B * INPUT_COUNT);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      for (let j = 0; j < INPUT_COUNT; j++) x[(t * B + b) * INPUT_COUNT + j] = set.x[(b * T + t) * INPUT_COUNT + j]!;
    }
  }
  return x;
}
