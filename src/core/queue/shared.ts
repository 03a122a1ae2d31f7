/**
 * What both queue implementations share: option defaults and checks, the back-pressure gate with
 * its statistics, and the errors a task handle rejects with. Keeping these in one place is what
 * makes the two implementations behave the same under the conformance suite.
 */
import { availableParallelism } from 'node:os';
import { errorMessage, FleetcastError } from '../errors.js';
import type { QueueStats, SubmitOptions, WorkQueueOptions } from './types.js';

export const DEFAULT_MAX_PENDING = 1000;
export const DEFAULT_ATTEMPTS = 3;
export const DEFAULT_BACKOFF_MS = 200;

/** Fills defaults and rejects nonsense (zero concurrency would hang every submit). */
export function resolveQueueOptions(options: Partial<WorkQueueOptions> = {}): Readonly<WorkQueueOptions> {
  const resolved: WorkQueueOptions = {
    concurrency: options.concurrency ?? availableParallelism(),
    maxPending: options.maxPending ?? DEFAULT_MAX_PENDING,
    attempts: options.attempts ?? DEFAULT_ATTEMPTS,
    backoffMs: options.backoffMs ?? DEFAULT_BACKOFF_MS,
  };
  requireInteger('concurrency', resolved.concurrency, 1);
  requireInteger('maxPending', resolved.maxPending, 1);
  requireInteger('attempts', resolved.attempts, 1);
  requireInteger('backoffMs', resolved.backoffMs, 0);
  return Object.freeze(resolved);
}

/** Per-task attempts and backoff, falling back to the queue's. */
export function resolveRetry(defaults: Readonly<WorkQueueOptions>, options: SubmitOptions = {}) {
  const attempts = options.attempts ?? defaults.attempts;
  const backoffMs = options.backoffMs ?? defaults.backoffMs;
  requireInteger('attempts', attempts, 1);
  requireInteger('backoffMs', backoffMs, 0);
  return { attempts, backoffMs };
}

function requireInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${name} must be an integer ≥ ${min}, got ${value}`, {
      hint: `set ${name} to a whole number of at least ${min}`,
    });
  }
}

/** The delay before attempt `attempt + 1`: backoffMs, then doubling. */
export function backoffDelay(backoffMs: number, failedAttempt: number): number {
  return backoffMs * 2 ** (failedAttempt - 1);
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

/**
 * A promise with its settle functions. The promise is marked handled: a caller that drops a handle
 * (fire-and-forget, or cancel without awaiting) must not crash the process with an unhandled
 * rejection; whoever awaits `result` still receives the error.
 */
export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {});
  return { promise, resolve, reject };
}

export type Outcome = 'completed' | 'failed' | 'cancelled';

/**
 * Counts unsettled tasks and makes `submit` wait while `maxPending` of them exist, so a producer of
 * 100,000 tasks never holds more than `maxPending` in memory (here or in Redis).
 */
export class PendingGate {
  #pending = 0;
  #peak = 0;
  readonly #counts = { completed: 0, failed: 0, cancelled: 0 };
  readonly #slotWaiters: Array<() => void> = [];
  readonly #drainWaiters: Array<() => void> = [];
  #closed = false;

  constructor(private readonly maxPending: number) {}

  get pending(): number {
    return this.#pending;
  }

  /**
   * Waits for a free slot and takes it. Check and take happen in one synchronous step: a separate
   * take after an `await` would let concurrent submitters slip past the bound.
   */
  async acquire(): Promise<void> {
    this.#assertOpen();
    while (this.#pending >= this.maxPending) {
      await new Promise<void>((resolve) => this.#slotWaiters.push(resolve));
      this.#assertOpen();
    }
    this.#pending++;
    if (this.#pending > this.#peak) this.#peak = this.#pending;
  }

  /** Gives a slot back without counting an outcome (the task never got queued). */
  release(): void {
    this.#pending--;
    this.#wake();
  }

  settle(outcome: Outcome): void {
    this.#counts[outcome]++;
    this.release();
  }

  drain(): Promise<void> {
    if (this.#pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  /** Fails every waiting and future `acquire` with FLEETCAST_QUEUE_CLOSED. */
  close(): void {
    this.#closed = true;
    for (const wake of this.#slotWaiters.splice(0)) wake();
  }

  stats(running: number): QueueStats {
    return { pending: this.#pending, running, ...this.#counts, peakPending: this.#peak };
  }

  #wake(): void {
    // One slot freed, one waiter woken; if a fresh submit takes the slot first, the waiter waits again.
    this.#slotWaiters.shift()?.();
    if (this.#pending === 0) for (const done of this.#drainWaiters.splice(0)) done();
  }

  #assertOpen(): void {
    if (this.#closed) throw queueClosedError();
  }
}

export function queueClosedError(): FleetcastError {
  return new FleetcastError('FLEETCAST_QUEUE_CLOSED', 'the work queue is closed', {
    hint: 'open a new queue; close() is final',
  });
}

export function taskCancelledError(task: string, taskId: string): FleetcastError {
  return new FleetcastError('FLEETCAST_TASK_CANCELLED', `task ${task} (${taskId}) was cancelled`, {
    details: { task, taskId },
  });
}

export function taskFailedError(task: string, taskId: string, attempts: number, lastError: unknown): FleetcastError {
  const reason = typeof lastError === 'string' ? lastError : errorMessage(lastError);
  return new FleetcastError(
    'FLEETCAST_TASK_FAILED',
    `task ${task} (${taskId}) failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${reason}`,
    {
      hint: 'the last error is above; raise attempts for transient failures, fix the payload or task otherwise',
      details: { task, taskId, attempts, lastError: reason },
      cause: lastError,
    },
  );
}
