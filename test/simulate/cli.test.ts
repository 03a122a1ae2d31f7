import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openWarehouse } from '../../src/core/index.js';
import type { SimulationSummary } from '../../src/simulate/index.js';
import { runInProcess } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'fleetcast-simulate-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const COLUMNS = [
  'timestamp',
  'resource_id',
  'workload_type',
  'cloud_provider',
  'region',
  'instance_type',
  'environment',
  'team',
  'cpu_utilization',
  'memory_utilization',
  'network_in_mbps',
  'network_out_mbps',
  'disk_iops',
  'hourly_cost',
  'is_idle',
  'is_overprovisioned',
  'is_anomaly',
  'anomaly_type',
];

const common = ['simulate', '--fleet', '15', '--days', '2', '--interval', '10m', '--seed', '3', '--json'];

describe('fleetcast simulate', () => {
  it('writes a CSV and prints the summary fields of the issue with --json', async () => {
    const result = await runInProcess([...common, '--out', 'fleet.csv'], { cwd: dir });
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as SimulationSummary;
    expect(summary.rows).toBe(15 * 288);
    expect(summary.rows_per_s).toBeGreaterThan(0);
    expect(summary.fleet.cpu_mean).toBeGreaterThan(0);
    expect(summary.fleet.memory_mean).toBeGreaterThan(0);
    expect(summary.fleet.waste_pct).toBeGreaterThanOrEqual(0);
    expect(summary.fleet.waste_pct_aggressive).toBeGreaterThanOrEqual(summary.fleet.waste_pct);
    expect(summary.fleet.idle_cost_usd).toBeGreaterThanOrEqual(0);
    expect(summary.fleet.lag1_autocorrelation).toBeGreaterThan(0);
    const archetypes = Object.values(summary.archetypes);
    expect(archetypes.reduce((n, a) => n + a.resources, 0)).toBe(15);
    for (const a of archetypes) expect(a.lag1_autocorrelation).toBeLessThanOrEqual(1);
    expect(result.stderr).toMatch(/simulate: 15\/15 100%/);
  });

  it('prints a readable summary without --json', async () => {
    const result = await runInProcess(
      ['simulate', '--fleet', '6', '--days', '1', '--seed', '0', '--out', 'plain.csv'],
      { cwd: dir },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^1728 rows for 6 resources/);
    expect(result.stdout).toMatch(/fleet: CPU [\d.]+%, memory [\d.]+%, waste [\d.]+% conservative/);
  });

  it('writes Parquet through DuckDB that reads back with the exact columns and row count', async () => {
    const result = await runInProcess([...common, '--out', 'out/fleet.parquet'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(readdirSync(join(dir, 'out'))).toEqual(['fleet.parquet']);
    const warehouse = await openWarehouse('duckdb::memory:');
    try {
      const file = join(dir, 'out', 'fleet.parquet');
      const described = await warehouse.query(`DESCRIBE SELECT * FROM read_parquet('${file}')`);
      expect(described.map((row) => row.column_name)).toEqual(COLUMNS);
      const [counts] = await warehouse.query(
        `SELECT count(*) AS n, count(DISTINCT resource_id) AS resources,
                sum(CASE WHEN is_anomaly THEN 1 ELSE 0 END) AS anomalies, count(anomaly_type) AS labelled
         FROM read_parquet('${file}')`,
      );
      expect(counts?.n).toBe(15 * 288);
      expect(counts?.resources).toBe(15);
      expect(counts?.anomalies).toBe(counts?.labelled);
    } finally {
      await warehouse.close();
    }
  });

  it('appends to a wide warehouse table with --to-warehouse', async () => {
    const url = `duckdb:${join(dir, 'warehouse.duckdb')}`;
    const args = [...common, '--fleet', '4', '--days', '1', '--to-warehouse', 'sim_metrics', '--warehouse-url', url];
    const result = await runInProcess(args, { cwd: dir });
    expect(result.stderr).not.toMatch(/error/);
    expect(result.code).toBe(0);
    const warehouse = await openWarehouse(url);
    try {
      const [row] = await warehouse.query('SELECT count(*) AS n, count(DISTINCT resource_id) AS r FROM sim_metrics');
      expect(row).toEqual({ n: 4 * 144, r: 4 });
      const columns = await warehouse.query(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = 'sim_metrics'",
      );
      expect(columns.map((c) => c.column_name)).toEqual(COLUMNS);
    } finally {
      await warehouse.close();
    }
  });

  it('appends to the default wide table simulated_metrics when --to-warehouse names no table', async () => {
    const url = `duckdb:${join(dir, 'default.duckdb')}`;
    const args = [...common, '--fleet', '2', '--days', '1', '--warehouse-url', url, '--to-warehouse'];
    const result = await runInProcess(args, { cwd: dir });
    expect(result.code).toBe(0);
    const warehouse = await openWarehouse(url);
    try {
      expect(await warehouse.listTables()).toEqual(['simulated_metrics']);
      const [row] = await warehouse.query('SELECT count(*) AS n FROM simulated_metrics');
      expect(row?.n).toBe(2 * 144);
    } finally {
      await warehouse.close();
    }
  });

  it('exports a dataset folder with --dataset and reports its splits in the summary', async () => {
    const result = await runInProcess(
      [...common, '--dataset', 'ds', '--split', '0.6,0.2,0.2', '--shard-rows', '100000'],
      { cwd: dir },
    );
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as SimulationSummary;
    expect(summary.dataset?.splits.map((s) => [s.name, s.rows])).toEqual([
      ['train', 15 * 172],
      ['validation', 15 * 57],
      ['test', 15 * 59],
    ]);
    expect(readdirSync(join(dir, 'ds')).sort()).toEqual(['README.md', 'data']);
    expect(readdirSync(join(dir, 'ds', 'data')).sort()).toEqual([
      'test-00000-of-00001.parquet',
      'train-00000-of-00001.parquet',
      'validation-00000-of-00001.parquet',
    ]);
  });

  it('refuses bad input with one clear error line and a hint, before writing anything', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--mix', 'web=50,mainframe=50'], /unknown archetype "mainframe"/],
      [['--mix', 'web=50,batch=20'], /the mix sums to 70/],
      [['--interval', '0s'], /interval must be positive/],
      [['--interval', 'soon'], /cannot read the interval/],
      [['--start', '2025-02-01T00:00:00Z', '--days', '-1'], /end is not after the start/],
      [['--fleet', '0'], /fleet size/],
      [['--fleet', '1000000', '--days', '3650', '--interval', '1s'], /rows is more than/],
      [['--fleet', '1000000', '--days', '365', '--interval', '1h'], /GiB free/],
    ];
    for (const [extra, message] of cases) {
      const result = await runInProcess([...common, ...extra, '--out', 'bad/x.csv'], { cwd: dir });
      expect(result.code, extra.join(' ')).toBe(1);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toMatch(/hint: /);
      expect(result.stdout).toBe('');
    }
    expect(readdirSync(dir)).not.toContain('bad');
    const noOutput = await runInProcess(common, { cwd: dir });
    expect(noOutput.code).toBe(2);
    expect(noOutput.stderr).toMatch(/no output/);
    const wrongType = await runInProcess([...common, '--out', 'fleet.json'], { cwd: dir });
    expect(wrongType.stderr).toMatch(/\.csv or \.parquet/);
    // A dataset-only flag without --dataset is refused rather than silently ignored.
    const misplaced = await runInProcess([...common, '--split', '0.5,0.25,0.25', '--out', 'split.csv'], { cwd: dir });
    expect(misplaced.code).toBe(2);
    expect(misplaced.stderr).toMatch(/--split applies to a dataset folder only/);
    expect(readdirSync(dir)).not.toContain('split.csv');
  });
});
