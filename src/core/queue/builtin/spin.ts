/**
 * `core.spin`: keeps a CPU busy for `ms` (no sleeping, so it really occupies a worker) and reports
 * when it ran, which lets tests measure how many tasks overlapped. It works in small chunks and
 * yields to the event loop between them: in-process (BullMQ) a cancel message can only arrive, and
 * abort the signal, while the loop turns.
 */
import { setImmediate as turn } from 'node:timers/promises';
import type { TaskHandler } from '../types.js';

export interface SpinPayload {
  ms: number;
}

export interface SpinResult {
  /** Epoch ms, so results from several threads or hosts can be compared. */
  startedAt: number;
  endedAt: number;
  iterations: number;
}

/** Short enough that a cancel is noticed quickly, long enough that yielding costs little. */
const CHUNK_MS = 5;

const spin: TaskHandler<SpinPayload, SpinResult> = async (payload, context) => {
  const startedAt = Date.now();
  const deadline = startedAt + Math.max(0, Number(payload?.ms) || 0);
  let iterations = 0;
  let sink = 0;
  while (Date.now() < deadline) {
    context.signal.throwIfAborted();
    const chunkEnd = Math.min(deadline, Date.now() + CHUNK_MS);
    while (Date.now() < chunkEnd) {
      // Arithmetic the optimiser cannot drop, since `sink` feeds the result.
      for (let i = 0; i < 1000; i++) sink = (sink * 31 + i) | 0;
      iterations++;
    }
    await turn();
  }
  context.signal.throwIfAborted();
  return { startedAt, endedAt: Date.now(), iterations: iterations + (sink & 0) };
};

export default spin;
