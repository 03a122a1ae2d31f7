import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openWarehouse } from '../../src/core/warehouse/index.js';
import { registerFlavor, saveModel } from '../../src/models/index.js';
import { runInProcess } from '../helpers/cli.js';
import { createTempPostgresDatabase, serviceUrl, tempDir } from '../helpers/services.js';

// These tests drive the registry and job machinery with a tiny `text-classifier` fixture flavor
// (below); the built-in text-classifier loader is kept from claiming the flavor in this file.
vi.mock('../../src/models/text/flavor.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/models/text/flavor.js')>()),
  registerTextClassifierFlavor: () => {},
}));

/**
 * A fixture row-wise flavor: `text-classifier` scoring texts by a word list (the real classifier
 * arrives with the serve issue). It lets these tests drive the whole job through the CLI.
 */
registerFlavor('text-classifier', (files) => {
  const words = JSON.parse(files.read('words.json').toString()) as string[];
  return {
    flavor: 'text-classifier',
    signature: files.manifest.signature,
    manifest: files.manifest,
    predict: async (batch: unknown) =>
      (batch as Array<{ text: string; weight: number | null }>).map((row) => ({
        positive: words.some((w) => row.text.includes(w)),
        score: (row.weight ?? 1) * words.filter((w) => row.text.includes(w)).length,
      })),
  };
});

const postgresUrl = serviceUrl('postgres');
const targets: Array<{ name: string; warehouse: () => Promise<{ url?: string; drop: () => Promise<void> }> }> = [
  { name: 'duckdb', warehouse: async () => ({ drop: async () => {} }) },
];
if (postgresUrl) targets.push({ name: 'postgres', warehouse: () => createTempPostgresDatabase(postgresUrl) });

describe.each(targets)('fleetcast predict on $name', (target) => {
  const dir = tempDir();
  let env: NodeJS.ProcessEnv;
  let drop: () => Promise<void>;
  const cli = (...args: string[]) => runInProcess(args, { cwd: dir.path, env });

  beforeAll(async () => {
    const db = await target.warehouse();
    drop = db.drop;
    env = { FLEETCAST_HOME: join(dir.path, 'home'), ...(db.url ? { FLEETCAST_WAREHOUSE_URL: db.url } : {}) };
    const model = join(dir.path, 'model');
    saveModel(model, {
      flavor: 'text-classifier',
      signature: {
        inputs: [
          { name: 'text', type: 'string' },
          { name: 'weight', type: 'float64', optional: true },
        ],
        outputs: [
          { name: 'positive', type: 'bool' },
          { name: 'score', type: 'float64' },
        ],
      },
      files: { 'words.json': JSON.stringify(['good', 'great']) },
    });
    expect((await cli('models', 'register', 'sentiment', model, '--env', 'prod')).code).toBe(0);
    const warehouse = await openWarehouse(db.url ?? `duckdb:${join(dir.path, 'home', 'warehouse.duckdb')}`);
    await warehouse.ensureTable({
      name: 'reviews',
      columns: [
        { name: 'id', type: 'text', nullable: false },
        { name: 'text', type: 'text' },
        { name: 'weight', type: 'text' },
      ],
      key: ['id'],
    });
    await warehouse.append('reviews', [
      { id: 'r1', text: 'a good day', weight: '2' },
      { id: 'r2', text: 'meh', weight: null },
      { id: 'r3', text: null, weight: '1' },
      { id: 'r4', text: 'great and good', weight: 'heavy' },
    ]);
    await warehouse.close();
  });
  afterAll(async () => {
    await drop?.();
    dir.remove();
  });

  it('predicts, writes lineage columns, and sends rejected rows to a side table with reasons', async () => {
    const result = await cli(
      'predict',
      '--model',
      'sentiment@prod',
      '--from',
      'reviews',
      '--to',
      'predictions',
      '--key',
      'id',
      '--json',
    );
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({
      model: 'sentiment',
      version: 1,
      environment: 'prod',
      rows_in: 4,
      rows_out: 2,
      rejected: 2,
    });
    const warehouse = await openWarehouse(
      env.FLEETCAST_WAREHOUSE_URL ?? `duckdb:${join(dir.path, 'home', 'warehouse.duckdb')}`,
    );
    try {
      const rows = await warehouse.query(
        'SELECT key, positive, score, model, version, environment, run_id FROM predictions ORDER BY key',
      );
      expect(rows.map((r) => [r.key, r.positive, r.score])).toEqual([
        ['r1', true, 2],
        ['r2', false, 0],
      ]);
      expect(rows.every((r) => r.run_id === summary.run_id && r.environment === 'prod')).toBe(true);
      const rejected = await warehouse.query('SELECT key, reason FROM predictions_rejected ORDER BY key');
      expect(rejected).toEqual([
        { key: 'r3', reason: 'text: missing' },
        { key: 'r4', reason: 'weight: "heavy" is not a finite number' },
      ]);
    } finally {
      await warehouse.close();
    }
  });

  it('replaces, never duplicates, when a run id is re-run; a new run adds its own rows', async () => {
    const args = [
      'predict',
      '--model',
      'sentiment:1',
      '--from',
      'SELECT * FROM reviews',
      '--to',
      'again',
      '--key',
      'id',
    ];
    const first = JSON.parse((await cli(...args, '--run-id', 'nightly-1', '--json')).stdout);
    const second = JSON.parse((await cli(...args, '--run-id', 'nightly-1', '--json')).stdout);
    expect(second.run_id).toBe(first.run_id);
    await cli(...args, '--json');
    const warehouse = await openWarehouse(
      env.FLEETCAST_WAREHOUSE_URL ?? `duckdb:${join(dir.path, 'home', 'warehouse.duckdb')}`,
    );
    try {
      const counts = await warehouse.query('SELECT run_id, COUNT(*) AS n FROM again GROUP BY run_id ORDER BY run_id');
      expect(counts).toHaveLength(2);
      expect(counts.every((c) => Number(c.n) === 2)).toBe(true);
    } finally {
      await warehouse.close();
    }
  });

  it('keeps the first row of a repeated key and rejects the others, never losing one silently', async () => {
    const csv = join(dir.path, 'dupes.csv');
    writeFileSync(csv, 'id,text\nd1,good\nd1,great\nd2,meh\nd1,good good\n');
    const result = await cli(
      'predict',
      '--model',
      'sentiment',
      '--from',
      csv,
      '--to',
      'dupes',
      '--key',
      'id',
      '--json',
    );
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ rows_in: 4, rows_out: 2, rejected: 2 });
    const warehouse = await openWarehouse(
      env.FLEETCAST_WAREHOUSE_URL ?? `duckdb:${join(dir.path, 'home', 'warehouse.duckdb')}`,
    );
    try {
      expect((await warehouse.query('SELECT key FROM dupes ORDER BY key')).map((r) => r.key)).toEqual(['d1', 'd2']);
      const rejected = await warehouse.query('SELECT key, reason FROM dupes_rejected ORDER BY key');
      expect(rejected).toEqual([
        { key: 'd1#row1', reason: 'duplicate key id=d1' },
        { key: 'd1#row3', reason: 'duplicate key id=d1' },
      ]);
    } finally {
      await warehouse.close();
    }
  });

  it('reads a CSV file as the source', async () => {
    const csv = join(dir.path, 'in.csv');
    writeFileSync(csv, 'id,text\nx1,good stuff\nx2,nothing\n');
    const result = await cli(
      'predict',
      '--model',
      'sentiment',
      '--from',
      csv,
      '--to',
      'from_file',
      '--key',
      'id',
      '--json',
    );
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ rows_in: 2, rows_out: 2, rejected: 0, environment: null });
  });

  it('fails clearly, writing nothing, on a bad model, source or key', async () => {
    const unknown = await cli('predict', '--model', 'nobody@prod', '--from', 'reviews', '--to', 'x');
    expect(unknown.stderr).toMatch(/^fleetcast: model nobody has no version at @prod/);
    const badKey = await cli('predict', '--model', 'sentiment@prod', '--from', 'reviews', '--to', 'y', '--key', 'nope');
    expect(badKey.stderr).toContain('key column "nope" is not in reviews');
    const missingFile = await cli('predict', '--model', 'sentiment@prod', '--from', 'missing.csv', '--to', 'z');
    expect(missingFile.stderr).toContain('does not exist');
    expect(
      (await cli('predict', '--model', 'sentiment@prod', '--from', 'reviews', '--to', 'w', '--batch-size', '0')).code,
    ).toBe(2);
    const warehouse = await openWarehouse(
      env.FLEETCAST_WAREHOUSE_URL ?? `duckdb:${join(dir.path, 'home', 'warehouse.duckdb')}`,
    );
    try {
      const tables = await warehouse.listTables();
      for (const t of ['x', 'y', 'z', 'w']) expect(tables).not.toContain(t);
    } finally {
      await warehouse.close();
    }
  });
});
