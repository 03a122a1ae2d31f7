/**
 * A helper thread of parallel.ts: waits for a batch share, computes its loss and gradient against
 * the shared parameters, publishes them, and waits again, until told to stop.
 */
import { workerData } from 'node:worker_threads';
import { GruNetwork } from './network.js';
import { DONE, GO, type HelperData, READY, SIZE, STOP } from './parallel.js';
import { BatchAssembler } from './train.js';

const data = workerData as HelperData;
const control = new Int32Array(data.control);
const indices = new Int32Array(data.indices);
const grads = new Float64Array(data.grads);
const loss = new Float64Array(data.loss);
const network = new GruNetwork(data.shape, new Float64Array(data.params));
const set = { x: data.x, y: data.y, steps: data.steps, lossSteps: data.lossSteps, count: data.count };
const assembler = new BatchAssembler(data.shape.inputs, data.shape.outputs);

Atomics.store(control, READY, 1);
Atomics.notify(control, READY);
for (;;) {
  Atomics.wait(control, GO, 0);
  const command = Atomics.load(control, GO);
  if (command === STOP) break;
  const size = Atomics.load(control, SIZE);
  const B = assembler.gather(set, indices, 0, size);
  loss[0] = network.lossAndGradient(assembler.x, assembler.y, set.steps, B, set.lossSteps);
  grads.set(network.grads);
  Atomics.store(control, GO, 0);
  Atomics.store(control, DONE, 1);
  Atomics.notify(control, DONE);
}
