/**
 * Training a `GruNetwork` on windows: shuffled mini-batches (seeded), Adam, reduce-on-plateau on the
 * monitored loss, and early stopping with the best weights restored. The monitored loss is the
 * validation loss when a validation set is given — a split the caller takes from the training data
 * (chronologically last windows), never from the data a model is finally scored on.
 */
import { FleetcastError } from '../../../core/errors.js';
import { createRandom } from '../random.js';
import { GruNetwork } from './network.js';
import { Adam, ReduceOnPlateau } from './optimizer.js';
import { ParallelGradients, sharedParams } from './parallel.js';

/** Windows in sample-major order: x is [count × steps × inputs], y is [count × lossSteps × outputs]. */
export interface WindowSet {
  x: Float64Array;
  y: Float64Array;
  count: number;
  steps: number;
  lossSteps: number;
}

export interface TrainOptions {
  /** Most epochs (default 100). */
  epochs?: number;
  /**
   * Threads sharing each mini-batch (default 1: this thread only). Results are deterministic for a
   * given count but differ from one thread's in the last bits (the order of the gradient sums).
   */
  threads?: number;
  batchSize?: number;
  learningRate?: number;
  /** Early stopping: epochs without a better monitored loss before stopping (default 10). */
  patience?: number;
  /**
   * Relative decrease of the monitored loss that resets the early-stopping count (default 0: any).
   * The best weights are still those of the lowest loss; this only stops a slow creep from running
   * the full epochs for gains far below the noise of the loss.
   */
  minImprovement?: number;
  plateauPatience?: number;
  plateauFactor?: number;
  minLearningRate?: number;
  clipNorm?: number;
  seed?: number;
  /** Stop after this much wall time (ms), keeping the best weights so far. */
  timeBudgetMs?: number;
  onEpoch?: (epoch: number, trainLoss: number, validationLoss: number | undefined) => void;
}

export interface TrainResult {
  epochs: number;
  bestEpoch: number;
  trainLoss: number[];
  validationLoss: number[];
  learningRateReductions: number[];
  stoppedEarly: boolean;
}

/** Copies the windows `order[from … to)` into time-major batch buffers ([T × B × I] and [L × B × O]). */
export class BatchAssembler {
  x = new Float64Array(0);
  y = new Float64Array(0);

  constructor(
    private readonly inputs: number,
    private readonly outputs: number,
  ) {}

  gather(set: WindowSet, order: ArrayLike<number>, from: number, to: number): number {
    const B = to - from;
    const { steps: T, lossSteps: L } = set;
    const I = this.inputs;
    const O = this.outputs;
    if (this.x.length < T * B * I) this.x = new Float64Array(T * B * I);
    if (this.y.length < L * B * O) this.y = new Float64Array(L * B * O);
    for (let b = 0; b < B; b++) {
      const w = order[from + b]!;
      for (let t = 0; t < T; t++) {
        const source = (w * T + t) * I;
        const target = (t * B + b) * I;
        for (let i = 0; i < I; i++) this.x[target + i] = set.x[source + i]!;
      }
      for (let s = 0; s < L; s++) {
        const source = (w * L + s) * O;
        const target = (s * B + b) * O;
        for (let o = 0; o < O; o++) this.y[target + o] = set.y[source + o]!;
      }
    }
    return B;
  }
}

/** One pass over `order` in mini-batches; returns the mean training loss (weighted by batch size). */
export function runEpoch(
  network: GruNetwork,
  optimizer: Adam,
  set: WindowSet,
  order: ArrayLike<number>,
  batchSize: number,
  assembler: BatchAssembler,
  parallel?: ParallelGradients,
): number {
  let total = 0;
  const share = (from: number, to: number): number => {
    const B = assembler.gather(set, order, from, to);
    return network.lossAndGradient(assembler.x, assembler.y, set.steps, B, set.lossSteps);
  };
  for (let from = 0; from < order.length; from += batchSize) {
    const to = Math.min(from + batchSize, order.length);
    total += (parallel ? parallel.batch(order, from, to, share) : share(from, to)) * (to - from);
    optimizer.step(network.params, network.grads);
  }
  return total / order.length;
}

/** Mean squared error of the network over a window set (forward only, large batches). */
export function evaluateLoss(network: GruNetwork, set: WindowSet, batchSize = 256): number {
  const assembler = new BatchAssembler(network.shape.inputs, network.shape.outputs);
  const order = Array.from({ length: set.count }, (_, i) => i);
  let total = 0;
  let count = 0;
  for (let from = 0; from < set.count; from += batchSize) {
    const to = Math.min(from + batchSize, set.count);
    const B = assembler.gather(set, order, from, to);
    const predicted = network.forward(assembler.x, set.steps, B, set.lossSteps);
    for (let i = 0; i < predicted.length; i++) total += (predicted[i]! - assembler.y[i]!) ** 2;
    count += predicted.length;
  }
  return total / count;
}

export function trainGru(
  target: GruNetwork,
  train: WindowSet,
  validation: WindowSet | undefined,
  options: TrainOptions = {},
): TrainResult {
  const threads = Math.max(1, Math.floor(options.threads ?? 1));
  // Several threads read the parameters from shared memory; the result is copied back at the end.
  const network = threads > 1 ? new GruNetwork(target.shape, sharedParams(target.params)) : target;
  if (train.count === 0) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', 'GRU: no training windows', {
      hint: 'the series is shorter than one window; use a shorter window or a longer series',
    });
  }
  const epochs = options.epochs ?? 100;
  const batchSize = options.batchSize ?? 32;
  const patience = options.patience ?? 10;
  const optimizer = new Adam(network.params.length, {
    learningRate: options.learningRate ?? 1e-3,
    ...(options.clipNorm !== undefined ? { clipNorm: options.clipNorm } : {}),
  });
  const plateau = new ReduceOnPlateau(optimizer, {
    ...(options.plateauPatience !== undefined ? { patience: options.plateauPatience } : {}),
    ...(options.plateauFactor !== undefined ? { factor: options.plateauFactor } : {}),
    ...(options.minLearningRate !== undefined ? { minLearningRate: options.minLearningRate } : {}),
  });
  const uniform = createRandom(options.seed ?? 1);
  const order = Array.from({ length: train.count }, (_, i) => i);
  const assembler = new BatchAssembler(network.shape.inputs, network.shape.outputs);
  const parallel = threads > 1 ? new ParallelGradients(network, train, threads - 1, batchSize) : undefined;
  try {
    const best = network.params.slice();
    let bestLoss = Number.POSITIVE_INFINITY;
    let bestEpoch = 0;
    const minImprovement = options.minImprovement ?? 0;
    let markLoss = Number.POSITIVE_INFINITY;
    let markEpoch = 0;
    const trainLoss: number[] = [];
    const validationLoss: number[] = [];
    const started = performance.now();
    let stoppedEarly = false;
    for (let epoch = 1; epoch <= epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(uniform() * (i + 1));
        const swap = order[i]!;
        order[i] = order[j]!;
        order[j] = swap;
      }
      const loss = runEpoch(network, optimizer, train, order, batchSize, assembler, parallel);
      trainLoss.push(loss);
      const monitored = validation && validation.count > 0 ? evaluateLoss(network, validation) : loss;
      if (validation && validation.count > 0) validationLoss.push(monitored);
      options.onEpoch?.(epoch, loss, validation ? monitored : undefined);
      if (!Number.isFinite(monitored)) break;
      plateau.observe(monitored, epoch);
      if (monitored < bestLoss) {
        bestLoss = monitored;
        bestEpoch = epoch;
        best.set(network.params);
      }
      if (monitored < markLoss * (1 - minImprovement)) {
        markLoss = monitored;
        markEpoch = epoch;
      } else if (epoch - markEpoch >= patience) {
        stoppedEarly = true;
        break;
      }
      if (options.timeBudgetMs !== undefined && performance.now() - started > options.timeBudgetMs) break;
    }
    if (bestEpoch > 0) network.params.set(best);
    if (network !== target) target.params.set(network.params);
    return {
      epochs: trainLoss.length,
      bestEpoch,
      trainLoss,
      validationLoss,
      learningRateReductions: plateau.reductions,
      stoppedEarly,
    };
  } finally {
    void parallel?.close();
  }
}
