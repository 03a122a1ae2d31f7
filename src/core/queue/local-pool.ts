/**
 * The embedded work queue: worker threads through piscina. The main thread keeps its own FIFO and
 * hands piscina at most `concurrency` tasks at a time (one per thread). That makes `running` and
 * each handle's state exact, lets a queued task be cancelled by just dropping it, and keeps retry
 * backoff in the main thread, where a waiting retry occupies no thread.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { PoolMessage } from './pool-worker.js';
import {
  backoffDelay,
  type Deferred,
  deferred,
  type Outcome,
  PendingGate,
  queueClosedError,
  resolveQueueOptions,
  resolveRetry,
  taskCancelledError,
  taskFailedError,
} from './shared.js';
import { resolveTask } from './tasks.js';
import type { QueueStats, SubmitOptions, TaskHandle, TaskState, WorkQueue, WorkQueueOptions } from './types.js';

/** Idle threads are unref'd by piscina, so this only trades warm threads against memory. */
const IDLE_TIMEOUT_MS = 10_000;

interface LocalTask {
  readonly id: string;
  readonly name: string;
  readonly url: string;
  readonly payload: unknown;
  readonly attempts: number;
  readonly backoffMs: number;
  /** Attempts started so far. */
  attempt: number;
  state: TaskState;
  cancelRequested: boolean;
  lastError: unknown;
  /** Aborts the attempt running in piscina (which terminates that thread). */
  controller: AbortController | undefined;
  /** A retry waiting out its backoff. */
  retryTimer: NodeJS.Timeout | undefined;
  readonly done: Deferred<unknown>;
  detachSignal: (() => void) | undefined;
}

/**
 * The worker entry. Compiled, it is the `.js` sibling of this file. Under vitest this file is the
 * `.ts` source, and worker threads cannot import TypeScript on their own (vitest transforms only in
 * its own thread), so a small `.mjs` entry installs a TypeScript loader in each thread first.
 */
function workerFilename(): string {
  const source = import.meta.url.endsWith('.ts');
  return fileURLToPath(new URL(source ? './pool-worker-source.mjs' : './pool-worker.js', import.meta.url));
}

export class LocalPoolQueue implements WorkQueue {
  readonly kind = 'local';
  readonly options: Readonly<WorkQueueOptions>;
  readonly #pool: Piscina<PoolMessage, unknown>;
  readonly #gate: PendingGate;
  /** Queued tasks in order; `#head` avoids O(n) shifts. Cancelled entries are skipped lazily. */
  #queue: LocalTask[] = [];
  #head = 0;
  #running = 0;
  readonly #live = new Set<LocalTask>();
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(options: Partial<WorkQueueOptions> = {}) {
    this.options = resolveQueueOptions(options);
    this.#gate = new PendingGate(this.options.maxPending);
    this.#pool = new Piscina<PoolMessage, unknown>({
      filename: workerFilename(),
      // No eager threads: opening a queue that is never used costs nothing.
      minThreads: 0,
      maxThreads: this.options.concurrency,
      idleTimeout: IDLE_TIMEOUT_MS,
    });
  }

  async submit<R = unknown>(task: string, payload: unknown, options: SubmitOptions = {}): Promise<TaskHandle<R>> {
    if (this.#closed) throw queueClosedError();
    const url = resolveTask(task);
    const { attempts, backoffMs } = resolveRetry(this.options, options);
    await this.#gate.acquire();
    if (this.#closed) {
      // close() ran while this submit was resuming: it must not start anything.
      this.#gate.release();
      throw queueClosedError();
    }
    const entry: LocalTask = {
      id: randomUUID(),
      name: task,
      url,
      payload,
      attempts,
      backoffMs,
      attempt: 0,
      state: 'queued',
      cancelRequested: false,
      lastError: undefined,
      controller: undefined,
      retryTimer: undefined,
      done: deferred<unknown>(),
      detachSignal: undefined,
    };
    this.#live.add(entry);
    this.#enqueue(entry);
    this.#watchSignal(entry, options.signal);
    this.#pump();
    return {
      id: entry.id,
      result: entry.done.promise as Promise<R>,
      state: () => entry.state,
      cancel: () => this.#cancel(entry),
    };
  }

  async run<R = unknown>(task: string, payload: unknown, options?: SubmitOptions): Promise<R> {
    const handle = await this.submit<R>(task, payload, options);
    return handle.result;
  }

  drain(): Promise<void> {
    return this.#gate.drain();
  }

  stats(): QueueStats {
    return this.#gate.stats(this.#running);
  }

  /** Proves a thread can start and run code; doctor relies on it. */
  async ping(): Promise<void> {
    await this.run('core.ping', null, { attempts: 1 });
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closed = true;
    this.#gate.close();
    const running: Array<Promise<unknown>> = [];
    for (const entry of this.#live) {
      if (entry.state === 'running') running.push(entry.done.promise.catch(() => {}));
      else this.#cancelQueued(entry);
    }
    await Promise.all(running);
    await this.#pool.destroy();
  }

  #enqueue(entry: LocalTask): void {
    entry.state = 'queued';
    this.#queue.push(entry);
  }

  #dequeue(): LocalTask | undefined {
    while (this.#head < this.#queue.length) {
      const entry = this.#queue[this.#head++];
      if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
        this.#queue = this.#queue.slice(this.#head);
        this.#head = 0;
      }
      if (entry?.state === 'queued' && entry.retryTimer === undefined) return entry;
    }
    return undefined;
  }

  /** Starts queued tasks while threads are free. */
  #pump(): void {
    while (this.#running < this.options.concurrency) {
      const entry = this.#dequeue();
      if (entry === undefined) return;
      this.#start(entry);
    }
  }

  #start(entry: LocalTask): void {
    this.#running++;
    entry.state = 'running';
    entry.attempt++;
    const controller = new AbortController();
    entry.controller = controller;
    const message: PoolMessage = { url: entry.url, payload: entry.payload, attempt: entry.attempt, taskId: entry.id };
    this.#pool.run(message, { signal: controller.signal }).then(
      (value) => this.#attemptEnded(entry, () => this.#settle(entry, 'completed', value)),
      (error: unknown) => this.#attemptEnded(entry, () => this.#attemptFailed(entry, error)),
    );
  }

  #attemptEnded(entry: LocalTask, then: () => void): void {
    this.#running--;
    entry.controller = undefined;
    then();
    this.#pump();
  }

  #attemptFailed(entry: LocalTask, error: unknown): void {
    entry.lastError = error;
    // A closing queue starts nothing new, retries included.
    if (entry.cancelRequested || (this.#closed && entry.attempt < entry.attempts)) {
      this.#settle(entry, 'cancelled');
      return;
    }
    if (entry.attempt >= entry.attempts) {
      this.#settle(entry, 'failed');
      return;
    }
    entry.state = 'queued';
    entry.retryTimer = setTimeout(
      () => {
        entry.retryTimer = undefined;
        if (entry.state !== 'queued') return;
        this.#enqueue(entry);
        this.#pump();
      },
      backoffDelay(entry.backoffMs, entry.attempt),
    );
  }

  async #cancel(entry: LocalTask): Promise<void> {
    if (entry.state === 'queued') return this.#cancelQueued(entry);
    if (entry.state !== 'running') return;
    entry.cancelRequested = true;
    entry.controller?.abort();
    await entry.done.promise.catch(() => {});
  }

  #cancelQueued(entry: LocalTask): void {
    if (entry.state !== 'queued') return;
    if (entry.retryTimer !== undefined) clearTimeout(entry.retryTimer);
    entry.retryTimer = undefined;
    // It stays in #queue until #dequeue skips it: removing it now would cost O(n).
    this.#settle(entry, 'cancelled');
  }

  #watchSignal(entry: LocalTask, signal: AbortSignal | undefined): void {
    if (signal === undefined) return;
    const onAbort = () => void this.#cancel(entry);
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    entry.detachSignal = () => signal.removeEventListener('abort', onAbort);
  }

  #settle(entry: LocalTask, outcome: Outcome, value?: unknown): void {
    if (!this.#live.delete(entry)) return;
    entry.state = outcome;
    entry.detachSignal?.();
    if (outcome === 'completed') entry.done.resolve(value);
    else if (outcome === 'cancelled') entry.done.reject(taskCancelledError(entry.name, entry.id));
    else entry.done.reject(taskFailedError(entry.name, entry.id, entry.attempt, entry.lastError));
    this.#gate.settle(outcome);
  }
}
