/**
 * The `gru-train` benchmark of issue 4: training epochs per second for the original GRU setup — a
 * per-service sequence model with windows of 5 polls of 4 inputs (users, response time, throughput,
 * CPU; scaled) predicting the next poll's 3 measurements, 2 GRU layers of 64, Adam 1e-3, batch 32, on
 * 2,000 training windows, plus the validation pass over 400 windows that early stopping needs each
 * epoch. The goal is under 1 s per epoch (PyTorch: ~0.36 s; tfjs pure-JS ~23 s, wasm ~2.8 s).
 *
 * The reference side is the same network trained by the straightforward implementation
 * (reference.ts: one sequence and one gate at a time), measured in the same run; it runs an eighth of
 * an epoch per repetition and counts it as such, so both sides report epochs per second.
 */
import { availableParallelism } from 'node:os';
import type { Benchmark, BenchSide } from '../../../core/bench/harness.js';
import { createNormal, createRandom } from '../random.js';
import { GruNetwork, type GruShape } from './network.js';
import { Adam } from './optimizer.js';
import { ParallelGradients, sharedParams } from './parallel.js';
import { referenceLossAndGradient } from './reference.js';
import { BatchAssembler, evaluateLoss, runEpoch, type WindowSet } from './train.js';

export const GRU_BENCH_SHAPE: GruShape = { inputs: 4, hidden: 64, layers: 2, outputs: 3 };
const WINDOW = 5;
const BATCH = 32;

/**
 * A load-step run of one service, scaled: users step up every 30 polls; response time, throughput
 * and CPU follow the closed-loop laws with multiplicative noise. Returns `count` windows.
 */
export function benchWindows(count: number, seed = 1): WindowSet {
  const polls = count + WINDOW;
  const uniform = createRandom(seed);
  const normal = createNormal(uniform);
  const rows: number[][] = [];
  for (let t = 0; t < polls; t++) {
    const users = 60 + Math.floor(t / 30) * 5;
    const responseTime = 0.05 * (1 + users / 400) * Math.exp(0.08 * normal());
    const throughput = (users / (responseTime + 1)) * Math.exp(0.03 * normal());
    const cpu = 0.02 + 0.004 * throughput * Math.exp(0.1 * normal());
    rows.push([users / 100, responseTime * 10, throughput / 50, cpu * 2]);
  }
  const I = GRU_BENCH_SHAPE.inputs;
  const O = GRU_BENCH_SHAPE.outputs;
  const x = new Float64Array(count * WINDOW * I);
  const y = new Float64Array(count * O);
  for (let w = 0; w < count; w++) {
    for (let t = 0; t < WINDOW; t++) for (let i = 0; i < I; i++) x[(w * WINDOW + t) * I + i] = rows[w + t]![i]!;
    for (let o = 0; o < O; o++) y[w * O + o] = rows[w + WINDOW]![o + 1]!;
  }
  return { x, y, count, steps: WINDOW, lossSteps: 1 };
}

/** The fused kernel on `threads` threads sharing each mini-batch (parallel.ts). */
function fusedSide(train: WindowSet, validation: WindowSet, threads = 1): BenchSide {
  return {
    label: threads > 1 ? `fused batched kernel, ${threads} threads` : 'fused batched kernel',
    open: async () => {
      const initial = GruNetwork.initialised(GRU_BENCH_SHAPE, 1);
      const network = threads > 1 ? new GruNetwork(GRU_BENCH_SHAPE, sharedParams(initial.params)) : initial;
      const parallel = threads > 1 ? new ParallelGradients(network, train, threads - 1, BATCH) : undefined;
      const optimizer = new Adam(network.params.length);
      const assembler = new BatchAssembler(GRU_BENCH_SHAPE.inputs, GRU_BENCH_SHAPE.outputs);
      const order = Array.from({ length: train.count }, (_, i) => i);
      return {
        iteration: async () => {
          runEpoch(network, optimizer, train, order, BATCH, assembler, parallel);
          evaluateLoss(network, validation);
          return 1;
        },
        close: async () => {
          await parallel?.close();
        },
      };
    },
  };
}

function referenceSide(train: WindowSet, validation: WindowSet, fraction: number): BenchSide {
  return {
    label: 'unfused per-sequence GRU',
    open: async () => {
      const network = GruNetwork.initialised(GRU_BENCH_SHAPE, 1);
      const optimizer = new Adam(network.params.length);
      const assembler = new BatchAssembler(GRU_BENCH_SHAPE.inputs, GRU_BENCH_SHAPE.outputs);
      const order = Array.from({ length: train.count }, (_, i) => i);
      const batches = Math.max(1, Math.round((fraction * train.count) / BATCH));
      return {
        iteration: async () => {
          for (let k = 0; k < batches; k++) {
            const from = k * BATCH;
            const B = assembler.gather(train, order, from, Math.min(from + BATCH, train.count));
            const { grads } = referenceLossAndGradient(network, assembler.x, assembler.y, WINDOW, B, 1);
            optimizer.step(network.params, grads);
          }
          // The validation pass at the same fraction (the reference computes loss with gradients).
          const validationBatches = Math.max(1, Math.round((fraction * validation.count) / BATCH));
          for (let k = 0; k < validationBatches; k++) {
            const from = k * BATCH;
            const B = assembler.gather(validation, order, from, Math.min(from + BATCH, validation.count));
            referenceLossAndGradient(network, assembler.x, assembler.y, WINDOW, B, 1);
          }
          return (batches * BATCH) / train.count;
        },
        close: async () => {},
      };
    },
  };
}

/** `scale` multiplies the windows per epoch (2,000 training + 400 validation at scale 1). */
export function gruBenchmarks(scale = 1): Benchmark[] {
  const count = Math.max(BATCH, Math.round(2000 * scale));
  const all = benchWindows(count + Math.round(count / 5));
  const split = (from: number, to: number): WindowSet => ({
    x: all.x.subarray(from * WINDOW * GRU_BENCH_SHAPE.inputs, to * WINDOW * GRU_BENCH_SHAPE.inputs),
    y: all.y.subarray(from * GRU_BENCH_SHAPE.outputs, to * GRU_BENCH_SHAPE.outputs),
    count: to - from,
    steps: WINDOW,
    lossSteps: 1,
  });
  const train = split(0, count);
  const validation = split(count, all.count);
  return [
    {
      name: 'gru-train',
      description:
        'GRU 2×64 training epochs/s, original setup: 2,000 windows of 5×4, batch 32, + validation (goal > 1 epoch/s, i.e. < 1 s/epoch; reference: unfused per-sequence GRU)',
      unit: 'epochs/s',
      reference: referenceSide(train, validation, 1 / 8),
      subject: fusedSide(train, validation),
    },
    {
      name: 'gru-train-parallel',
      description: `the same epochs with each mini-batch shared by ${Math.max(2, availableParallelism())} threads (reference: the fused kernel on 1 thread)`,
      unit: 'epochs/s',
      reference: fusedSide(train, validation),
      subject: fusedSide(train, validation, Math.max(2, availableParallelism())),
    },
  ];
}
