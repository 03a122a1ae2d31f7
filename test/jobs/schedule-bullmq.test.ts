/**
 * Schedules on BullMQ job schedulers against the real Redis: two workers, each with its own Redis
 * connections (and, on PostgreSQL, its own metadata pool), share one schedule firing every second.
 */
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MetadataStore, openMetadataStore } from '../../src/core/metadata/index.js';
import {
  addSchedule,
  type BullmqSchedules,
  listScheduleRuns,
  type PredictRunner,
  parsePredictArgs,
  removeSchedule,
  startBullmqSchedules,
} from '../../src/jobs/index.js';
import { createTempPostgresDatabase, serviceUrl, tempDir, uniqueSuffix } from '../helpers/services.js';

const redisUrl = serviceUrl('redis');
const postgresUrl = serviceUrl('postgres');

const targets: Array<{ name: string; open: () => Promise<{ stores: MetadataStore[]; drop: () => Promise<void> }> }> = [
  {
    name: 'sqlite',
    open: async () => {
      const dir = tempDir();
      // One SQLite file has one connection per process; the two workers share it here.
      const store = await openMetadataStore(`sqlite:${join(dir.path, 'm.sqlite')}`);
      return { stores: [store, store], drop: async () => dir.remove() };
    },
  },
];
if (postgresUrl) {
  targets.push({
    name: 'postgres',
    open: async () => {
      const db = await createTempPostgresDatabase(postgresUrl);
      const stores = [await openMetadataStore(db.url), await openMetadataStore(db.url)];
      return { stores, drop: db.drop };
    },
  });
}

/** A prediction that takes a little while and records which worker ran it. */
function recordingRunner(worker: string, calls: string[]): PredictRunner {
  return async (spec) => {
    calls.push(`${worker}:${spec.runId}`);
    await new Promise((resolve) => setTimeout(resolve, 30));
    return {
      run_id: spec.runId ?? 'none',
      model: 'm',
      version: 1,
      environment: 'prod',
      rows_in: 1,
      rows_out: 1,
      rejected: 0,
      table: spec.to,
      rejected_table: null,
    };
  };
}

describe.runIf(redisUrl).each(targets)('BullMQ job schedulers with the metadata store on $name', (target) => {
  let stores: MetadataStore[];
  let drop: () => Promise<void>;
  let workers: BullmqSchedules[] = [];
  const prefix = `fleetcast-test-${uniqueSuffix()}`;
  const calls: string[] = [];

  beforeAll(async () => {
    ({ stores, drop } = await target.open());
  });
  afterAll(async () => {
    await workers[0]?.obliterate().catch(() => {});
    await Promise.all(workers.map((w) => w.close()));
    await Promise.all([...new Set(stores)].map((s) => s.close()));
    await drop?.();
  });

  it('N firings give exactly N runs across two workers, and a second delivery of a firing does not run', async () => {
    await addSchedule(
      stores[0]!,
      {
        name: 'every-second',
        cron: '* * * * * *',
        timezone: 'UTC',
        predict: parsePredictArgs('--model m@prod --from t --to p'),
        retries: 0,
        backoffMs: 0,
      },
      'ops',
    );
    workers = await Promise.all(
      ['a', 'b'].map((name, i) =>
        startBullmqSchedules(stores[i]!, recordingRunner(name, calls), {
          redisUrl: redisUrl!,
          prefix,
          queueName: 'schedules',
          worker: name,
        }),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 4_500));
    await removeSchedule(stores[0]!, 'every-second');
    expect((await workers[0]!.sync()).removed).toEqual(['every-second']);
    // Let a firing in flight finish.
    await expect
      .poll(async () => (await listScheduleRuns(stores[0]!, { status: 'running' })).length, { timeout: 5_000 })
      .toBe(0);

    const runs = await listScheduleRuns(stores[0]!, { schedule: 'every-second' });
    const firings = runs.length;
    expect(firings).toBeGreaterThanOrEqual(3);
    const ran = workers.reduce((sum, w) => sum + w.stats.ran, 0);
    const delivered = workers.reduce((sum, w) => sum + w.stats.delivered, 0);
    expect(ran).toBe(firings);
    expect(calls).toHaveLength(firings);
    expect(delivered - workers.reduce((sum, w) => sum + w.stats.stale, 0)).toBe(firings);
    expect(workers.map((w) => w.stats.duplicates)).toEqual([0, 0]);
    expect(runs.every((r) => r.status === 'completed' && r.trigger === 'cron' && r.attempts === 1)).toBe(true);
    const times = runs.map((r) => Date.parse(r.fire_time)).sort((x, y) => x - y);
    expect(new Set(times).size).toBe(firings);
    expect(times.every((t) => t % 1000 === 0)).toBe(true); // on the cron's whole seconds
    // Each run's predictions are written under the firing's own id.
    expect(runs.every((r) => r.prediction_run === r.id)).toBe(true);

    // BullMQ hands a stalled worker's job to another worker: the claim keeps that from running twice.
    await addSchedule(
      stores[0]!,
      {
        name: 'once',
        cron: '0 0 1 1 *',
        timezone: 'UTC',
        predict: parsePredictArgs('--model m@prod --from t --to p'),
        retries: 0,
        backoffMs: 0,
      },
      'ops',
    );
    await workers[1]!.sync();
    const queue = new Queue('schedules', { connection: { url: redisUrl! }, prefix });
    try {
      const [scheduler] = await queue.getJobSchedulers();
      const fireMs = Date.parse('2030-01-01T00:00:00Z');
      for (const copy of ['first', 'again']) {
        await queue.add('fire', scheduler!.template!.data, { jobId: `${copy}-${fireMs}`, prevMillis: fireMs });
      }
      await expect.poll(() => workers.reduce((sum, w) => sum + w.stats.duplicates, 0), { timeout: 5_000 }).toBe(1);
      const once = await listScheduleRuns(stores[0]!, { schedule: 'once' });
      expect(once.map((r) => r.fire_time)).toEqual(['2030-01-01T00:00:00.000Z']);
    } finally {
      await queue.close();
    }
  }, 30_000);
});
