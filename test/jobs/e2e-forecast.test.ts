import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openWarehouse } from '../../src/core/warehouse/index.js';
import { runInProcess } from '../helpers/cli.js';
import { createTempPostgresDatabase, serviceUrl, tempDir } from '../helpers/services.js';

const postgresUrl = serviceUrl('postgres');
const targets: Array<{ name: string; env: () => Promise<{ env: NodeJS.ProcessEnv; drop: () => Promise<void> }> }> = [
  { name: 'embedded stores', env: async () => ({ env: {}, drop: async () => {} }) },
];
if (postgresUrl) {
  targets.push({
    name: 'PostgreSQL',
    env: async () => {
      const db = await createTempPostgresDatabase(postgresUrl);
      return { env: { FLEETCAST_DATABASE_URL: db.url, FLEETCAST_WAREHOUSE_URL: db.url }, drop: db.drop };
    },
  });
}

/** The sequence of the registry issue, as a user types it, in a fresh FLEETCAST_HOME. */
describe.each(targets)('simulate → train → promote → predict → history on $name', (target) => {
  it('works as written, each --json one document', async () => {
    const dir = tempDir();
    const { env: extra, drop } = await target.env();
    const env = { FLEETCAST_HOME: join(dir.path, 'home'), ...extra };
    const cli = async (...args: string[]) => {
      const result = await runInProcess(args, { cwd: dir.path, env });
      expect(result.code, result.stderr).toBe(0);
      return result.stdout.trim() ? JSON.parse(result.stdout) : undefined;
    };
    try {
      await cli('simulate', '--fleet', '5', '--days', '7', '--seed', '3', '--to-warehouse', 'metrics', '--json');
      const trained = await cli(
        ...['train', '--task', 'forecast', '--data', 'metrics', '--id-col', 'resource_id', '--time-col', 'timestamp'],
        ...['--value-col', 'cpu_utilization', '--horizon', '12', '--register', 'cpu-forecast', '--json'],
      );
      expect(trained).toMatchObject({ series: 5, horizon: 12, registered: { name: 'cpu-forecast', version: 1 } });
      await cli('models', 'promote', 'cpu-forecast', '1', '--to', 'prod', '--yes', '--json');
      const predicted = await cli(
        'predict',
        '--model',
        'cpu-forecast@prod',
        '--from',
        'metrics',
        '--to',
        'predictions',
        '--json',
      );
      expect(predicted).toMatchObject({ version: 1, environment: 'prod', rows_in: 10_080, rows_out: 60, rejected: 0 });
      expect(predicted.run_id).toEqual(expect.any(String));
      const history = await cli('models', 'history', 'cpu-forecast', '--json');
      expect(history).toEqual([
        expect.objectContaining({ alias: 'prod', action: 'promote', fromVersion: null, toVersion: 1 }),
      ]);

      const warehouse = await openWarehouse(
        extra.FLEETCAST_WAREHOUSE_URL ?? `duckdb:${join(dir.path, 'home', 'warehouse.duckdb')}`,
      );
      try {
        const rows = await warehouse.query(
          'SELECT series_id, step, mean, q10, q90, timestamp FROM predictions ORDER BY series_id, step',
        );
        expect(rows).toHaveLength(60);
        for (const row of rows) {
          expect(Number.isFinite(row.mean)).toBe(true);
          expect(row.q10 as number).toBeLessThanOrEqual(row.q90 as number);
        }
        // Forecasts start one step after the simulated week ends.
        expect((rows[0]!.timestamp as Date).toISOString()).toBe('2025-01-13T00:00:00.000Z');
      } finally {
        await warehouse.close();
      }
    } finally {
      await drop();
      dir.remove();
    }
  });
});
