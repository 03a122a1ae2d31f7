/**
 * Runs one async job, chunk by chunk, under a lease in the job store. After each chunk the results
 * and the progress are committed together, so a job interrupted anywhere (a crash, a SIGTERM, a
 * lost lease) resumes at its first chunk without results: stored results are never redone. A
 * cancel is seen at the next chunk boundary.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Logger } from 'pino';
import { errorMessage, isFleetcastError } from '../../core/errors.js';
import type { ServeMetrics } from '../metrics/registry.js';
import type { Outcome } from '../models/adapters.js';
import type { Row } from '../models/fields.js';
import type { ModelPool } from '../models/pool.js';
import type { JobResult, JobStore } from './store.js';

export interface JobRunnerOptions {
  store: JobStore;
  pool: ModelPool;
  metrics: ServeMetrics;
  logger: Logger;
  resultTtlSeconds: number;
  /** How long a runner may go silent before another replica takes its job over. */
  leaseMs?: number;
}

export class JobRunner {
  /** This process, in the lease column and on each chunk it computed. */
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  readonly #options: JobRunnerOptions;
  #stopping = false;

  constructor(options: JobRunnerOptions) {
    this.#options = options;
  }

  get leaseMs(): number {
    return this.#options.leaseMs ?? 30_000;
  }

  /** Stop after the chunk in progress (its results are kept) and hand the job back. */
  stop(): void {
    this.#stopping = true;
  }

  /** Claims the job and runs it to the end, or until stopped, cancelled or out-leased. */
  async run(jobId: string): Promise<void> {
    const { store, logger } = this.#options;
    if (this.#stopping || !(await store.claim(jobId, this.owner, this.leaseMs))) return;
    const heartbeat = setInterval(() => {
      void store.renew(jobId, this.owner, this.leaseMs).catch(() => {});
    }, this.leaseMs / 3).unref();
    try {
      await this.#chunks(jobId);
    } catch (error) {
      logger.error({ job_id: jobId, err: errorMessage(error) }, 'job failed');
      await store
        .finish(jobId, this.owner, 'failed', this.#options.resultTtlSeconds, errorMessage(error))
        .catch(() => {});
    } finally {
      clearInterval(heartbeat);
    }
  }

  async #chunks(jobId: string): Promise<void> {
    const { store } = this.#options;
    const job = await store.get(jobId);
    if (!job) return;
    for (;;) {
      // With an embedded store every step can be synchronous underneath: yield to the event loop
      // between chunks so a big job never holds up the requests being served.
      await nextTurn();
      if (this.#stopping) {
        await store.release(jobId, this.owner);
        return;
      }
      const chunk = await store.nextChunk(jobId);
      if (!chunk) {
        await store.finish(jobId, this.owner, 'completed', this.#options.resultTtlSeconds);
        this.#options.logger.info({ job_id: jobId, total: job.total }, 'job completed');
        return;
      }
      const results = await this.#predict(job.model, job.version, JSON.parse(chunk.inputs) as unknown[]);
      if (!(await store.completeChunk(jobId, this.owner, chunk.chunk, results, this.leaseMs))) return; // cancelled
    }
  }

  async #predict(name: string, version: number, inputs: unknown[]): Promise<JobResult[]> {
    const { pool, metrics } = this.#options;
    const lease = await pool.acquire(name, version);
    try {
      const results: JobResult[] = new Array(inputs.length);
      const rows: Row[] = [];
      const positions: number[] = [];
      inputs.forEach((input, i) => {
        try {
          rows.push(lease.model.adapter.parse(input));
          positions.push(i);
        } catch (error) {
          results[i] = { error: describe(error) };
        }
      });
      const outcomes: Outcome[] = rows.length > 0 ? await lease.model.run(rows) : [];
      outcomes.forEach((outcome, j) => {
        results[positions[j]!] = outcome.ok ? { output: outcome.output } : { error: describe(outcome.error) };
      });
      const failed = results.filter((r) => 'error' in r).length;
      metrics.jobItems.inc({ outcome: 'ok' }, results.length - failed);
      if (failed > 0) metrics.jobItems.inc({ outcome: 'error' }, failed);
      // Outputs go through JSON (dates become ISO text) exactly as the HTTP answer would.
      return JSON.parse(JSON.stringify(results)) as JobResult[];
    } finally {
      lease.release();
    }
  }
}

function describe(error: unknown): { code: string; message: string } {
  return isFleetcastError(error)
    ? { code: error.code, message: error.message }
    : { code: 'FLEETCAST_BACKEND_ERROR', message: errorMessage(error) };
}
