/**
 * Running one firing of a schedule: the claim, the attempts with backoff, and the lease that lets
 * another worker notice a crash. Claiming inserts the `(schedule, fire_time)` row, a unique key, so a
 * firing runs once however many workers (or BullMQ deliveries) reach it. While it runs, the worker
 * renews `lease_expires_at`; a `running` row past its lease belongs to a worker that died mid-run,
 * and `sweepStaleRuns` (every worker calls it on each tick, from startup on) takes it over with a
 * compare-and-set, then retries it while attempts remain, or marks it failed with the reason.
 */
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage } from '../core/errors.js';
import { newRunId } from '../core/logging.js';
import type { MetadataStore, ScheduleRunsTable, SchedulesTable } from '../core/metadata/index.js';
import type { BatchPredictionResult } from './batch-predict.js';

export interface PredictSpec {
  model: string;
  from: string;
  to: string;
  key?: string;
  batchSize?: number;
}

/**
 * Runs one prediction job; the worker passes `runBatchPrediction` bound to its stores. `runId` is
 * the firing's own id, so a retried firing replaces its predictions instead of adding a second set.
 */
export type PredictRunner = (spec: PredictSpec & { runId?: string }) => Promise<BatchPredictionResult>;

/** A schedule run as stored, with its lease (epoch ms; PostgreSQL returns bigint as text). */
export type ScheduleRun = ScheduleRunsTable & { lease_expires_at?: number | string | null };

export interface FiringOptions {
  /** Who runs it, for the job history; defaults to host:pid. */
  worker?: string;
  /** How long a claim holds without renewal; renewed every third of it. Default 60 s. */
  leaseMs?: number;
}

export const DEFAULT_LEASE_MS = 60_000;
/** Rows written before leases existed have none: after this long they are taken to be orphans. */
const LEGACY_STALE_MS = 6 * 3_600_000;
/**
 * Firings this process is running now. A sweep never takes one of them over, even if a long
 * synchronous stretch let its lease lapse: it is not orphaned, only late to renew.
 */
const running = new Set<string>();

/** The metadata tables plus the lease column added by migration 0008. */
function leased(metadata: MetadataStore) {
  return metadata.db.withTables<{ schedule_runs: { lease_expires_at: number | string | null } }>();
}

export function defaultWorkerName(): string {
  return `${hostname()}:${process.pid}`;
}

/**
 * Claims the firing `(schedule, fireTime)` and runs it; undefined when another worker claimed it
 * first. Failed attempts are retried with exponential backoff, up to the schedule's retries.
 */
export async function claimAndRun(
  metadata: MetadataStore,
  schedule: SchedulesTable,
  fireTime: Date,
  trigger: 'cron' | 'manual',
  runPredict: PredictRunner,
  options: FiringOptions = {},
): Promise<ScheduleRun | undefined> {
  const worker = options.worker ?? defaultWorkerName();
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const row: ScheduleRun = {
    id: newRunId(),
    schedule: schedule.name,
    fire_time: fireTime.toISOString(),
    trigger,
    status: 'running',
    attempts: 0,
    worker,
    started_at: new Date().toISOString(),
    finished_at: null,
    duration_ms: null,
    rows_in: null,
    rows_out: null,
    rejected: null,
    prediction_run: null,
    error: null,
    lease_expires_at: Date.now() + leaseMs,
  };
  const claimed = await leased(metadata)
    .insertInto('schedule_runs')
    .values(row)
    .onConflict((oc) => oc.columns(['schedule', 'fire_time']).doNothing())
    .executeTakeFirst();
  if (Number(claimed.numInsertedOrUpdatedRows ?? 0n) !== 1) return undefined;
  return runAttempts(metadata, schedule, row, runPredict, { worker, leaseMs });
}

/**
 * Finds `running` rows whose lease ran out (their worker died), takes each over and retries it while
 * the schedule allows more attempts; otherwise marks it failed. Returns the rows it finished.
 */
export async function sweepStaleRuns(
  metadata: MetadataStore,
  runPredict: PredictRunner,
  options: FiringOptions & { now?: Date } = {},
): Promise<ScheduleRun[]> {
  const worker = options.worker ?? defaultWorkerName();
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const now = (options.now ?? new Date()).getTime();
  const db = leased(metadata);
  const stale = await db
    .selectFrom('schedule_runs')
    .selectAll()
    .where('status', '=', 'running')
    .where((eb) =>
      eb.or([
        eb('lease_expires_at', '<', now),
        eb.and([
          eb('lease_expires_at', 'is', null),
          eb('started_at', '<', new Date(now - LEGACY_STALE_MS).toISOString()),
        ]),
      ]),
    )
    .orderBy('started_at')
    .execute();
  const finished: ScheduleRun[] = [];
  for (const row of stale) {
    if (running.has(row.id)) continue;
    // Compare-and-set on the expired lease: of two sweepers, one takes the row over.
    const taken = await db
      .updateTable('schedule_runs')
      .set({ worker, lease_expires_at: Date.now() + leaseMs })
      .where('id', '=', row.id)
      .where('status', '=', 'running')
      .where((eb) =>
        row.lease_expires_at === null
          ? eb('lease_expires_at', 'is', null)
          : eb('lease_expires_at', '=', Number(row.lease_expires_at)),
      )
      .executeTakeFirst();
    if (Number(taken.numUpdatedRows) !== 1) continue;
    const interruption = `attempt ${row.attempts} was interrupted: worker ${row.worker} stopped mid-run (its lease expired)`;
    const schedule = await metadata.db
      .selectFrom('schedules')
      .selectAll()
      .where('name', '=', row.schedule)
      .executeTakeFirst();
    const owned: ScheduleRun = { ...row, worker, error: interruption };
    if (!schedule || Number(row.attempts) >= Number(schedule.retries) + 1) {
      const reason = schedule ? interruption : `${interruption}; the schedule was removed since`;
      finished.push(await finish(metadata, owned, worker, { status: 'failed', error: reason }));
      continue;
    }
    finished.push(await runAttempts(metadata, schedule, owned, runPredict, { worker, leaseMs }));
  }
  return finished;
}

export async function listScheduleRuns(
  metadata: MetadataStore,
  filter: { schedule?: string; status?: ScheduleRunsTable['status']; limit?: number } = {},
): Promise<ScheduleRun[]> {
  let query = leased(metadata).selectFrom('schedule_runs').selectAll();
  if (filter.schedule) query = query.where('schedule', '=', filter.schedule);
  if (filter.status) query = query.where('status', '=', filter.status);
  const rows = await query
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit ?? 100)
    .execute();
  return rows.map((row) => ({
    ...row,
    lease_expires_at: row.lease_expires_at === null ? null : Number(row.lease_expires_at),
  }));
}

/** Attempts after `row.attempts`, renewing the lease meanwhile; each attempt is recorded as it starts. */
async function runAttempts(
  metadata: MetadataStore,
  schedule: SchedulesTable,
  row: ScheduleRun,
  runPredict: PredictRunner,
  options: Required<FiringOptions>,
): Promise<ScheduleRun> {
  const db = leased(metadata);
  const renew = setInterval(
    () => {
      db.updateTable('schedule_runs')
        .set({ lease_expires_at: Date.now() + options.leaseMs })
        .where('id', '=', row.id)
        .where('status', '=', 'running')
        .where('worker', '=', options.worker)
        .execute()
        .catch(() => {}); // a missed renewal only shortens the lease; the next one may land
    },
    Math.max(50, Math.floor(options.leaseMs / 3)),
  );
  renew.unref();
  running.add(row.id);
  const spec = JSON.parse(schedule.spec) as PredictSpec;
  let outcome: Partial<ScheduleRun> = { status: 'failed', error: row.error ?? 'no attempt was made' };
  try {
    for (let attempt = Number(row.attempts) + 1; attempt <= Number(schedule.retries) + 1; attempt++) {
      await db.updateTable('schedule_runs').set({ attempts: attempt }).where('id', '=', row.id).execute();
      try {
        const result = await runPredict({ ...spec, runId: row.id });
        outcome = {
          status: 'completed',
          attempts: attempt,
          rows_in: result.rows_in,
          rows_out: result.rows_out,
          rejected: result.rejected,
          prediction_run: result.run_id,
          error: null,
        };
        break;
      } catch (error) {
        outcome = { status: 'failed', attempts: attempt, error: errorMessage(error) };
        if (attempt <= Number(schedule.retries)) await sleep(Number(schedule.backoff_ms) * 2 ** (attempt - 1));
      }
    }
  } finally {
    clearInterval(renew);
    running.delete(row.id);
  }
  return finish(metadata, row, options.worker, outcome);
}

async function finish(
  metadata: MetadataStore,
  row: ScheduleRun,
  worker: string,
  outcome: Partial<ScheduleRun>,
): Promise<ScheduleRun> {
  const finished = new Date();
  const update = {
    ...outcome,
    finished_at: finished.toISOString(),
    duration_ms: finished.getTime() - Date.parse(row.started_at),
    lease_expires_at: null,
  };
  // Only while this worker still holds the row: a sweeper that took it over writes its own outcome.
  await leased(metadata)
    .updateTable('schedule_runs')
    .set(update)
    .where('id', '=', row.id)
    .where('worker', '=', worker)
    .execute();
  return { ...row, ...update, worker };
}
