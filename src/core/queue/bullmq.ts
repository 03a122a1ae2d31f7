/**
 * The scaled work queue: BullMQ on Redis. Jobs carry a task name and payload; whichever worker
 * process takes a job (./bullmq-worker.ts) resolves the name through its own task registry and runs
 * the handler in-process. Results come back through one shared QueueEvents stream reader per producer.
 *
 * Nothing touches the network until first use, and every start begins with a short-lived PING, so a
 * dead Redis fails fast with FLEETCAST_BACKEND_UNREACHABLE instead of BullMQ's endless reconnects.
 */
import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { maskUrl } from '../config/mask.js';
import { errorMessage, FleetcastError, isFleetcastError } from '../errors.js';
import {
  CANCELLED_REASON,
  cancelChannel,
  DEFAULT_PREFIX,
  DEFAULT_QUEUE_NAME,
  type JobData,
  longLivedConnection,
  pingRedis,
  redisError,
  startTaskWorker,
  type TaskWorker,
} from './bullmq-worker.js';
import {
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

/** A cancel may reach a worker just before it registers the job; repeating it closes that gap. */
const CANCEL_REPEAT_MS = 500;
/** Finished jobs are kept a while for inspection, but bounded so Redis does not grow per task. */
const KEEP_COMPLETED = { age: 3600, count: 1000 };
const KEEP_FAILED = { age: 24 * 3600, count: 5000 };

export interface BullmqQueueOptions extends Partial<WorkQueueOptions> {
  redisUrl: string;
  queueName?: string;
  prefix?: string;
  /** True (default): this process also processes jobs. False: a producer only. */
  runWorker?: boolean;
}

interface RemoteTask {
  readonly id: string;
  readonly name: string;
  state: TaskState;
  /** 'active' events seen: the attempts made, for the failure message. */
  attemptsSeen: number;
  cancelRequested: boolean;
  repeatCancel: NodeJS.Timeout | undefined;
  readonly done: Deferred<unknown>;
  detachSignal: (() => void) | undefined;
}

interface Parts {
  connection: Redis;
  queue: Queue<JobData>;
  events: QueueEvents;
  worker: TaskWorker | undefined;
}

export class BullmqQueue implements WorkQueue {
  readonly kind = 'bullmq';
  readonly options: Readonly<WorkQueueOptions>;
  readonly redisUrl: string;
  readonly queueName: string;
  readonly prefix: string;
  readonly runWorker: boolean;
  readonly #gate: PendingGate;
  /** This producer's unsettled tasks, by job id. */
  readonly #tasks = new Map<string, RemoteTask>();
  #running = 0;
  #started: Promise<Parts> | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(options: BullmqQueueOptions) {
    const { redisUrl, queueName, prefix, runWorker, ...queueOptions } = options;
    this.options = resolveQueueOptions(queueOptions);
    this.redisUrl = redisUrl;
    this.queueName = queueName ?? DEFAULT_QUEUE_NAME;
    this.prefix = prefix ?? DEFAULT_PREFIX;
    this.runWorker = runWorker ?? true;
    this.#gate = new PendingGate(this.options.maxPending);
    // A worker should process jobs as soon as it exists; a failure here is retried (and reported)
    // by the next call that needs Redis.
    if (this.runWorker) this.#parts().catch(() => {});
  }

  async submit<R = unknown>(task: string, payload: unknown, options: SubmitOptions = {}): Promise<TaskHandle<R>> {
    if (this.#closed) throw queueClosedError();
    resolveTask(task);
    const { attempts, backoffMs } = resolveRetry(this.options, options);
    const { queue } = await this.#parts();
    await this.#gate.acquire();
    if (this.#closed) {
      // close() ran while this submit was resuming: it must not start anything.
      this.#gate.release();
      throw queueClosedError();
    }
    const entry: RemoteTask = {
      id: randomUUID(),
      name: task,
      state: 'queued',
      attemptsSeen: 0,
      cancelRequested: false,
      repeatCancel: undefined,
      done: deferred<unknown>(),
      detachSignal: undefined,
    };
    // Registered before the job exists, so no event about it can arrive unclaimed.
    this.#tasks.set(entry.id, entry);
    try {
      await queue.add(
        task,
        { task, payload },
        {
          jobId: entry.id,
          attempts,
          backoff: { type: 'exponential', delay: backoffMs },
          removeOnComplete: KEEP_COMPLETED,
          removeOnFail: KEEP_FAILED,
        },
      );
    } catch (error) {
      this.#tasks.delete(entry.id);
      this.#gate.release();
      throw new FleetcastError(
        'FLEETCAST_BACKEND_ERROR',
        `cannot queue task ${task} on ${maskUrl(this.redisUrl)}: ${errorMessage(error)}`,
        { hint: 'check that Redis is up and accepts writes', cause: error },
      );
    }
    this.#watchSignal(entry, options.signal);
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

  ping(): Promise<void> {
    return pingRedis(this.redisUrl);
  }

  /** Deletes every key of this queue (jobs, events, counters). For tests and `fleetcast reset`. */
  async obliterate(): Promise<void> {
    const { queue } = await this.#parts();
    await queue.obliterate({ force: true });
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closed = true;
    this.#gate.close();
    if (this.#started === undefined) return;
    let parts: Parts;
    try {
      parts = await this.#started;
    } catch {
      return; // never connected: nothing to close
    }
    await Promise.all(
      [...this.#tasks.values()].map((entry) =>
        entry.state === 'queued' ? this.#cancel(entry) : entry.done.promise.catch(() => {}),
      ),
    );
    await parts.worker?.close();
    await parts.events.close();
    await parts.queue.close();
    await parts.connection.quit().catch(() => parts.connection.disconnect());
  }

  #parts(): Promise<Parts> {
    if (this.#started === undefined) {
      const started = this.#start();
      this.#started = started;
      started.catch(() => {
        if (this.#started === started) this.#started = undefined;
      });
    }
    return this.#started;
  }

  async #start(): Promise<Parts> {
    await pingRedis(this.redisUrl);
    const connection = longLivedConnection(this.redisUrl);
    const queue = new Queue<JobData>(this.queueName, { connection, prefix: this.prefix });
    queue.on('error', () => {});
    try {
      // QueueEvents would start reading at "now" once its loop runs, missing a job that finishes
      // before that; reading from the stream's current last id instead misses nothing.
      const [last] = await connection.xrevrange(queue.keys.events ?? '', '+', '-', 'COUNT', 1);
      const events = new QueueEvents(this.queueName, {
        connection,
        prefix: this.prefix,
        lastEventId: last?.[0] ?? '0-0',
      });
      events.on('error', () => {});
      this.#listen(events);
      const worker = this.runWorker
        ? await startTaskWorker(connection, this.queueName, this.prefix, this.options.concurrency)
        : undefined;
      return { connection, queue, events, worker };
    } catch (error) {
      await queue.close().catch(() => {});
      connection.disconnect();
      throw isFleetcastError(error) ? error : redisError(this.redisUrl, error);
    }
  }

  #listen(events: QueueEvents): void {
    events.on('active', ({ jobId }) => {
      const entry = this.#tasks.get(jobId);
      if (entry === undefined || entry.state !== 'queued') return;
      entry.state = 'running';
      entry.attemptsSeen++;
      this.#running++;
    });
    const requeued = ({ jobId }: { jobId: string }) => {
      const entry = this.#tasks.get(jobId);
      if (entry === undefined || entry.state !== 'running') return;
      entry.state = 'queued';
      this.#running--;
    };
    events.on('waiting', requeued);
    events.on('delayed', requeued);
    events.on('completed', ({ jobId, returnvalue }) => this.#settle(jobId, 'completed', returnvalue));
    events.on('failed', ({ jobId, failedReason }) => {
      const entry = this.#tasks.get(jobId);
      const cancelled = failedReason === CANCELLED_REASON || entry?.cancelRequested === true;
      this.#settle(jobId, cancelled ? 'cancelled' : 'failed', failedReason);
    });
    events.on('removed', ({ jobId }) => this.#settle(jobId, 'cancelled'));
  }

  async #cancel(entry: RemoteTask): Promise<void> {
    if (!this.#tasks.has(entry.id)) return;
    entry.cancelRequested = true;
    const { queue, connection } = await this.#parts();
    // Waiting or delayed (backing off): removing it is the whole cancel. Active jobs are locked.
    const removed = await queue.remove(entry.id).catch(() => 0);
    if (removed === 1) return this.#settle(entry.id, 'cancelled');
    const channel = cancelChannel(this.prefix, this.queueName);
    const publish = () => void connection.publish(channel, entry.id).catch(() => {});
    publish();
    entry.repeatCancel ??= setInterval(publish, CANCEL_REPEAT_MS);
    await entry.done.promise.catch(() => {});
  }

  #watchSignal(entry: RemoteTask, signal: AbortSignal | undefined): void {
    if (signal === undefined) return;
    const onAbort = () => void this.#cancel(entry).catch(() => {});
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    entry.detachSignal = () => signal.removeEventListener('abort', onAbort);
  }

  #settle(jobId: string, outcome: Outcome, value?: unknown): void {
    const entry = this.#tasks.get(jobId);
    if (entry === undefined) return;
    this.#tasks.delete(jobId);
    if (entry.state === 'running') this.#running--;
    entry.state = outcome;
    if (entry.repeatCancel !== undefined) clearInterval(entry.repeatCancel);
    entry.detachSignal?.();
    if (outcome === 'completed') entry.done.resolve(value);
    else if (outcome === 'cancelled') entry.done.reject(taskCancelledError(entry.name, entry.id));
    else entry.done.reject(taskFailedError(entry.name, entry.id, Math.max(1, entry.attemptsSeen), value));
    this.#gate.settle(outcome);
  }
}

export type { BullmqWorkerHandle, BullmqWorkerOptions } from './bullmq-worker.js';
export { DEFAULT_PREFIX, DEFAULT_QUEUE_NAME, pingRedis, startBullmqWorker } from './bullmq-worker.js';
