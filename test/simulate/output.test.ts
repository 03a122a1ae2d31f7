import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COLUMN_NAMES, runSimulation, type SimulateOptions } from '../../src/simulate/index.js';

const dir = mkdtempSync(join(tmpdir(), 'fleetcast-simulate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function csv(name: string, options: Partial<SimulateOptions> = {}): Promise<Buffer> {
  const path = join(dir, name);
  await runSimulation({ fleet: 12, days: 2, interval: '5m', seed: 0, output: { kind: 'csv', path }, ...options });
  return readFileSync(path);
}

const digest = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('CSV output', () => {
  it('writes the exact columns of the issue, in order', async () => {
    const text = (await csv('columns.csv')).toString('utf8');
    const [header, first] = text.split('\n');
    expect(header).toBe(
      'timestamp,resource_id,workload_type,cloud_provider,region,instance_type,environment,team,cpu_utilization,' +
        'memory_utilization,network_in_mbps,network_out_mbps,disk_iops,hourly_cost,is_idle,is_overprovisioned,' +
        'is_anomaly,anomaly_type',
    );
    expect(header?.split(',')).toEqual([...COLUMN_NAMES]);
    expect(first?.split(',').length).toBe(18);
    expect(text.trimEnd().split('\n').length).toBe(1 + 12 * 576);
  });

  it('gives byte-identical output for the same seed, and different output for seed 0 and seed 1', async () => {
    const a = await csv('a.csv', { seed: 0 });
    const b = await csv('b.csv', { seed: 0 });
    const c = await csv('c.csv', { seed: 1 });
    expect(digest(a)).toBe(digest(b));
    expect(digest(a)).not.toBe(digest(c));
  });

  it('does not depend on the batch size or on whether a resource is buffered or generated twice', async () => {
    const reference = await csv('ref.csv', { seed: 5 });
    expect(digest(await csv('small.csv', { seed: 5, batchRows: 97 }))).toBe(digest(reference));
    expect(digest(await csv('twice.csv', { seed: 5, bufferRows: 0 }))).toBe(digest(reference));
  });

  it('leaves no file and no temporary when the run fails', async () => {
    // A sink failure: the target is a folder, so the final rename cannot replace it.
    const blocked = join(dir, 'blocked.csv');
    await runSimulation({
      fleet: 1,
      days: 1,
      interval: '1h',
      seed: 1,
      output: { kind: 'csv', path: join(blocked, 'inner.csv') },
    });
    await expect(
      runSimulation({ fleet: 2, days: 1, interval: '1h', seed: 1, output: { kind: 'csv', path: blocked } }),
    ).rejects.toThrow();
    expect(readdirSync(dir).filter((f) => f.includes('.partial-'))).toEqual([]);
    expect(existsSync(join(blocked, 'inner.csv'))).toBe(true);
  });

  it('leaves neither the temporary CSV nor a partial Parquet file when a Parquet run fails', async () => {
    const blocked = join(dir, 'blocked.parquet');
    await runSimulation({
      fleet: 1,
      days: 1,
      interval: '1h',
      seed: 1,
      output: { kind: 'csv', path: join(blocked, 'x.csv') },
    });
    await expect(
      runSimulation({ fleet: 2, days: 1, interval: '1h', seed: 1, output: { kind: 'parquet', path: blocked } }),
    ).rejects.toThrow();
    expect(readdirSync(dir).filter((f) => f.includes('.partial-'))).toEqual([]);
  });
});

describe('sampling intervals', () => {
  it('samples every second for an hour and once a day for a month, on the exact grid', async () => {
    const seconds = (
      await csv('seconds.csv', { fleet: 2, days: undefined, end: '2025-01-06T01:00:00Z', interval: '1s' })
    )
      .toString('utf8')
      .trimEnd()
      .split('\n');
    expect(seconds.length).toBe(1 + 2 * 3600);
    expect(seconds[1]?.startsWith('2025-01-06T00:00:00Z,')).toBe(true);
    expect(seconds[2]?.startsWith('2025-01-06T00:00:01Z,')).toBe(true);
    const daily = (await csv('daily.csv', { fleet: 2, days: 30, interval: '1d' }))
      .toString('utf8')
      .trimEnd()
      .split('\n');
    expect(daily.length).toBe(1 + 2 * 30);
    expect(daily[2]?.startsWith('2025-01-07T00:00:00Z,')).toBe(true);
  });
});
