/**
 * Data-parallel mini-batches over worker threads. Each batch is split: this thread computes the
 * gradient of the first share, each helper thread the gradient of its own share, and the shares are
 * combined weighted by their sizes — the batch's mean gradient, as one thread would compute it (up to
 * the order of floating-point sums, fixed for a given thread count, so runs stay deterministic).
 *
 * The parameters live in a SharedArrayBuffer that every thread reads, and only this thread writes
 * (the optimiser step, between batches). Threads meet through Atomics on a small control array, not
 * messages: a batch of the original setup takes about 10 ms, and a message round trip would cost a
 * good part of that. Training stays synchronous for its caller (`Atomics.wait` is allowed on Node's
 * main thread).
 */
import type { Worker } from 'node:worker_threads';
import { siblingModule, startModuleWorker } from '../../../core/threads/request-thread.js';
import type { GruNetwork, GruShape } from './network.js';

/** Control slots of one helper: GO (1 = run a batch, 2 = stop), SIZE (windows), DONE (1 = finished). */
export const GO = 0;
export const SIZE = 1;
export const DONE = 2;
export const READY = 3;
export const RUN = 1;
export const STOP = 2;

export interface HelperData {
  shape: GruShape;
  params: SharedArrayBuffer;
  grads: SharedArrayBuffer;
  loss: SharedArrayBuffer;
  control: SharedArrayBuffer;
  indices: SharedArrayBuffer;
  x: Float64Array;
  y: Float64Array;
  steps: number;
  lossSteps: number;
  count: number;
}

interface Helper {
  worker: Worker;
  control: Int32Array;
  indices: Int32Array;
  grads: Float64Array;
  loss: Float64Array;
}

/** The helper entry: compiled, the `.js` sibling; under vitest a TypeScript loader goes in first. */
const startWorker = (data: HelperData): Worker =>
  startModuleWorker(siblingModule(import.meta.url, 'parallel-worker'), data);

export interface SetData {
  x: Float64Array;
  y: Float64Array;
  steps: number;
  lossSteps: number;
  count: number;
}

/** Helper threads for one training run over one window set; `close()` when done. */
export class ParallelGradients {
  readonly #helpers: Helper[] = [];

  /** `network.params` must be backed by a SharedArrayBuffer (see `sharedParams`). */
  constructor(
    private readonly network: GruNetwork,
    set: SetData,
    helpers: number,
    maxBatch: number,
  ) {
    const params = network.params.buffer;
    if (!(params instanceof SharedArrayBuffer)) throw new Error('ParallelGradients: params must be shared');
    for (let h = 0; h < helpers; h++) {
      const data: HelperData = {
        shape: network.shape,
        params,
        grads: new SharedArrayBuffer(network.params.length * 8),
        loss: new SharedArrayBuffer(8),
        control: new SharedArrayBuffer(4 * 4),
        indices: new SharedArrayBuffer(maxBatch * 4),
        x: set.x,
        y: set.y,
        steps: set.steps,
        lossSteps: set.lossSteps,
        count: set.count,
      };
      const helper: Helper = {
        worker: startWorker(data),
        control: new Int32Array(data.control),
        indices: new Int32Array(data.indices),
        grads: new Float64Array(data.grads),
        loss: new Float64Array(data.loss),
      };
      this.#helpers.push(helper);
    }
    for (const helper of this.#helpers) {
      // Bounded: a helper that cannot start (a broken build) must fail the run, not hang it.
      const deadline = Date.now() + 60_000;
      while (Atomics.load(helper.control, READY) === 0) {
        if (Date.now() > deadline) throw new Error('GRU training helper thread did not start within 60 s');
        Atomics.wait(helper.control, READY, 0, 100);
      }
    }
  }

  /**
   * Loss of the batch `order[from … to)` and its mean gradient in `network.grads`. `compute(from,
   * to)` runs this thread's share and returns its loss (the caller gathers and runs the network).
   */
  batch(order: ArrayLike<number>, from: number, to: number, compute: (from: number, to: number) => number): number {
    const B = to - from;
    const shares = this.#helpers.length + 1;
    const per = Math.ceil(B / shares);
    const mine = Math.min(per, B);
    const running: Array<{ helper: Helper; size: number }> = [];
    let start = from + mine;
    for (const helper of this.#helpers) {
      const size = Math.min(per, to - start);
      if (size <= 0) break;
      for (let i = 0; i < size; i++) helper.indices[i] = order[start + i]!;
      Atomics.store(helper.control, SIZE, size);
      Atomics.store(helper.control, DONE, 0);
      Atomics.store(helper.control, GO, RUN);
      Atomics.notify(helper.control, GO);
      running.push({ helper, size });
      start += size;
    }
    let loss = compute(from, from + mine) * mine;
    const grads = this.network.grads;
    if (running.length > 0) for (let i = 0; i < grads.length; i++) grads[i] = grads[i]! * mine;
    for (const { helper, size } of running) {
      while (Atomics.load(helper.control, DONE) === 0) Atomics.wait(helper.control, DONE, 0);
      loss += helper.loss[0]! * size;
      const theirs = helper.grads;
      for (let i = 0; i < grads.length; i++) grads[i] = grads[i]! + theirs[i]! * size;
    }
    if (running.length > 0) for (let i = 0; i < grads.length; i++) grads[i] = grads[i]! / B;
    return loss / B;
  }

  async close(): Promise<void> {
    for (const helper of this.#helpers) {
      Atomics.store(helper.control, GO, STOP);
      Atomics.notify(helper.control, GO);
    }
    await Promise.all(this.#helpers.map((h) => h.worker.terminate()));
  }
}

/** A copy of `params` in shared memory, for a network whose batches run over several threads. */
export function sharedParams(params: Float64Array): Float64Array {
  const shared = new Float64Array(new SharedArrayBuffer(params.length * 8));
  shared.set(params);
  return shared;
}
