import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { openWarehouse, type Warehouse } from '../../src/core/index.js';
import { parseSplit, runSimulation, type SimulationSummary } from '../../src/simulate/index.js';

const root = mkdtempSync(join(tmpdir(), 'fleetcast-dataset-'));
const dir = join(root, 'fleet-dataset');
let summary: SimulationSummary;
let warehouse: Warehouse;

beforeAll(async () => {
  summary = await runSimulation({
    fleet: 25,
    days: 4,
    interval: '10m',
    seed: 9,
    anomalyRate: 0.3,
    output: { kind: 'dataset', dir, split: [0.7, 0.15, 0.15], shardRows: 3000 },
  });
  warehouse = await openWarehouse('duckdb::memory:');
});
afterAll(async () => {
  await warehouse.close();
  rmSync(root, { recursive: true, force: true });
});

interface CardHeader {
  configs: Array<{ config_name: string; data_files: Array<{ split: string; path: string }> }>;
  dataset_info: {
    features: Array<{ name: string; dtype: string }>;
    splits: Array<{ name: string; num_examples: number }>;
  };
}

function card(): { header: CardHeader; body: string } {
  const text = readFileSync(join(dir, 'README.md'), 'utf8');
  const [, yaml = '', body = ''] = text.split(/^---$/m);
  return { header: parse(yaml) as CardHeader, body };
}

const files = (split: string): string => `read_parquet('${join(dir, 'data', `${split}-*.parquet`)}')`;

describe('dataset export', () => {
  it('lays out Parquet shards per split and a card in the Hugging Face datasets layout', () => {
    expect(readdirSync(root)).toEqual(['fleet-dataset']);
    expect(readdirSync(dir).sort()).toEqual(['README.md', 'data']);
    const shards = readdirSync(join(dir, 'data'));
    // 25 resources × 576 rows, ~3000 rows a shard → 5 resources a shard → 5 shards per split.
    expect(shards.filter((f) => f.startsWith('train-')).sort()).toEqual(
      [0, 1, 2, 3, 4].map((i) => `train-0000${i}-of-00005.parquet`),
    );
    expect(shards.length).toBe(15);
    const { header } = card();
    expect(header.configs[0]?.data_files.map((f) => f.path)).toEqual([
      'data/train-*.parquet',
      'data/validation-*.parquet',
      'data/test-*.parquet',
    ]);
    expect(header.dataset_info.features.map((f) => f.name)).toHaveLength(18);
    expect(summary.dataset?.splits.map((s) => s.name)).toEqual(['train', 'validation', 'test']);
  });

  it('loads in DuckDB with the row counts the card declares', async () => {
    const { header } = card();
    let total = 0;
    for (const split of header.dataset_info.splits) {
      const [row] = await warehouse.query(`SELECT count(*) AS n FROM ${files(split.name)}`);
      expect(row?.n, split.name).toBe(split.num_examples);
      total += split.num_examples;
    }
    expect(total).toBe(25 * 576);
    expect(total).toBe(summary.rows);
  });

  it('splits chronologically at the same instants for every resource', async () => {
    const ranges = [];
    for (const split of ['train', 'validation', 'test']) {
      const [row] = await warehouse.query(
        `SELECT min(timestamp) AS lo, max(timestamp) AS hi, count(DISTINCT resource_id) AS r,
                count(DISTINCT timestamp) AS t, count(*) AS n FROM ${files(split)}`,
      );
      expect(row?.r).toBe(25);
      expect(row?.n).toBe(Number(row?.t) * 25);
      ranges.push(row);
    }
    expect((ranges[0]?.hi as Date) < (ranges[1]?.lo as Date)).toBe(true);
    expect((ranges[1]?.hi as Date) < (ranges[2]?.lo as Date)).toBe(true);
    expect(ranges[0]?.t).toBe(Math.floor(576 * 0.7));
  });

  it('states statistics in the card that match the data', async () => {
    const { body } = card();
    for (const split of ['train', 'validation', 'test']) {
      const line = body.split('\n').find((l) => l.startsWith(`| ${split} |`)) ?? '';
      const cells = line.split('|').map((c) => c.trim());
      const [row] = await warehouse.query(
        `SELECT count(*) AS n, avg(cpu_utilization) AS cpu, avg(memory_utilization) AS memory,
                count(*) FILTER (WHERE is_anomaly) AS anomalies, count(*) FILTER (WHERE is_idle) AS idle
         FROM ${files(split)}`,
      );
      expect(Number(cells[4])).toBe(row?.n);
      expect(Number(cells[5])).toBeCloseTo(Number(row?.cpu), 3);
      expect(Number(cells[6])).toBeCloseTo(Number(row?.memory), 3);
      expect(Number(cells[7])).toBe(row?.anomalies);
      expect(Number(cells[8])).toBe(row?.idle);
    }
    const [all] = await warehouse.query(
      `SELECT avg(cpu_utilization) AS cpu FROM read_parquet('${join(dir, 'data', '*.parquet')}')`,
    );
    expect(body).toContain(`CPU mean ${summary.fleet.cpu_mean}%`);
    expect(summary.fleet.cpu_mean).toBeCloseTo(Number(all?.cpu), 3);
    expect(body).toContain('| seed | 9 |');
  });

  it('refuses a folder that already holds files, and a split that is not three shares of 1', async () => {
    const used = join(root, 'used');
    mkdirSync(used);
    writeFileSync(join(used, 'x'), 'x');
    await expect(
      runSimulation({
        fleet: 2,
        days: 1,
        interval: '1h',
        seed: 1,
        output: { kind: 'dataset', dir: used, split: [0.7, 0.15, 0.15], shardRows: 100 },
      }),
    ).rejects.toThrow(/not empty/);
    expect(() => parseSplit('0.5,0.5')).toThrow(/cannot use the split/);
    expect(() => parseSplit('0.8,0.3,0.1')).toThrow(/cannot use the split/);
    expect(parseSplit('70,15,15')).toEqual([0.7, 0.15, 0.15]);
    await expect(
      runSimulation({
        fleet: 2,
        days: 1,
        interval: '6h',
        seed: 1,
        output: { kind: 'dataset', dir: join(root, 'tiny'), split: [0.9, 0.05, 0.05], shardRows: 100 },
      }),
    ).rejects.toThrow(/validation split would hold no samples/);
    expect(existsSync(join(root, 'tiny'))).toBe(false);
    rmSync(used, { recursive: true });
  });
});
