/**
 * `--to-warehouse` semantics on both warehouses: the wide table gets a run's rows all at once
 * (through a staging table), reruns append, and nothing of the staging table is left behind.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { openWarehouse } from '../../src/core/index.js';
import { COLUMN_NAMES, runSimulation } from '../../src/simulate/index.js';
import { createTempPostgresDatabase, serviceUrl, tempDir } from '../helpers/services.js';

const folder = tempDir('fleetcast-simulate-warehouse-');
const cleanups: Array<() => Promise<void> | void> = [() => folder.remove()];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const postgres = serviceUrl('postgres', 'warehouse');
const backends: Array<[string, () => Promise<string>]> = [
  ['duckdb', async () => `duckdb:${folder.path}/warehouse.duckdb`],
];
if (postgres) {
  backends.push([
    'postgres',
    async () => {
      const scratch = await createTempPostgresDatabase(postgres);
      cleanups.push(scratch.drop);
      return scratch.url;
    },
  ]);
}

describe.each(backends)('simulated metrics in the %s warehouse', (_name, makeUrl) => {
  it('appends each run as a whole to the wide table and leaves no staging table', async () => {
    const url = await makeUrl();
    const run = (seed: number) =>
      runSimulation({
        fleet: 3,
        days: 1,
        interval: '1h',
        seed,
        output: { kind: 'warehouse', url, table: 'fleet_metrics' },
      });
    const first = await run(1);
    expect(first.rows).toBe(72);
    await run(2);
    const warehouse = await openWarehouse(url);
    try {
      expect(await warehouse.listTables()).toEqual(['fleet_metrics']);
      const rows = await warehouse.query(
        'SELECT count(*) AS n, count(DISTINCT resource_id) AS r, min(cpu_utilization) AS lo FROM fleet_metrics',
      );
      expect(Number(rows[0]?.n)).toBe(144);
      expect(Number(rows[0]?.lo)).toBeGreaterThanOrEqual(0);
      const [one] = await warehouse.query('SELECT * FROM fleet_metrics LIMIT 1');
      expect(Object.keys(one ?? {})).toEqual([...COLUMN_NAMES]);
      expect(one?.timestamp).toBeInstanceOf(Date);
      expect(typeof one?.is_idle).toBe('boolean');
    } finally {
      await warehouse.close();
    }
  });
});
