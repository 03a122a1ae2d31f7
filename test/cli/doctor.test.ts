import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../src/core/doctor.js';
import { runBinary, runInProcess } from '../helpers/cli.js';
import { startS3Server } from '../helpers/s3-server.js';
import { serviceUrl, tempDir } from '../helpers/services.js';

let dir: { path: string; remove: () => void };
beforeAll(() => {
  dir = tempDir();
});
afterAll(() => dir.remove());

const postgresUrl = serviceUrl('postgres');
const redisUrl = serviceUrl('redis');

function kinds(report: DoctorReport): Record<string, string> {
  return Object.fromEntries(report.checks.map((c) => [c.role, `${c.kind}:${c.ok ? 'ok' : 'down'}`]));
}

describe('fleetcast doctor', () => {
  it('reports sqlite, duckdb, file artifacts and the local pool as ok on embedded defaults', async () => {
    const result = await runInProcess(['doctor', '--json'], { cwd: dir.path });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as DoctorReport;
    expect(report.ok).toBe(true);
    expect(report.profile).toBe('local');
    expect(kinds(report)).toEqual({
      metadata: 'sqlite:ok',
      warehouse: 'duckdb:ok',
      artifacts: 'file:ok',
      queue: 'local:ok',
    });
    for (const check of report.checks) expect(check.latencyMs).toBeGreaterThanOrEqual(0);
    expect(existsSync(join(dir.path, '.fleetcast', 'metadata.sqlite'))).toBe(true);
  });

  it('prints a readable table without --json', async () => {
    const result = await runInProcess(['doctor'], { cwd: dir.path });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ok {3}metadata {2}sqlite/m);
    expect(result.stdout).toContain('all backends answer');
  });

  it('exits 1 naming each backend that is down, with hints and masked secrets', async () => {
    const result = await runInProcess(['doctor', '--json'], {
      cwd: dir.path,
      env: {
        FLEETCAST_DATABASE_URL: 'postgres://fleet:topsecret99@127.0.0.1:1/fleet',
        FLEETCAST_REDIS_URL: 'redis://:redissecret@127.0.0.1:1',
      },
    });
    expect(result.code).toBe(1);
    expect(result.stdout).not.toContain('topsecret99');
    expect(result.stdout).not.toContain('redissecret');
    const report = JSON.parse(result.stdout) as DoctorReport;
    expect(report.ok).toBe(false);
    expect(kinds(report)).toMatchObject({ metadata: 'postgres:down', queue: 'bullmq:down', warehouse: 'duckdb:ok' });
    const metadata = report.checks.find((c) => c.role === 'metadata')!;
    expect(metadata.url).toBe('postgres://fleet:***@127.0.0.1:1/fleet');
    expect(metadata.hint).toBeTruthy();
  });

  it('reports an unwritable home folder with the fix', async () => {
    const blocker = join(dir.path, 'a-file');
    writeFileSync(blocker, 'x');
    const result = await runInProcess(['doctor'], { cwd: dir.path, env: { FLEETCAST_HOME: join(blocker, 'home') } });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/DOWN metadata/);
    expect(result.stdout).toContain('FLEETCAST_HOME');
  });

  it.runIf(postgresUrl && redisUrl)('reports postgres, postgres and bullmq as ok on scaled settings', async () => {
    const result = await runInProcess(['doctor', '--json'], {
      cwd: dir.path,
      env: { FLEETCAST_DATABASE_URL: postgresUrl, FLEETCAST_WAREHOUSE_URL: postgresUrl, FLEETCAST_REDIS_URL: redisUrl },
    });
    const report = JSON.parse(result.stdout) as DoctorReport;
    expect(kinds(report)).toEqual({
      metadata: 'postgres:ok',
      warehouse: 'postgres:ok',
      artifacts: 'file:ok',
      queue: 'bullmq:ok',
    });
    expect(result.code).toBe(0);
  });

  it('checks an S3-compatible artifact store, and names a missing bucket', async () => {
    const s3 = await startS3Server();
    try {
      const env = {
        FLEETCAST_ARTIFACTS_URL: `s3://${s3.bucket}/models?endpoint=${s3.endpoint}`,
        AWS_ACCESS_KEY_ID: s3.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
      };
      const ok = await runInProcess(['doctor', '--json'], { cwd: dir.path, env });
      expect(kinds(JSON.parse(ok.stdout) as DoctorReport).artifacts).toBe('s3:ok');
      const missing = await runInProcess(['doctor', '--json'], {
        cwd: dir.path,
        env: { ...env, FLEETCAST_ARTIFACTS_URL: `s3://no-such-bucket/x?endpoint=${s3.endpoint}` },
      });
      expect(missing.code).toBe(1);
      const check = (JSON.parse(missing.stdout) as DoctorReport).checks.find((c) => c.role === 'artifacts')!;
      expect(check.ok).toBe(false);
      expect(check.hint).toMatch(/bucket/);
    } finally {
      await s3.close();
    }
  });

  it('runs as a subprocess: one JSON document on stdout, exit 0', async () => {
    const sub = tempDir();
    const result = await runBinary(['doctor', '--json'], { cwd: sub.path });
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as DoctorReport;
    expect(report.ok).toBe(true);
    sub.remove();
  });
});

describe('doctor on an impossible home folder', () => {
  it('fails fast instead of hanging on a pseudo file system', async () => {
    const started = Date.now();
    const result = await runInProcess(['doctor', '--json', '--home', '/proc/fleetcast-nope'], { cwd: dir.path });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as DoctorReport;
    expect(kinds(report)).toMatchObject({ metadata: 'sqlite:down', warehouse: 'duckdb:down', artifacts: 'file:down' });
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
