/**
 * Schedules when scaled (Redis configured): every schedule of the metadata store is mirrored as a
 * BullMQ job scheduler (`Queue.upsertJobScheduler(name, { pattern: cron, tz })`) on a queue of its
 * own. Redis then holds one job per firing, and BullMQ hands each job to exactly one of the workers
 * on however many hosts. The metadata store stays the source of truth: `sync()` upserts schedulers
 * whose definition changed and removes those whose schedule is gone. Each job's firing time
 * (`prevMillis`) is still claimed in the metadata store before it runs (schedule-runs.ts), so a job
 * BullMQ delivers twice — a stalled worker's job handed to another — runs once all the same.
 */
import { createHash } from 'node:crypto';
import { type Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { errorMessage } from '../core/errors.js';
import type { MetadataStore, SchedulesTable } from '../core/metadata/index.js';
import { DEFAULT_PREFIX, pingRedis } from '../core/queue/index.js';
import { claimAndRun, type FiringOptions, type PredictRunner, type ScheduleRun } from './schedule-runs.js';

export const DEFAULT_SCHEDULE_QUEUE = 'fleetcast-schedules';

/** Jobs of past firings are kept a while for inspection, bounded so Redis does not grow per firing. */
const JOB_OPTIONS = {
  attempts: 1, // retries are the schedule's own, recorded in schedule_runs
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 1000 },
};

export interface BullmqScheduleOptions extends FiringOptions {
  redisUrl: string;
  /** Queue holding the firings (default `fleetcast-schedules`); all workers of one install share it. */
  queueName?: string;
  prefix?: string;
  /** Firings this worker runs at once (default 1). */
  concurrency?: number;
  /** Called with each firing this worker ran (completed or failed). */
  onRun?: (run: ScheduleRun) => void;
  /** Called when a job could not be handled (the metadata store failed, …). */
  onError?: (error: unknown) => void;
}

/** What this worker's BullMQ worker did, for logs and tests. */
export interface ScheduleFiringStats {
  /** Jobs BullMQ handed to this worker. */
  delivered: number;
  /** Firings this worker claimed and ran. */
  ran: number;
  /** Jobs whose firing another delivery had already claimed (BullMQ delivered it twice). */
  duplicates: number;
  /** Jobs of a schedule removed or redefined since the job was made. */
  stale: number;
}

interface FiringData {
  schedule: string;
  /** The schedule definition the job was made from (see `fingerprint`). */
  fingerprint: string;
}

export class BullmqSchedules {
  readonly stats: ScheduleFiringStats = { delivered: 0, ran: 0, duplicates: 0, stale: 0 };
  private worker: Worker<FiringData> | undefined;

  constructor(
    private readonly metadata: MetadataStore,
    private readonly queue: Queue<FiringData>,
    private readonly connections: Redis[],
  ) {}

  /** Makes Redis's job schedulers match the schedules table; returns what changed. */
  async sync(): Promise<{ upserted: string[]; removed: string[] }> {
    const schedules = await this.metadata.db.selectFrom('schedules').selectAll().execute();
    const current = new Map((await this.queue.getJobSchedulers(0, -1, true)).map((s) => [s.key, s]));
    const upserted: string[] = [];
    for (const schedule of schedules) {
      const known = current.get(schedule.name);
      const print = fingerprint(schedule);
      if (
        known?.pattern === schedule.cron &&
        known.tz === schedule.timezone &&
        known.template?.data?.fingerprint === print
      ) {
        continue;
      }
      await this.queue.upsertJobScheduler(
        schedule.name,
        { pattern: schedule.cron, tz: schedule.timezone },
        { name: 'fire', data: { schedule: schedule.name, fingerprint: print }, opts: JOB_OPTIONS },
      );
      upserted.push(schedule.name);
    }
    const names = new Set(schedules.map((s) => s.name));
    const removed: string[] = [];
    for (const key of current.keys()) {
      if (names.has(key)) continue;
      await this.queue.removeJobScheduler(key);
      removed.push(key);
    }
    return { upserted, removed };
  }

  /** Starts taking firings (after a first `sync`, so a fresh queue has its schedulers). */
  async start(runPredict: PredictRunner, options: BullmqScheduleOptions): Promise<void> {
    const connection = this.connections[1]!;
    this.worker = new Worker<FiringData>(this.queue.name, (job) => this.fire(job, runPredict, options), {
      connection,
      prefix: options.prefix ?? DEFAULT_PREFIX,
      concurrency: options.concurrency ?? 1,
    });
    this.worker.on('error', (error) => options.onError?.(error));
    await this.worker.waitUntilReady();
  }

  /** Removes the queue and its schedulers from Redis (tests, uninstall). */
  async obliterate(): Promise<void> {
    await this.queue.obliterate({ force: true });
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
    for (const connection of this.connections) await connection.quit().catch(() => connection.disconnect());
  }

  private async fire(job: Job<FiringData>, runPredict: PredictRunner, options: BullmqScheduleOptions) {
    this.stats.delivered++;
    try {
      const schedule = await this.metadata.db
        .selectFrom('schedules')
        .selectAll()
        .where('name', '=', job.data.schedule)
        .executeTakeFirst();
      if (!schedule || fingerprint(schedule) !== job.data.fingerprint) {
        this.stats.stale++;
        return { skipped: 'the schedule was removed or redefined after this firing was planned' };
      }
      const run = await claimAndRun(this.metadata, schedule, new Date(firingTime(job)), 'cron', runPredict, options);
      if (!run) {
        this.stats.duplicates++;
        return { skipped: 'this firing was already claimed' };
      }
      this.stats.ran++;
      options.onRun?.(run);
      return { run: run.id, status: run.status };
    } catch (error) {
      options.onError?.(error);
      throw error instanceof Error ? error : new Error(errorMessage(error));
    }
  }
}

/**
 * Connects to Redis (failing fast when it does not answer), mirrors the schedules and starts the
 * worker that runs firings.
 */
export async function startBullmqSchedules(
  store: MetadataStore,
  runPredict: PredictRunner,
  options: BullmqScheduleOptions,
): Promise<BullmqSchedules> {
  await pingRedis(options.redisUrl);
  const connections = [connect(options.redisUrl), connect(options.redisUrl)];
  const queue = new Queue<FiringData>(options.queueName ?? DEFAULT_SCHEDULE_QUEUE, {
    connection: connections[0]!,
    prefix: options.prefix ?? DEFAULT_PREFIX,
  });
  queue.on('error', (error) => options.onError?.(error));
  const schedules = new BullmqSchedules(store, queue, connections);
  try {
    await schedules.sync();
    await schedules.start(runPredict, options);
  } catch (error) {
    await schedules.close().catch(() => {});
    throw error;
  }
  return schedules;
}

/** BullMQ needs `maxRetriesPerRequest: null`; ioredis reconnects by itself, so errors are not fatal. */
function connect(url: string): Redis {
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  connection.on('error', () => {});
  return connection;
}

/** The firing a job stands for: BullMQ records it as `prevMillis` and in the id `repeat:NAME:MILLIS`. */
function firingTime(job: Job<FiringData>): number {
  const recorded = (job.opts as { prevMillis?: number }).prevMillis;
  if (typeof recorded === 'number' && Number.isFinite(recorded)) return recorded;
  const fromId = Number(job.id?.split(':').at(-1));
  return Number.isFinite(fromId) && fromId > 0 ? fromId : job.timestamp + (job.opts.delay ?? 0);
}

/** Changes whenever the schedule is redefined (removed and added again, even with the same cron). */
function fingerprint(schedule: SchedulesTable): string {
  return createHash('sha256')
    .update(JSON.stringify([schedule.name, schedule.cron, schedule.timezone, schedule.created_at]))
    .digest('hex')
    .slice(0, 16);
}
