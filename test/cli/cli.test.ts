import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/cli.js';
import { tempDir } from '../helpers/services.js';

const VERBS = [
  'demo',
  'doctor',
  'simulate',
  'import',
  'collect',
  'train',
  'backtest',
  'models',
  'predict',
  'schedule',
  'worker',
  'tune',
  'calibrate',
  'runtime',
  'serve',
  'keys',
  'bench',
];

let dir: { path: string; remove: () => void };
beforeAll(() => {
  dir = tempDir();
});
afterAll(() => dir.remove());

describe('fleetcast CLI skeleton', () => {
  it('lists every verb of the design in --help and exits 0', async () => {
    const result = await runInProcess(['--help'], { cwd: dir.path });
    expect(result.code).toBe(0);
    for (const verb of VERBS) expect(result.stdout).toMatch(new RegExp(`^  ${verb}\\b`, 'm'));
  });

  it('prints the version', async () => {
    const result = await runInProcess(['--version'], { cwd: dir.path });
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('rejects an unknown flag in one line with a hint and no stack', async () => {
    const result = await runInProcess(['doctor', '--jsn'], { cwd: dir.path });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^fleetcast: unknown option '--jsn'/);
    expect(result.stderr).toContain('hint:');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('suggests the verb meant by a typo', async () => {
    const result = await runInProcess(['docter'], { cwd: dir.path });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('doctor');
  });

  it('rejects a bad profile flag by listing the choices', async () => {
    const result = await runInProcess(['--profile', 'prod', 'doctor'], { cwd: dir.path });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('production');
  });

  it('fails fast on an invalid configuration value, naming it; stack only with --verbose', async () => {
    const env = { FLEETCAST_QUEUE_CONCURRENCY: 'many' };
    const plain = await runInProcess(['doctor'], { cwd: dir.path, env });
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain('queue.concurrency = "many" (from FLEETCAST_QUEUE_CONCURRENCY)');
    expect(plain.stderr).not.toMatch(/\n\s+at /);
    const verbose = await runInProcess(['doctor', '--verbose'], { cwd: dir.path, env });
    expect(verbose.stderr).toMatch(/\n\s+at /);
  });

  it('leaves the API-key rule of the production profile to serve (keys may live in the keys table)', async () => {
    const result = await runInProcess(['keys', 'list'], {
      cwd: dir.path,
      env: { FLEETCAST_PROFILE: 'production', FLEETCAST_ALLOW_EMBEDDED_IN_PRODUCTION: 'true' },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toContain('API keys');
  });

  it('reads fleetcast.yaml from the working folder and reports a bad key in it', async () => {
    const sub = tempDir();
    writeFileSync(join(sub.path, 'fleetcast.yaml'), 'warehouse: duckdb:x\n');
    const result = await runInProcess(['doctor'], { cwd: sub.path });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/warehouse.*fleetcast\.yaml.*no such key/);
    sub.remove();
  });

  it('worker validates its flags', async () => {
    const result = await runInProcess(['worker', '--concurrency', '0'], { cwd: dir.path });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--concurrency "0" is not a positive integer');
    expect((await runInProcess(['worker', '--scan-interval', 'soon'], { cwd: dir.path })).code).toBe(2);
  });

  it('bench validates its flags and lists its benchmarks', async () => {
    const few = await runInProcess(['bench', '--repetitions', '3'], { cwd: dir.path });
    expect(few.code).toBe(2);
    expect(few.stderr).toContain('at least 5');
    const bad = await runInProcess(['bench', '--scale', 'big'], { cwd: dir.path });
    expect(bad.code).toBe(2);
    const unknown = await runInProcess(['bench', 'nope'], { cwd: dir.path });
    expect(unknown.stderr).toContain('metadata-writes');
    const list = await runInProcess(['bench', '--list', '--json'], { cwd: dir.path });
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).map((b: { name: string }) => b.name)).toEqual([
      'metadata-writes',
      'warehouse-append',
      'queue-tasks',
      'registry-lookup',
      'registry-register',
      'ets-fit',
      'gru-train',
      'gru-train-parallel',
      'text-onnx-batching',
      'text-classify',
      'batch-predict',
      'batch-predict-forecaster',
      'simulate-generate',
      'simulate-csv',
      'tune-overhead-local',
      'tune-overhead-distributed',
      'serve-overhead',
      'serve-batching',
      'serve-sustained',
    ]);
  });
});

describe('fleetcast bench', () => {
  it('runs named benchmarks at a small scale and reports both sides and their ratio', async () => {
    const env = process.env.FLEETCAST_TEST_POSTGRES_URL
      ? { FLEETCAST_TEST_POSTGRES_URL: process.env.FLEETCAST_TEST_POSTGRES_URL }
      : {};
    const result = await runInProcess(['bench', 'metadata-writes', 'registry-lookup', '--scale', '0.05', '--json'], {
      cwd: dir.path,
      env,
    });
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as {
      machine: { cores: number };
      results: Array<{
        name: string;
        reference: { median?: number };
        subject: { median?: number; skipped?: string };
        ratio?: number;
      }>;
    };
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(report.results.map((r) => r.name)).toEqual(['metadata-writes', 'registry-lookup']);
    for (const r of report.results) {
      expect(r.reference.median).toBeGreaterThan(0);
      if (env.FLEETCAST_TEST_POSTGRES_URL) expect(r.ratio).toBeGreaterThan(0);
    }
    expect(result.stderr).toContain('bench: 10/10 100%');
  });
});
