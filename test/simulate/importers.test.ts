/**
 * Each importer on a small file written here in that trace's real layout: invalid readings are
 * dropped and counted, irregular samples resampled, and the output has the simulator's columns.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openWarehouse } from '../../src/core/index.js';
import { COLUMN_NAMES, importTrace } from '../../src/simulate/index.js';

const dir = mkdtempSync(join(tmpdir(), 'fleetcast-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function readCsv(path: string): Array<Record<string, string>> {
  const [header = '', ...lines] = readFileSync(path, 'utf8').trimEnd().split('\n');
  const names = header.split(',');
  expect(names).toEqual([...COLUMN_NAMES]);
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [names[i] ?? '', v])));
}

describe('trace importers', () => {
  it('reads Alibaba machine_usage, dropping −1 and 101 readings and resampling irregular samples', async () => {
    const input = write(
      'machine_usage.csv',
      [
        'm_1,0,10,40,,,1.2,1.3,5',
        'm_1,130,20,42,,,1.2,1.3,5',
        'm_1,290,-1,41,,,1.2,1.3,5',
        'm_1,310,30,44,,,1.2,1.3,5',
        'm_2,5,101,50,,,1.2,1.3,5',
        'm_2,20,60,50,,,1.2,1.3,5',
      ].join('\n'),
    );
    const out = join(dir, 'alibaba.csv');
    const summary = await importTrace({
      format: 'alibaba',
      input,
      interval: '5m',
      start: '2018-01-01T00:00:00Z',
      output: { kind: 'csv', path: out },
    });
    expect(summary).toMatchObject({ lines: 6, readings: 4, invalid: 2, resources: 2, rows: 3 });
    const rows = readCsv(out);
    expect(rows.map((r) => [r.resource_id, r.timestamp, r.cpu_utilization, r.memory_utilization])).toEqual([
      ['m_1', '2018-01-01T00:00:00.000Z', '15', '41'],
      ['m_1', '2018-01-01T00:05:00.000Z', '30', '44'],
      ['m_2', '2018-01-01T00:00:00.000Z', '60', '50'],
    ]);
    // Alibaba's network and disk figures are normalised, not Mbit/s or IOPS: left null.
    expect(rows[0]?.network_in_mbps).toBe('');
    expect(rows[0]?.disk_iops).toBe('');
  });

  it('reads Azure V2 CPU readings (average CPU of each 5-minute reading)', async () => {
    const input = write(
      'vm_cpu_readings-file-1-of-195.csv',
      ['0,vmA,1,30,12', '300,vmA,2,40,18', '300,vmB,0,5,150', '600,vmB,0,9,4'].join('\n'),
    );
    const out = join(dir, 'azure.parquet');
    const summary = await importTrace({
      format: 'azure',
      input,
      interval: '5m',
      output: { kind: 'parquet', path: out },
    });
    expect(summary).toMatchObject({ readings: 3, invalid: 1, resources: 2, rows: 3 });
    const warehouse = await openWarehouse('duckdb::memory:');
    try {
      const rows = await warehouse.query(
        `SELECT resource_id, cpu_utilization, memory_utilization FROM read_parquet('${out}') ORDER BY resource_id, timestamp`,
      );
      expect(rows).toEqual([
        { resource_id: 'vmA', cpu_utilization: 12, memory_utilization: null },
        { resource_id: 'vmA', cpu_utilization: 18, memory_utilization: null },
        { resource_id: 'vmB', cpu_utilization: 4, memory_utilization: null },
      ]);
    } finally {
      await warehouse.close();
    }
  });

  it('reads Google 2019 InstanceUsage JSON lines in normalised units', async () => {
    const lines = [
      {
        start_time: 600000000,
        end_time: 900000000,
        collection_id: 42,
        instance_index: 3,
        average_usage: { cpus: 0.05, memory: 0.1 },
      },
      {
        start_time: 900000000,
        end_time: 1200000000,
        collection_id: 42,
        instance_index: 3,
        average_usage: { cpus: 0.07, memory: 0.12 },
      },
      {
        start_time: 900000000,
        end_time: 1200000000,
        collection_id: 7,
        instance_index: 0,
        average_usage: { cpus: null, memory: 0.2 },
      },
    ];
    const input = write('instance_usage.json', `${lines.map((l) => JSON.stringify(l)).join('\n')}\nnot json\n`);
    const out = join(dir, 'google.csv');
    const summary = await importTrace({
      format: 'google2019',
      input,
      interval: '5m',
      output: { kind: 'csv', path: out },
    });
    expect(summary).toMatchObject({ readings: 2, invalid: 2, resources: 1, rows: 2 });
    expect(summary.invalid_reasons).toEqual({
      'average CPU usage missing or outside 0–1': 1,
      'not a JSON object': 1,
    });
    const rows = readCsv(out);
    expect(rows.map((r) => [r.resource_id, r.timestamp, r.cpu_utilization, r.memory_utilization])).toEqual([
      ['42-3', '2018-01-01T00:10:00.000Z', '5', '10'],
      ['42-3', '2018-01-01T00:15:00.000Z', '7', '12'],
    ]);
  });

  it('reads a Bitbrains VM file (semicolons, KB and KB/s) into percent and Mbit/s', async () => {
    const header =
      'Timestamp [ms];\tCPU cores;\tCPU capacity provisioned [MHZ];\tCPU usage [MHZ];\tCPU usage [%];\tMemory capacity provisioned [KB];\tMemory usage [KB];\tDisk read throughput [KB/s];\tDisk write throughput [KB/s];\tNetwork received throughput [KB/s];\tNetwork transmitted throughput [KB/s]';
    const input = write(
      '17.csv',
      [
        header,
        '1376314846;\t4;\t11703.99;\t2106.72;\t18;\t67108864;\t6710886;\t0;\t7.2;\t125;\t250',
        '1376315146;\t4;\t11703.99;\t1170.4;\t10;\t67108864;\t13421772;\t0;\t2.1;\t250;\t125',
        '1376315446;\t4;\t11703.99;\tNaN;\tNaN;\t67108864;\t0;\t0;\t0;\t0;\t0',
      ].join('\n'),
    );
    const out = join(dir, 'bitbrains.csv');
    const summary = await importTrace({
      format: 'bitbrains',
      input,
      interval: '5m',
      output: { kind: 'csv', path: out },
    });
    expect(summary).toMatchObject({ readings: 2, invalid: 1, resources: 1, rows: 2 });
    const rows = readCsv(out);
    expect(
      rows.map((r) => [r.resource_id, r.cpu_utilization, r.memory_utilization, r.network_in_mbps, r.network_out_mbps]),
    ).toEqual([
      ['17', '18', '10', '1', '2'],
      ['17', '10', '20', '2', '1'],
    ]);
    expect(rows[0]?.is_idle).toBe('false');
  });

  it('reads a generic CSV into a wide warehouse table of its own, nulls where columns are missing', async () => {
    const input = write(
      'generic.csv',
      [
        'resource_id,timestamp,cpu_utilization,network_in_mbps,network_out_mbps',
        'api-1,2025-03-01T10:00:10Z,40,5,5',
        'api-1,2025-03-01T10:00:50Z,60,7,9',
        'api-1,2025-03-01T10:01:30Z,120,1,1',
        'api-1,,10,1,1',
        'db-1,1740823200,1,0.1,0.2',
      ].join('\n'),
    );
    const url = `duckdb:${join(dir, 'import.duckdb')}`;
    const summary = await importTrace({
      format: 'csv',
      input,
      interval: '1m',
      output: { kind: 'warehouse', url, table: 'imported_metrics' },
    });
    expect(summary).toMatchObject({ readings: 3, invalid: 2, resources: 2, rows: 2 });
    const warehouse = await openWarehouse(url);
    try {
      const rows = await warehouse.query(
        'SELECT resource_id, cpu_utilization, network_in_mbps, memory_utilization, is_idle FROM imported_metrics ORDER BY resource_id',
      );
      expect(rows).toEqual([
        { resource_id: 'api-1', cpu_utilization: 50, network_in_mbps: 6, memory_utilization: null, is_idle: false },
        { resource_id: 'db-1', cpu_utilization: 1, network_in_mbps: 0.1, memory_utilization: null, is_idle: true },
      ]);
    } finally {
      await warehouse.close();
    }
  });

  it('refuses an unknown format, a generic CSV without its key columns, and a bad interval', async () => {
    const input = write('nokey.csv', 'time,cpu\n1,2\n');
    const output = { kind: 'csv' as const, path: join(dir, 'x.csv') };
    await expect(importTrace({ format: 'parquet' as 'csv', input, interval: '5m', output })).rejects.toThrow(
      /unknown trace format/,
    );
    await expect(importTrace({ format: 'csv', input, interval: '5m', output })).rejects.toThrow(
      /no timestamp and resource_id/,
    );
    await expect(importTrace({ format: 'csv', input, interval: '0s', output })).rejects.toThrow(/interval/);
  });
});
