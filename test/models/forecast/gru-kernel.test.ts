import { describe, expect, it } from 'vitest';
import { gemmNT } from '../../../src/models/forecast/gru/gemm.js';
import {
  Adam,
  evaluateLoss,
  GruNetwork,
  ReduceOnPlateau,
  referenceLossAndGradient,
  trainGru,
  type WindowSet,
} from '../../../src/models/forecast/gru/index.js';
import { createRandom } from '../../../src/models/forecast/random.js';

function randomArray(length: number, seed: number): Float64Array {
  const uniform = createRandom(seed);
  return Float64Array.from({ length }, () => 2 * uniform() - 1);
}

const shape = { inputs: 3, hidden: 5, layers: 2, outputs: 2 };

describe('GRU kernel', () => {
  it('multiplies A·Bᵀ like a triple loop for sizes that are not multiples of the block', () => {
    for (const [M, N, K] of [
      [7, 9, 5],
      [4, 4, 1],
      [1, 13, 3],
      [10, 6, 11],
    ] as const) {
      const A = randomArray(M * K + 2, 1);
      const B = randomArray(N * K + 3, 2);
      const bias = randomArray(N, 3);
      const C = randomArray(M * N, 4);
      const expected = C.map((c, idx) => {
        const i = Math.floor(idx / N);
        const j = idx % N;
        let s = 0;
        for (let k = 0; k < K; k++) s += A[2 + i * K + k]! * B[3 + j * K + k]!;
        return c + s + bias[j]!;
      });
      gemmNT(A, 2, B, 3, C, 0, M, N, K, true, bias, 0);
      for (let i = 0; i < C.length; i++) expect(C[i]).toBeCloseTo(expected[i]!, 12);
    }
  });

  it('the fused batched kernel computes the same loss and gradient as the unfused per-sequence GRU', () => {
    const network = GruNetwork.initialised(shape, 7);
    // Batch 5 and 6 steps: neither is a multiple of the 4×4 blocks, so edge paths run too.
    const [T, B, L] = [6, 5, 3];
    const x = randomArray(T * B * shape.inputs, 3);
    const y = randomArray(L * B * shape.outputs, 4);
    const loss = network.lossAndGradient(x, y, T, B, L);
    const reference = referenceLossAndGradient(network, x, y, T, B, L);
    expect(loss).toBeCloseTo(reference.loss, 14);
    let worst = 0;
    for (let i = 0; i < reference.grads.length; i++) {
      worst = Math.max(worst, Math.abs(reference.grads[i]! - network.grads[i]!));
    }
    expect(worst).toBeLessThan(1e-14);
  });

  it('has gradients that match central finite differences (normwise relative error < 1e-7)', () => {
    const network = GruNetwork.initialised(shape, 11);
    const [T, B, L] = [5, 3, 2];
    const x = randomArray(T * B * shape.inputs, 5);
    const y = randomArray(L * B * shape.outputs, 6);
    network.lossAndGradient(x, y, T, B, L);
    const analytic = network.grads.slice();
    let difference = 0;
    let sum = 0;
    const eps = 1e-5;
    for (let i = 0; i < network.params.length; i++) {
      const old = network.params[i]!;
      network.params[i] = old + eps;
      const plus = network.lossAndGradient(x, y, T, B, L);
      network.params[i] = old - eps;
      const minus = network.lossAndGradient(x, y, T, B, L);
      network.params[i] = old;
      const numeric = (plus - minus) / (2 * eps);
      difference += (numeric - analytic[i]!) ** 2;
      sum += (numeric + analytic[i]!) ** 2;
    }
    // Measured 1.1e-10 (central differences with ε = 1e-5 in float64).
    expect(Math.sqrt(difference) / Math.sqrt(sum)).toBeLessThan(1e-7);
  });

  it('steps one input at a time to the same outputs as the batched forward pass', () => {
    const network = GruNetwork.initialised({ inputs: 2, hidden: 6, layers: 2, outputs: 1 }, 3);
    const [T, B] = [7, 3];
    const x = randomArray(T * B * 2, 9);
    const batched = network.forward(x, T, B, T).slice();
    const stepper = network.stepper(B);
    for (let t = 0; t < T; t++) {
      const out = stepper.step(x, t * B * 2);
      for (let b = 0; b < B; b++) expect(out[b]).toBe(batched[t * B + b]);
    }
  });

  it('rejects a parameter vector of the wrong size and a batch that does not fit', () => {
    expect(() => new GruNetwork(shape, new Float64Array(3))).toThrow(/parameters given/);
    expect(() => new GruNetwork({ ...shape, hidden: 0 })).toThrow(/hidden 0/);
    const network = GruNetwork.initialised(shape, 1);
    expect(() => network.forward(new Float64Array(2), 4, 2)).toThrow(/batch shape/);
  });
});

/** y_t = 0.5·y_{t−1} + 0.5·x_t over 6 steps: a linear recurrence a GRU learns in a few epochs. */
function recurrence(count: number, seed: number): WindowSet {
  const T = 6;
  const uniform = createRandom(seed);
  const x = new Float64Array(count * T);
  const y = new Float64Array(count);
  for (let w = 0; w < count; w++) {
    let state = 0;
    for (let t = 0; t < T; t++) {
      const input = 2 * uniform() - 1;
      x[w * T + t] = input;
      state = 0.5 * state + 0.5 * input;
    }
    y[w] = state;
  }
  return { x, y, count, steps: T, lossSteps: 1 };
}

describe('GRU training', () => {
  it('learns a recurrence, keeps the best validation epoch and stops early', () => {
    const network = GruNetwork.initialised({ inputs: 1, hidden: 8, layers: 1, outputs: 1 }, 2);
    const train = recurrence(256, 1);
    const validation = recurrence(64, 2);
    const before = evaluateLoss(network, validation);
    const result = trainGru(network, train, validation, { epochs: 40, learningRate: 0.01, patience: 5, seed: 3 });
    const after = evaluateLoss(network, validation);
    expect(after).toBeLessThan(before / 10);
    // The weights kept are those of the best validation epoch.
    expect(after).toBeCloseTo(Math.min(...result.validationLoss), 12);
    expect(result.validationLoss).toHaveLength(result.epochs);
    expect(result.bestEpoch).toBeGreaterThan(0);
  });

  it('shares each mini-batch over threads: the same training up to rounding, deterministic', () => {
    const shape = { inputs: 1, hidden: 8, layers: 2, outputs: 1 };
    const train = recurrence(200, 1);
    const validation = recurrence(64, 2);
    const options = { epochs: 6, learningRate: 0.01, seed: 3 };
    const single = GruNetwork.initialised(shape, 2);
    const one = trainGru(single, train, validation, options);
    const runs = [1, 2].map(() => {
      const network = GruNetwork.initialised(shape, 2);
      return { network, result: trainGru(network, train, validation, { ...options, threads: 3 }) };
    });
    // Deterministic for a thread count: bit-identical weights.
    expect([...runs[0]!.network.params]).toEqual([...runs[1]!.network.params]);
    // The batch's mean gradient, only summed in another order: the same losses to ~1e-9.
    const threaded = runs[0]!.result;
    expect(threaded.epochs).toBe(one.epochs);
    for (const [i, loss] of threaded.trainLoss.entries()) expect(loss).toBeCloseTo(one.trainLoss[i]!, 8);
    for (let i = 0; i < single.params.length; i++) {
      expect(runs[0]!.network.params[i]).toBeCloseTo(single.params[i]!, 6);
    }
    // The caller's network holds the result in its own (unshared) memory.
    expect(runs[0]!.network.params.buffer).not.toBeInstanceOf(SharedArrayBuffer);
  });

  it('stops after `patience` epochs without a better validation loss', () => {
    const network = GruNetwork.initialised({ inputs: 1, hidden: 4, layers: 1, outputs: 1 }, 2);
    // Validation targets unrelated to training: validation stops improving almost at once.
    const noise = recurrence(64, 5);
    noise.y.set(randomArray(64, 6));
    const result = trainGru(network, recurrence(128, 4), noise, { epochs: 100, learningRate: 0.05, patience: 3 });
    expect(result.stoppedEarly).toBe(true);
    expect(result.epochs).toBe(result.bestEpoch + 3);
  });

  it('lowers the learning rate on a plateau and clips large gradients', () => {
    const adam = new Adam(1, { learningRate: 0.1, clipNorm: 1 });
    const plateau = new ReduceOnPlateau(adam, { patience: 2, factor: 0.5 });
    for (const [epoch, loss] of [1, 1, 1, 1, 1, 0.5].entries()) plateau.observe(loss, epoch + 1);
    expect(adam.learningRate).toBeCloseTo(0.05, 12);
    expect(plateau.reductions).toEqual([4]);
    // A clipped step moves as far as a unit gradient would: Adam's first step is lr·sign(g).
    const params = new Float64Array([0]);
    adam.step(params, new Float64Array([1e6]));
    expect(params[0]).toBeCloseTo(-0.05, 6);
  });
});
