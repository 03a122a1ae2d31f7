/**
 * Dynamic batching: callers submit one input each; the batcher groups them into one `run(inputs)`
 * call so a model answers many requests for the price of one session run (Triton's guide shows
 * 73 → 272 inferences/s at about the same p95, reference facts §6).
 *
 * A batch is dispatched when it holds `maxBatchSize` items or `maxWaitMs` after its first item
 * arrived, whichever comes first. While `maxConcurrentBatches` batches run (1 by default), the
 * next batch keeps collecting, so under load batches fill up by themselves. `maxWaitMs: 0` adds no
 * timer: a batch closes at the end of the event-loop turn its first input arrived in, so it holds
 * the requests read together plus what queued behind a running batch. (Dispatching the first input
 * at once made every other batch a singleton under load: a session run that blocks the JS thread
 * lets requests in only between runs.) `maxBatchSize: 1` is a
 * pass-through: every submit calls `run([input])` at once, with no queue and no concurrency limit,
 * which is the honest "without batching" baseline.
 */
import { FleetcastError } from '../../core/errors.js';

export interface BatchingOptions {
  /** Most inputs in one `run` call (≥ 1; 1 disables batching). */
  maxBatchSize: number;
  /** Longest a batch waits for more inputs after its first one arrived, in ms (≥ 0). */
  maxWaitMs: number;
  /** Batches allowed to run at the same time (≥ 1, default 1). */
  maxConcurrentBatches?: number;
}

export interface BatchingHooks {
  /** Called with the size of every batch handed to `run` (for the `fleetcast_batch_size` histogram). */
  onBatch?(size: number): void;
}

interface Pending<I, O, T> {
  input: I;
  /** The caller's tag for this input, handed to `run` beside it (the tracing of its request). */
  tag: T | undefined;
  enqueuedAt: number;
  resolve: (output: O) => void;
  reject: (error: unknown) => void;
}

export class DynamicBatcher<I, O, T = never> {
  private readonly maxBatchSize: number;
  private readonly maxWaitMs: number;
  private readonly maxConcurrentBatches: number;
  private pending: Pending<I, O, T>[] = [];
  private inFlight = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The item the armed timer is for; a new head means the timer must be re-armed. */
  private timerFor: Pending<I, O, T> | undefined;
  /** Set while a pump is scheduled for the end of this event-loop turn. */
  private turnEnd: ReturnType<typeof setImmediate> | undefined;
  private closed = false;
  private drained: (() => void)[] = [];

  constructor(
    private readonly run: (inputs: I[], tags: readonly (T | undefined)[]) => Promise<O[]>,
    options: BatchingOptions,
    private readonly hooks: BatchingHooks = {},
  ) {
    this.maxBatchSize = checkInteger('maxBatchSize', options.maxBatchSize);
    this.maxConcurrentBatches = checkInteger('maxConcurrentBatches', options.maxConcurrentBatches ?? 1);
    if (!Number.isFinite(options.maxWaitMs) || options.maxWaitMs < 0) {
      throw new FleetcastError(
        'FLEETCAST_INVALID_ARGUMENT',
        `maxWaitMs must be a number ≥ 0, got ${options.maxWaitMs}`,
      );
    }
    this.maxWaitMs = options.maxWaitMs;
  }

  /** Inputs waiting for a batch (not yet handed to `run`). */
  get queued(): number {
    return this.pending.length;
  }

  /** Batches currently running. */
  get running(): number {
    return this.inFlight;
  }

  /**
   * Resolves with this input's own output, or rejects with the error of the batch it ran in. `tag`
   * travels with the input to `run` (untouched: the batcher only keeps it in order).
   */
  submit(input: I, tag?: T): Promise<O> {
    if (this.closed) {
      return Promise.reject(new FleetcastError('FLEETCAST_QUEUE_CLOSED', 'the batcher is closed'));
    }
    return new Promise<O>((resolve, reject) => {
      const entry: Pending<I, O, T> = { input, tag, enqueuedAt: performance.now(), resolve, reject };
      if (this.maxBatchSize === 1) {
        this.dispatch([entry]);
        return;
      }
      this.pending.push(entry);
      if (this.pending.length >= this.maxBatchSize) this.pump(false);
      else
        this.turnEnd ??= setImmediate(() => {
          this.turnEnd = undefined;
          this.pump(false);
        });
    });
  }

  /** Stops accepting inputs, dispatches everything pending and waits for every batch to finish. */
  close(): Promise<void> {
    this.closed = true;
    if (this.turnEnd !== undefined) clearImmediate(this.turnEnd);
    this.turnEnd = undefined;
    this.pump(false);
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  private isIdle(): boolean {
    return this.inFlight === 0 && this.pending.length === 0;
  }

  /**
   * Dispatches every batch that is due while a slot is free, then arms the timer for the next one.
   * `timerFired` marks the head batch due: a timer can fire a little before the clock says the
   * deadline passed (libuv rounds to whole ms), and it was armed for exactly that batch.
   */
  private pump(timerFired: boolean): void {
    let headDue = timerFired;
    while (this.pending.length > 0 && this.inFlight < this.maxConcurrentBatches) {
      const head = this.pending[0]!;
      const due =
        headDue ||
        this.closed ||
        this.pending.length >= this.maxBatchSize ||
        performance.now() >= head.enqueuedAt + this.maxWaitMs;
      if (!due) break;
      headDue = false;
      this.dispatch(this.pending.splice(0, this.maxBatchSize));
    }
    this.arm();
  }

  private arm(): void {
    const head = this.pending[0];
    // No timer when nothing waits or no slot is free: a finishing batch pumps again.
    if (head === undefined || this.inFlight >= this.maxConcurrentBatches) {
      this.disarm();
      return;
    }
    if (this.timer !== undefined && this.timerFor === head) return;
    this.disarm();
    const delay = Math.max(0, head.enqueuedAt + this.maxWaitMs - performance.now());
    this.timerFor = head;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerFor = undefined;
      this.pump(true);
    }, delay);
  }

  private disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerFor = undefined;
  }

  private dispatch(batch: Pending<I, O, T>[]): void {
    this.inFlight += 1;
    try {
      this.hooks.onBatch?.(batch.length);
    } catch {
      // A failing metrics hook must not lose the batch's callers.
    }
    const inputs = batch.map((entry) => entry.input);
    const tags = batch.map((entry) => entry.tag);
    // Through a microtask so a `run` that throws synchronously rejects like one that rejects.
    Promise.resolve()
      .then(() => this.run(inputs, tags))
      .then(
        (outputs) => {
          if (!Array.isArray(outputs) || outputs.length !== batch.length) {
            const got = Array.isArray(outputs) ? `${outputs.length} outputs` : typeof outputs;
            const error = new FleetcastError(
              'FLEETCAST_BACKEND_ERROR',
              `a batch of ${batch.length} inputs returned ${got}`,
              { details: { batch_size: batch.length } },
            );
            for (const entry of batch) entry.reject(error);
            return;
          }
          for (const [index, entry] of batch.entries()) entry.resolve(outputs[index] as O);
        },
        (error: unknown) => {
          for (const entry of batch) entry.reject(error);
        },
      )
      .finally(() => {
        this.inFlight -= 1;
        this.pump(false);
        if (this.closed && this.isIdle()) {
          const waiters = this.drained;
          this.drained = [];
          for (const resolve of waiters) resolve();
        }
      });
  }
}

function checkInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${name} must be an integer ≥ 1, got ${value}`);
  }
  return value;
}
