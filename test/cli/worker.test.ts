import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openMetadataStore } from '../../src/core/metadata/index.js';
import { BullmqQueue } from '../../src/core/queue/index.js';
import { openWarehouse } from '../../src/core/warehouse/index.js';
import { listScheduleRuns } from '../../src/jobs/index.js';
import { linearModelOnnx, saveModel, saveOnnxModel } from '../../src/models/index.js';
import { BIN, cleanEnv, runInProcess } from '../helpers/cli.js';
import { serviceUrl, tempDir, uniqueSuffix } from '../helpers/services.js';

const redisUrl = serviceUrl('redis');

describe('fleetcast worker on embedded stores', () => {
  it('scans the artifact store for uploads and records what it cannot register, once', async () => {
    const dir = tempDir();
    const home = join(dir.path, 'home');
    // A model copied into the store by hand, damaged on the way: its weights no longer match the manifest.
    const made = join(dir.path, 'made');
    saveModel(made, {
      flavor: 'forecaster',
      signature: { inputs: [{ name: 'horizon', type: 'int64' }], outputs: [{ name: 'mean', type: 'float64[]' }] },
      files: { 'forecaster.json': '{}' },
    });
    const target = join(home, 'artifacts', 'sentiment', 'v1');
    mkdirSync(target, { recursive: true });
    for (const file of readdirSync(made)) copyFileSync(join(made, file), join(target, file));
    writeFileSync(join(target, 'forecaster.json'), '{"truncated":');

    const child = spawn(process.execPath, [BIN, 'worker', '--scan-interval', '0.2'], {
      cwd: dir.path,
      env: cleanEnv({ FLEETCAST_HOME: home, FLEETCAST_LOG_FORMAT: 'json' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await expect.poll(() => stderr, { timeout: 20_000 }).toContain('rejected upload sentiment/v1/fleetcast.json');
    await new Promise((resolve) => setTimeout(resolve, 1000)); // several more scans
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const rejections = stderr.split('\n').filter((line) => line.includes('rejected upload'));
    expect(rejections).toHaveLength(1);
    expect(rejections[0]).toContain('model file forecaster.json in');
    expect(rejections[0]).toContain('does not match its checksum');
    dir.remove();
  });
});

/** A `fleetcast worker` child process, its stderr collected. */
function startWorker(args: string[], env: NodeJS.ProcessEnv, cwd: string) {
  const child = spawn(process.execPath, [BIN, 'worker', ...args], {
    cwd,
    env: cleanEnv({ FLEETCAST_LOG_FORMAT: 'json', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stderr: '' };
  child.stderr.on('data', (chunk: Buffer) => {
    output.stderr += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, output, exited };
}

describe('fleetcast worker killed mid-run', () => {
  it('leaves a running firing that the next worker takes over when its lease expires, and retries', async () => {
    const dir = tempDir();
    const home = join(dir.path, 'home');
    const env = { FLEETCAST_HOME: home };
    const cli = async (...args: string[]) => {
      const result = await runInProcess(args, { cwd: dir.path, env });
      expect(result.code, result.stderr).toBe(0);
    };
    const model = join(dir.path, 'passthrough');
    await saveOnnxModel(model, linearModelOnnx([1], 0), {
      inputs: [{ name: 'cpu', type: 'float64' }],
      outputs: [{ name: 'y', type: 'float64' }],
    });
    await cli('models', 'register', 'passthrough', model, '--env', 'prod');
    // One firing, two seconds from now (a six-field cron: seconds first).
    const at = new Date(Math.ceil(Date.now() / 1000) * 1000 + 2000);
    const cron = `${at.getUTCSeconds()} ${at.getUTCMinutes()} ${at.getUTCHours()} ${at.getUTCDate()} ${at.getUTCMonth() + 1} *`;
    const rows = 60_000; // a few seconds of pull → predict → push: long enough to be killed in
    const from = `SELECT i AS id, i::DOUBLE AS cpu FROM range(${rows}) t(i)`;
    await cli(
      ...['schedule', 'add', 'slow', '--cron', cron, '--tz', 'UTC', '--retries', '1', '--backoff', '100ms'],
      ...['--predict', `--model passthrough@prod --from "${from}" --to scored --key id`],
    );
    const metadata = await openMetadataStore(`sqlite:${join(home, 'metadata.sqlite')}`);
    try {
      const first = startWorker(['--lease', '1s', '--scan-interval', '60'], env, dir.path);
      await expect
        .poll(async () => (await listScheduleRuns(metadata, { schedule: 'slow' }))[0]?.status, { timeout: 30_000 })
        .toBe('running');
      first.child.kill('SIGKILL');
      await first.exited;
      const [orphan] = await listScheduleRuns(metadata, { schedule: 'slow' });
      expect(orphan).toMatchObject({
        status: 'running',
        attempts: 1,
        worker: expect.stringContaining(`:${first.child.pid}`),
      });

      const second = startWorker(['--lease', '1s', '--scan-interval', '60'], env, dir.path);
      await expect
        .poll(async () => (await listScheduleRuns(metadata, { schedule: 'slow' }))[0]?.status, { timeout: 40_000 })
        .toBe('completed');
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
      const runs = await listScheduleRuns(metadata, { schedule: 'slow' });
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({
        id: orphan!.id,
        status: 'completed',
        attempts: 2,
        rows_out: rows,
        prediction_run: orphan!.id,
        worker: expect.stringContaining(`:${second.child.pid}`),
      });
      const warehouse = await openWarehouse(`duckdb:${join(home, 'warehouse.duckdb')}`);
      try {
        // The retry wrote the firing's predictions once, under the firing's id.
        expect(await warehouse.query('SELECT run_id, count(*) AS n FROM scored GROUP BY run_id')).toEqual([
          { run_id: orphan!.id, n: rows },
        ]);
      } finally {
        await warehouse.close();
      }
    } finally {
      await metadata.close();
      dir.remove();
    }
  }, 90_000);
});

describe.runIf(redisUrl)('fleetcast worker on Redis', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('processes tasks a producer queues elsewhere, and stops cleanly on SIGTERM', async () => {
    const queueName = `worker-test-${uniqueSuffix()}`;
    const child = spawn(process.execPath, [BIN, 'worker', '--queue', queueName, '--concurrency', '2'], {
      cwd: dir.path,
      env: cleanEnv({ FLEETCAST_REDIS_URL: redisUrl, FLEETCAST_LOG_FORMAT: 'json' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await expect.poll(() => stderr, { timeout: 20_000 }).toContain('worker started');

    const producer = new BullmqQueue({ redisUrl: redisUrl!, queueName, runWorker: false });
    try {
      const results = await Promise.all(
        [1, 2, 3, 4].map((seed) => producer.run<{ pid: number }>('core.ping', { seed })),
      );
      // The tasks ran in the worker process, not in this one.
      for (const result of results) expect(result.pid).toBe(child.pid);
    } finally {
      await producer.obliterate().catch(() => {});
      await producer.close();
    }

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const lines = stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { runId: string; msg: string });
    expect(lines.map((l) => l.msg)).toContain('worker stopping');
    expect(new Set(lines.map((l) => l.runId)).size).toBe(1);
  });
});
