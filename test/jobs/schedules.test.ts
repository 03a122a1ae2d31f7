import { join } from 'node:path';
import { Cron } from 'croner';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LocalArtifactStore } from '../../src/core/artifacts/index.js';
import { type MetadataStore, openMetadataStore } from '../../src/core/metadata/index.js';
import { openWarehouse, type Warehouse } from '../../src/core/warehouse/index.js';
import {
  addSchedule,
  latestDueFiring,
  listScheduleRuns,
  parsePredictArgs,
  runBatchPrediction,
  runDueSchedules,
  sweepStaleRuns,
} from '../../src/jobs/index.js';
import { registerFlavor, saveModel } from '../../src/models/index.js';
import { ModelRegistry } from '../../src/registry/index.js';
import { runInProcess } from '../helpers/cli.js';
import { createTempPostgresDatabase, serviceUrl, tempDir } from '../helpers/services.js';

// These tests drive the registry and job machinery with a tiny `text-classifier` fixture flavor
// (below); the built-in text-classifier loader is kept from claiming the flavor in this file.
vi.mock('../../src/models/text/flavor.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/models/text/flavor.js')>()),
  registerTextClassifierFlavor: () => {},
}));

// Fixture row-wise flavor (see predict.test.ts): outputs which model version answered.
registerFlavor('text-classifier', (files) => {
  const { label } = JSON.parse(files.read('label.json').toString()) as { label: string };
  return {
    flavor: 'text-classifier',
    signature: files.manifest.signature,
    manifest: files.manifest,
    predict: async (batch: unknown) => (batch as unknown[]).map(() => ({ label })),
  };
});
const signature = {
  inputs: [{ name: 'text', type: 'string' as const }],
  outputs: [{ name: 'label', type: 'string' as const }],
};

describe('cron firings', () => {
  it('returns only the latest missed firing, in the schedule’s time zone', () => {
    const daily = new Cron('0 2 * * *', { timezone: 'Europe/Berlin', paused: true });
    const due = latestDueFiring(daily, new Date('2026-06-01T00:00:00Z'), new Date('2026-06-04T12:00:00Z'));
    expect(due?.toISOString()).toBe('2026-06-04T00:00:00.000Z'); // 02:00 in Berlin (CEST)
    expect(latestDueFiring(daily, new Date('2026-06-04T00:00:00Z'), new Date('2026-06-04T12:00:00Z'))).toBeUndefined();
  });

  it('parses predict options and rejects incomplete ones', () => {
    expect(parsePredictArgs(`--model cpu@prod --from "SELECT * FROM m" --to p --batch-size 50`)).toEqual({
      model: 'cpu@prod',
      from: 'SELECT * FROM m',
      to: 'p',
      batchSize: 50,
    });
    expect(() => parsePredictArgs('--model cpu@prod --to p')).toThrow(/needs --from/);
    expect(() => parsePredictArgs('--model cpu@prod --from t --to p --bogus 1')).toThrow(/not a predict option/);
    expect(() => parsePredictArgs('--model')).toThrow(/has no value/);
  });
});

const postgresUrl = serviceUrl('postgres');
const targets: Array<{ name: string; url: (dir: string) => Promise<{ url: string; drop: () => Promise<void> }> }> = [
  { name: 'sqlite', url: async (dir) => ({ url: `sqlite:${join(dir, 'm.sqlite')}`, drop: async () => {} }) },
];
if (postgresUrl) targets.push({ name: 'postgres', url: () => createTempPostgresDatabase(postgresUrl) });

describe.each(targets)('scheduled predictions on $name', (target) => {
  const dir = tempDir();
  let metadata: MetadataStore[];
  let warehouse: Warehouse;
  let registry: ModelRegistry;
  let drop: () => Promise<void>;
  const runner = (i: number) => (spec: Parameters<typeof runBatchPrediction>[1]) =>
    runBatchPrediction({ warehouse, metadata: metadata[i]!, registry }, spec);

  beforeAll(async () => {
    const db = await target.url(dir.path);
    drop = db.drop;
    const first = await openMetadataStore(db.url);
    // Two workers: on PostgreSQL two pools; an embedded SQLite file has one connection per process.
    metadata = [first, target.name === 'sqlite' ? first : await openMetadataStore(db.url)];
    warehouse = await openWarehouse(`duckdb:${join(dir.path, 'w.duckdb')}`);
    await warehouse.ensureTable({
      name: 'inbox',
      columns: [
        { name: 'id', type: 'text' },
        { name: 'text', type: 'text' },
      ],
    });
    await warehouse.append('inbox', [
      { id: 'a', text: 'one' },
      { id: 'b', text: 'two' },
    ]);
    registry = new ModelRegistry({
      metadata: first,
      artifacts: new LocalArtifactStore(join(dir.path, 'art')),
      user: 'ops',
      cacheDir: join(dir.path, 'cache'),
    });
    for (const label of ['v1', 'v2']) {
      const folder = join(dir.path, label);
      saveModel(folder, { flavor: 'text-classifier', signature, files: { 'label.json': JSON.stringify({ label }) } });
      await registry.register('triage', folder);
    }
  });
  afterAll(async () => {
    await warehouse?.close();
    await Promise.all([...new Set(metadata)].map((m) => m.close()));
    await drop?.();
    dir.remove();
  });

  it('fires each due firing once across two workers, and follows promotions and rollbacks', async () => {
    const created = await addSchedule(
      metadata[0]!,
      {
        name: 'nightly',
        cron: '0 2 * * *',
        timezone: 'UTC',
        predict: parsePredictArgs('--model triage@prod --from inbox --to scored --key id'),
        retries: 0,
        backoffMs: 0,
      },
      'ops',
    );
    expect(created.nextRun).toMatch(/T02:00:00.000Z$/);
    const day = (n: number) => new Date(Date.parse(created.createdAt) + n * 86_400_000);

    await registry.promote('triage', 1, 'prod');
    const [a, b] = await Promise.all([
      runDueSchedules(metadata[0]!, runner(0), { now: day(1) }),
      runDueSchedules(metadata[1]!, runner(1), { now: day(1) }),
    ]);
    expect([...a, ...b]).toHaveLength(1);
    expect([...a, ...b][0]).toMatchObject({ status: 'completed', rows_in: 2, rows_out: 2, attempts: 1 });
    expect(await runDueSchedules(metadata[1]!, runner(1), { now: day(1) })).toEqual([]);

    await registry.promote('triage', 2, 'prod');
    await runDueSchedules(metadata[0]!, runner(0), { now: day(2) });
    await registry.rollback('triage', 'prod', 'v2 mislabels');
    await runDueSchedules(metadata[1]!, runner(1), { now: day(3) });

    const runs = (await listScheduleRuns(metadata[0]!, { schedule: 'nightly' })).reverse();
    expect(runs.map((r) => r.status)).toEqual(['completed', 'completed', 'completed']);
    const versions = await warehouse.query(
      'SELECT run_id, MIN(version) AS version, MIN(label) AS label FROM scored GROUP BY run_id',
    );
    const byRun = new Map(versions.map((v) => [v.run_id, `${v.version}:${v.label}`]));
    expect(runs.map((r) => byRun.get(r.prediction_run))).toEqual(['1:v1', '2:v2', '1:v1']);
  });

  it('retries a failing job with backoff and records the error', async () => {
    await addSchedule(
      metadata[0]!,
      {
        name: 'broken',
        cron: '*/5 * * * *',
        timezone: 'UTC',
        predict: parsePredictArgs('--model triage@staging --from inbox --to x'),
        retries: 2,
        backoffMs: 20,
      },
      'ops',
    );
    const started = Date.now();
    const runs = await runDueSchedules(metadata[0]!, runner(0), { now: new Date(Date.now() + 600_000) });
    const broken = runs.find((r) => r.schedule === 'broken');
    expect(broken).toMatchObject({
      status: 'failed',
      attempts: 3,
      error: expect.stringContaining('no version at @staging'),
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(60); // 20 + 40 ms of backoff
  });

  it('retries a run whose worker died (its lease expired), or fails it when no attempt is left', async () => {
    for (const [name, retries] of [
      ['crashy', 1],
      ['fragile', 0],
    ] as const) {
      await addSchedule(
        metadata[0]!,
        {
          name,
          cron: '0 3 * * *',
          timezone: 'UTC',
          predict: parsePredictArgs('--model triage@prod --from inbox --to crashed --key id'),
          retries,
          backoffMs: 0,
        },
        'ops',
      );
    }
    // A worker claimed these firings and died mid-attempt: its rows stay `running`, leases run out.
    const db = metadata[0]!.db.withTables<{ schedule_runs: { lease_expires_at: number | null } }>();
    const orphan = (id: string, schedule: string, fire: string, lease: number) => ({
      ...{ id, schedule, fire_time: fire, trigger: 'cron' as const, status: 'running' as const, attempts: 1 },
      ...{ worker: 'dead-host:1', started_at: new Date(Date.now() - 120_000).toISOString(), finished_at: null },
      ...{ duration_ms: null, rows_in: null, rows_out: null, rejected: null, prediction_run: null, error: null },
      lease_expires_at: lease,
    });
    await db
      .insertInto('schedule_runs')
      .values([
        orphan('dead-crashy', 'crashy', '2026-01-01T03:00:00.000Z', Date.now() - 1_000),
        orphan('dead-fragile', 'fragile', '2026-01-01T03:00:00.000Z', Date.now() - 1_000),
        orphan('alive', 'crashy', '2026-01-02T03:00:00.000Z', Date.now() + 60_000),
      ])
      .execute();
    const swept = (
      await Promise.all([
        sweepStaleRuns(metadata[0]!, runner(0), { worker: 'w0' }),
        sweepStaleRuns(metadata[1]!, runner(1), { worker: 'w1' }),
      ])
    ).flat();
    expect(swept.map((r) => r.id).sort()).toEqual(['dead-crashy', 'dead-fragile']);
    const runs = new Map((await listScheduleRuns(metadata[0]!)).map((r) => [r.id, r]));
    expect(runs.get('dead-crashy')).toMatchObject({
      status: 'completed',
      attempts: 2,
      rows_out: 2,
      prediction_run: 'dead-crashy',
      worker: expect.stringMatching(/^w[01]$/),
      lease_expires_at: null,
    });
    expect(runs.get('dead-fragile')).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: expect.stringContaining('worker dead-host:1 stopped mid-run'),
    });
    expect(runs.get('alive')).toMatchObject({ status: 'running', worker: 'dead-host:1' });
    await db.deleteFrom('schedule_runs').where('id', '=', 'alive').execute();
  });

  it('refuses bad cron expressions, time zones, names and duplicates', async () => {
    const base = {
      cron: '0 2 * * *',
      timezone: 'UTC',
      predict: parsePredictArgs('--model m --from t --to p'),
      retries: 0,
      backoffMs: 0,
    };
    await expect(addSchedule(metadata[0]!, { ...base, name: 'x', cron: '61 * * * *' }, 'ops')).rejects.toThrow(
      /cron expression/,
    );
    await expect(addSchedule(metadata[0]!, { ...base, name: 'x', timezone: 'Mars/Olympus' }, 'ops')).rejects.toThrow(
      /time zone/,
    );
    await expect(addSchedule(metadata[0]!, { ...base, name: 'Bad Name' }, 'ops')).rejects.toThrow(/not valid/);
    await expect(addSchedule(metadata[0]!, { ...base, name: 'nightly' }, 'ops')).rejects.toThrow(/exists/);
  });
});

describe('fleetcast schedule', () => {
  it('adds, lists, runs, shows the history of and removes a schedule', async () => {
    const dir = tempDir();
    const env = { FLEETCAST_HOME: join(dir.path, 'home') };
    const cli = (...args: string[]) => runInProcess(args, { cwd: dir.path, env });
    saveModel(join(dir.path, 'm'), { flavor: 'text-classifier', signature, files: { 'label.json': '{"label":"ok"}' } });
    expect((await cli('models', 'register', 'triage', join(dir.path, 'm'), '--env', 'prod')).code).toBe(0);
    const w = await openWarehouse(`duckdb:${join(dir.path, 'home', 'warehouse.duckdb')}`);
    await w.ensureTable({ name: 'inbox', columns: [{ name: 'text', type: 'text' }] });
    await w.append('inbox', [{ text: 'hello' }]);
    await w.close();

    const added = await cli(
      'schedule',
      'add',
      'daily',
      '--cron',
      '0 2 * * *',
      '--tz',
      'UTC',
      '--predict',
      '--model triage@prod --from inbox --to out',
      '--backoff',
      '5s',
      '--json',
    );
    expect(added.code, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ name: 'daily', backoffMs: 5000, retries: 3 });
    expect(JSON.parse((await cli('schedule', 'list', '--json')).stdout).map((s: { name: string }) => s.name)).toEqual([
      'daily',
    ]);
    const run = await cli('schedule', 'run', 'daily', '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'completed', rows_out: 1, trigger: 'manual' });
    const history = await cli('schedule', 'list', '--runs');
    expect(history.stdout).toMatch(/daily completed \(manual, 1 attempt\) in 1 out 1/);
    expect((await cli('schedule', 'add', 'x', '--cron', '0 2 * * *', '--predict', '--model a', '--json')).code).toBe(2);
    expect(
      (
        await cli(
          'schedule',
          'add',
          'x',
          '--cron',
          '0 2 * * *',
          '--predict',
          '--model a --from t --to p',
          '--backoff',
          'soon',
        )
      ).code,
    ).toBe(2);
    expect((await cli('schedule', 'remove', 'daily', '--json')).code).toBe(0);
    const gone = await cli('schedule', 'remove', 'daily');
    expect(gone.stderr).toContain('no schedule named daily');
    dir.remove();
  });
});
