/**
 * Async jobs in the metadata store. The job row holds status, progress and a lease (owner + expiry);
 * inputs and results are stored in chunks. Every transition is one conditional UPDATE, so two
 * replicas racing for a job, or a cancel racing a runner, settle in the database, not in memory.
 */

import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { JobStatus, ServeJobChunksTable, ServeJobsTable, ServeTables } from '../tables.js';

export interface JobView {
  job_id: string;
  model: string;
  version: number;
  status: JobStatus;
  total: number;
  done: number;
  failed: number;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  expires_at: string | null;
  error: string | null;
}

export type JobResult = { output: unknown } | { error: { code: string; message: string } };

export interface NewJob {
  model: string;
  version: number;
  inputs: readonly unknown[];
  chunkSize: number;
  createdBy: string | null;
}

const CHUNKS_PER_INSERT = 50;
const TERMINAL: JobStatus[] = ['completed', 'failed', 'cancelled'];

export class JobStore {
  constructor(readonly db: Kysely<ServeTables>) {}

  async create(job: NewJob): Promise<JobView> {
    const id = `job_${randomUUID()}`;
    const now = new Date().toISOString();
    const chunks: ServeJobChunksTable[] = [];
    for (let start = 0, chunk = 0; start < job.inputs.length; start += job.chunkSize, chunk++) {
      const inputs = job.inputs.slice(start, start + job.chunkSize);
      chunks.push({
        job_id: id,
        chunk,
        start_index: start,
        count: inputs.length,
        inputs: JSON.stringify(inputs),
        results: null,
        failed: null,
        worker: null,
        completed_at: null,
      });
    }
    const row: ServeJobsTable = {
      id,
      model: job.model,
      version: job.version,
      status: 'queued',
      total: job.inputs.length,
      done: 0,
      failed: 0,
      chunks: chunks.length,
      created_at: now,
      started_at: null,
      completed_at: null,
      expires_at: null,
      error: null,
      created_by: job.createdBy,
      lease_owner: null,
      lease_expires_at: null,
    };
    await this.db.transaction().execute(async (tx) => {
      for (let i = 0; i < chunks.length; i += CHUNKS_PER_INSERT) {
        await tx
          .insertInto('serve_job_chunks')
          .values(chunks.slice(i, i + CHUNKS_PER_INSERT))
          .execute();
      }
      // The job row last: a scanner never sees a job whose chunks are not all there.
      await tx.insertInto('serve_jobs').values(row).execute();
    });
    return view(row);
  }

  /** The job, or undefined when it does not exist or its results expired. */
  async get(id: string): Promise<JobView | undefined> {
    const row = await this.db.selectFrom('serve_jobs').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || (row.expires_at !== null && row.expires_at <= new Date().toISOString())) return undefined;
    return view(row);
  }

  async lease(id: string): Promise<{ owner: string | null; status: JobStatus } | undefined> {
    const row = await this.db
      .selectFrom('serve_jobs')
      .select(['lease_owner', 'status'])
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? { owner: row.lease_owner, status: row.status } : undefined;
  }

  /** Results with index in [from, from + count), from the chunks that ran. */
  async results(job: JobView, from: number, count: number): Promise<Array<{ index: number } & JobResult>> {
    const end = Math.min(job.total, from + count);
    if (from >= end) return [];
    const rows = await this.db
      .selectFrom('serve_job_chunks')
      .select(['start_index', 'results'])
      .where('job_id', '=', job.job_id)
      .where('start_index', '<', end)
      .where((eb) => eb(eb('start_index', '+', eb.ref('count')), '>', from))
      .orderBy('chunk')
      .execute();
    const out: Array<{ index: number } & JobResult> = [];
    for (const row of rows) {
      if (row.results === null) continue;
      const results = JSON.parse(row.results) as JobResult[];
      results.forEach((result, i) => {
        const index = Number(row.start_index) + i;
        if (index >= from && index < end) out.push({ index, ...result });
      });
    }
    return out;
  }

  /** Takes the job when it is queued or its runner's lease expired; true when this owner got it. */
  async claim(id: string, owner: string, leaseMs: number): Promise<boolean> {
    const now = Date.now();
    const result = await this.db
      .updateTable('serve_jobs')
      .set((eb) => ({
        status: 'running',
        lease_owner: owner,
        lease_expires_at: now + leaseMs,
        started_at: eb.fn.coalesce('started_at', eb.val(new Date(now).toISOString())),
      }))
      .where('id', '=', id)
      .where((eb) =>
        eb.or([eb('status', '=', 'queued'), eb.and([eb('status', '=', 'running'), eb('lease_expires_at', '<', now)])]),
      )
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Jobs a runner could take now (oldest first), for the models this replica serves. */
  async claimable(models: readonly string[], limit: number): Promise<string[]> {
    if (models.length === 0) return [];
    const now = Date.now();
    const rows = await this.db
      .selectFrom('serve_jobs')
      .select('id')
      .where('model', 'in', models)
      .where((eb) =>
        eb.or([eb('status', '=', 'queued'), eb.and([eb('status', '=', 'running'), eb('lease_expires_at', '<', now)])]),
      )
      .orderBy('created_at')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  async nextChunk(id: string): Promise<Pick<ServeJobChunksTable, 'chunk' | 'start_index' | 'inputs'> | undefined> {
    return this.db
      .selectFrom('serve_job_chunks')
      .select(['chunk', 'start_index', 'inputs'])
      .where('job_id', '=', id)
      .where('results', 'is', null)
      .orderBy('chunk')
      .limit(1)
      .executeTakeFirst();
  }

  /**
   * Stores a chunk's results and advances the job, in one transaction, only while `owner` still
   * holds a running job: a cancel or a lost lease leaves the counters consistent with the chunks.
   */
  async completeChunk(
    id: string,
    owner: string,
    chunk: number,
    results: JobResult[],
    leaseMs: number,
  ): Promise<boolean> {
    const failed = results.filter((r) => 'error' in r).length;
    return this.db.transaction().execute(async (tx) => {
      const advanced = await tx
        .updateTable('serve_jobs')
        .set((eb) => ({
          done: eb('done', '+', results.length),
          failed: eb('failed', '+', failed),
          lease_expires_at: Date.now() + leaseMs,
        }))
        .where('id', '=', id)
        .where('status', '=', 'running')
        .where('lease_owner', '=', owner)
        .executeTakeFirst();
      if (Number(advanced.numUpdatedRows) !== 1) return false;
      const stored = await tx
        .updateTable('serve_job_chunks')
        .set({ results: JSON.stringify(results), failed, worker: owner, completed_at: new Date().toISOString() })
        .where('job_id', '=', id)
        .where('chunk', '=', chunk)
        .where('results', 'is', null)
        .executeTakeFirst();
      if (Number(stored.numUpdatedRows) !== 1) throw new Error(`chunk ${chunk} of ${id} was already stored`);
      return true;
    });
  }

  async renew(id: string, owner: string, leaseMs: number): Promise<boolean> {
    const result = await this.db
      .updateTable('serve_jobs')
      .set({ lease_expires_at: Date.now() + leaseMs })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .where('lease_owner', '=', owner)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Lets any replica take the job at once (a graceful stop in the middle of it). */
  async release(id: string, owner: string): Promise<void> {
    await this.db
      .updateTable('serve_jobs')
      .set({ lease_expires_at: 0 })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .where('lease_owner', '=', owner)
      .execute();
  }

  /** Ends a running job (`completed` or `failed`); results expire `ttlSeconds` after this. */
  async finish(id: string, owner: string, status: 'completed' | 'failed', ttlSeconds: number, error?: string) {
    const now = Date.now();
    await this.db
      .updateTable('serve_jobs')
      .set({
        status,
        completed_at: new Date(now).toISOString(),
        expires_at: new Date(now + ttlSeconds * 1000).toISOString(),
        error: error ?? null,
        lease_owner: null,
        lease_expires_at: null,
      })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .where('lease_owner', '=', owner)
      .execute();
  }

  /** Cancels a queued or running job; returns the job as it is afterwards (undefined: no such job). */
  async cancel(id: string, ttlSeconds: number): Promise<JobView | undefined> {
    const now = Date.now();
    await this.db
      .updateTable('serve_jobs')
      .set({
        status: 'cancelled',
        completed_at: new Date(now).toISOString(),
        expires_at: new Date(now + ttlSeconds * 1000).toISOString(),
        lease_owner: null,
        lease_expires_at: null,
      })
      .where('id', '=', id)
      .where('status', 'in', ['queued', 'running'])
      .execute();
    return this.get(id);
  }

  /** Deletes jobs whose results expired; returns how many. */
  async sweep(): Promise<number> {
    const now = new Date().toISOString();
    const expired = await this.db
      .selectFrom('serve_jobs')
      .select('id')
      .where('expires_at', '<=', now)
      .where('status', 'in', TERMINAL)
      .limit(1000)
      .execute();
    if (expired.length === 0) return 0;
    const ids = expired.map((r) => r.id);
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('serve_job_chunks').where('job_id', 'in', ids).execute();
      await tx.deleteFrom('serve_jobs').where('id', 'in', ids).execute();
    });
    return ids.length;
  }

  async countByStatus(): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom('serve_jobs')
      .select((eb) => ['status', eb.fn.countAll<string | number>().as('n')])
      .groupBy('status')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }
}

function view(row: ServeJobsTable): JobView {
  return {
    job_id: row.id,
    model: row.model,
    version: Number(row.version),
    status: row.status,
    total: Number(row.total),
    done: Number(row.done),
    failed: Number(row.failed),
    created_at: row.created_at,
    started_at: row.started_at,
    completed_at: row.completed_at,
    expires_at: row.expires_at,
    error: row.error,
  };
}
