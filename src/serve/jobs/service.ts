/**
 * Async prediction jobs, front to back: create (stored first, then dispatched), status, pages of
 * results, cancel; a scan that resumes jobs left queued or orphaned by a dead replica; and a sweep
 * that deletes results once they expire (a configurable time after the job *finished*).
 */
import type { Logger } from 'pino';
import type { ServeConfig } from '../../core/config/schema.js';
import { errorMessage, FleetcastError } from '../../core/errors.js';
import type { ServeMetrics } from '../metrics/registry.js';
import type { ModelPool } from '../models/pool.js';
import type { JobDispatcher } from './dispatch.js';
import { JobRunner } from './runner.js';
import type { JobResult, JobStore, JobView } from './store.js';

export const MAX_JOB_INPUTS = 100_000;
export const MAX_PAGE_SIZE = 1000;

export interface JobServiceOptions {
  store: JobStore;
  dispatcher: JobDispatcher;
  pool: ModelPool;
  metrics: ServeMetrics;
  logger: Logger;
  jobs: ServeConfig['jobs'];
  /** How often the store is scanned for jobs to resume (ms). */
  scanIntervalMs?: number;
  leaseMs?: number;
}

export class JobService {
  readonly runner: JobRunner;
  readonly #options: JobServiceOptions;
  #scanTimer: NodeJS.Timeout | undefined;
  #scanning: Promise<void> | undefined;
  #lastSweep = 0;

  constructor(options: JobServiceOptions) {
    this.#options = options;
    this.runner = new JobRunner({
      store: options.store,
      pool: options.pool,
      metrics: options.metrics,
      logger: options.logger,
      resultTtlSeconds: options.jobs.resultTtlSeconds,
      ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}),
    });
  }

  get dispatcher(): JobDispatcher {
    return this.#options.dispatcher;
  }

  start(): void {
    this.#options.dispatcher.start((jobId) => this.runner.run(jobId));
    const interval = this.#options.scanIntervalMs ?? 2000;
    this.#scanTimer = setInterval(() => void this.scan(), interval).unref();
    void this.scan();
  }

  async create(model: string, version: number, inputs: readonly unknown[], createdBy: string | null): Promise<JobView> {
    const job = await this.#options.store.create({
      model,
      version,
      inputs,
      chunkSize: this.#options.jobs.chunkSize,
      createdBy,
    });
    await this.#options.dispatcher.notify(job.job_id);
    return job;
  }

  async get(id: string): Promise<JobView> {
    const job = await this.#options.store.get(id);
    if (!job) {
      throw new FleetcastError('FLEETCAST_NOT_FOUND', `no job ${truncate(id)} (never created, or its results expired)`);
    }
    return job;
  }

  async results(
    id: string,
    page: number,
    pageSize: number,
  ): Promise<{ job: JobView; results: Array<{ index: number } & JobResult> }> {
    const job = await this.get(id);
    const results = await this.#options.store.results(job, (page - 1) * pageSize, pageSize);
    return { job, results };
  }

  async cancel(id: string): Promise<JobView> {
    const job = await this.#options.store.cancel(id, this.#options.jobs.resultTtlSeconds);
    if (!job) throw new FleetcastError('FLEETCAST_NOT_FOUND', `no job ${truncate(id)}`);
    if (job.status !== 'cancelled') {
      throw new FleetcastError(
        'FLEETCAST_CONFLICT',
        `job ${id} already ${job.status}; only queued or running jobs cancel`,
        {
          details: { status: job.status },
        },
      );
    }
    return job;
  }

  /** Hands every job that waits (or lost its runner) to the dispatcher; sweeps expired ones now and then. */
  scan(): Promise<void> {
    this.#scanning ??= this.#scan().finally(() => {
      this.#scanning = undefined;
    });
    return this.#scanning;
  }

  async #scan(): Promise<void> {
    const { store, dispatcher, pool, logger } = this.#options;
    try {
      for (const id of await store.claimable(pool.names(), 20)) await dispatcher.notify(id);
      if (Date.now() - this.#lastSweep > 60_000) {
        this.#lastSweep = Date.now();
        const swept = await store.sweep();
        if (swept > 0) logger.info({ jobs: swept }, 'expired job results deleted');
      }
    } catch (error) {
      logger.warn({ err: errorMessage(error) }, 'job scan failed');
    }
  }

  /** Stops taking jobs; a running one stops after its current chunk and is handed back. */
  async close(): Promise<void> {
    if (this.#scanTimer) clearInterval(this.#scanTimer);
    this.runner.stop();
    await this.#scanning?.catch(() => {});
    await this.#options.dispatcher.close();
  }
}

const truncate = (text: string) => (text.length > 80 ? `${text.slice(0, 80)}…` : text);
