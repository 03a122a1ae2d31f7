/**
 * How a new job reaches a runner. The job store is the truth (a scan finds every job that waits or
 * whose runner died), so a dispatcher is only the fast path: in process by default, BullMQ when
 * Redis is configured so that any replica — not only the one that took the request — picks it up.
 */
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { errorMessage } from '../../core/errors.js';

/** Resolves when `emitter` emits `event`, rejects after `ms`. */
function once(emitter: Redis, event: string, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, done);
      reject(new Error(`no ${event} in ${ms} ms`));
    }, ms);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    emitter.once(event, done);
  });
}

export type JobHandler = (jobId: string) => Promise<void>;

export interface JobDispatcher {
  readonly kind: 'local' | 'bullmq';
  /** Asks some runner to take the job soon; never throws (the scan is the fallback). */
  notify(jobId: string): Promise<void>;
  start(handler: JobHandler): void;
  /** Whether the dispatcher's backend answers (always true in process), waiting up to `waitMs` for it. */
  ping(waitMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

/** In process: a queue of job ids worked by `concurrency` loops. */
export class LocalDispatcher implements JobDispatcher {
  readonly kind = 'local';
  #queue: string[] = [];
  #active = 0;
  #handler: JobHandler | undefined;
  #closed = false;
  readonly #running = new Set<Promise<void>>();

  constructor(private readonly concurrency: number) {}

  async notify(jobId: string): Promise<void> {
    if (this.#closed || this.#queue.includes(jobId)) return;
    this.#queue.push(jobId);
    this.#pump();
  }

  start(handler: JobHandler): void {
    this.#handler = handler;
    this.#pump();
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#queue = [];
    await Promise.all([...this.#running]);
  }

  #pump(): void {
    const handler = this.#handler;
    while (handler && !this.#closed && this.#active < this.concurrency && this.#queue.length > 0) {
      const jobId = this.#queue.shift()!;
      this.#active++;
      const run = handler(jobId)
        .catch(() => {})
        .finally(() => {
          this.#active--;
          this.#running.delete(run);
          this.#pump();
        });
      this.#running.add(run);
    }
  }
}

export interface BullmqDispatcherOptions {
  redisUrl: string;
  concurrency: number;
  logger: Logger;
  /** Key prefix (tests use their own). */
  prefix?: string;
  queueName?: string;
}

/** BullMQ: one message per job id, deduplicated by BullMQ's job id; any replica's worker takes it. */
export class BullmqDispatcher implements JobDispatcher {
  readonly kind = 'bullmq';
  readonly #options: BullmqDispatcherOptions;
  readonly #producer: Redis;
  /** Made once Redis answers: a BullMQ queue on a connection that never opened cannot close cleanly. */
  #queue: Queue | undefined;
  #worker: Worker | undefined;
  #workerConnection: Redis | undefined;
  #retry: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: BullmqDispatcherOptions) {
    this.#options = options;
    // Fail fast when Redis is down (no offline queue): the job is in the store, and the scan finds it.
    this.#producer = new Redis(options.redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
    });
    this.#producer.on('error', () => {});
  }

  get #queueName(): string {
    return this.#options.queueName ?? 'serve-jobs';
  }

  get #prefix(): string {
    return this.#options.prefix ?? 'fleetcast';
  }

  async notify(jobId: string): Promise<void> {
    try {
      if (this.#producer.status !== 'ready') throw new Error(`Redis is ${this.#producer.status}`);
      if (!this.#queue) {
        this.#queue = new Queue(this.#queueName, { connection: this.#producer, prefix: this.#prefix });
        this.#queue.on('error', () => {});
      }
      await this.#queue.add('run', { jobId }, { jobId, removeOnComplete: true, removeOnFail: true, attempts: 1 });
    } catch (error) {
      this.#options.logger.warn({ job_id: jobId, err: errorMessage(error) }, 'could not queue the job on Redis');
    }
  }

  start(handler: JobHandler): void {
    void this.#startWorker(handler);
  }

  /**
   * The worker starts once Redis answers (tried again every 5 s): a worker that never connected
   * cannot be closed cleanly, and meanwhile the job-store scan runs every job anyway.
   */
  async #startWorker(handler: JobHandler): Promise<void> {
    if (this.#closed) return;
    if (!(await this.ping(2000))) {
      this.#retry = setTimeout(() => void this.#startWorker(handler), 5000).unref();
      return;
    }
    if (this.#closed) return;
    // The worker blocks on Redis: it needs its own connection, retrying forever if Redis goes away.
    this.#workerConnection = new Redis(this.#options.redisUrl, { maxRetriesPerRequest: null });
    this.#workerConnection.on('error', () => {});
    this.#worker = new Worker(this.#queueName, async (job) => handler(String(job.data.jobId)), {
      connection: this.#workerConnection,
      prefix: this.#prefix,
      concurrency: this.#options.concurrency,
    });
    this.#worker.on('error', () => {});
  }

  async ping(waitMs = 0): Promise<boolean> {
    try {
      if (this.#producer.status !== 'ready') await once(this.#producer, 'ready', waitMs);
      return (await this.#producer.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#retry) clearTimeout(this.#retry);
    await this.#worker?.close().catch(() => {});
    await this.#queue?.close().catch(() => {});
    this.#workerConnection?.disconnect();
    this.#producer.disconnect();
  }
}
