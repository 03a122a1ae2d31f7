import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openWarehouse } from '../../src/core/warehouse/index.js';
import { runInProcess } from '../helpers/cli.js';
import { kppFolder, tempDir } from '../helpers/services.js';

const KPP = kppFolder() ?? '';
const present = KPP !== '';

describe.runIf(present)('train → register → promote → predict → rollback, on real load-step data', () => {
  it('predicts with whichever version holds @prod', async () => {
    const dir = tempDir();
    const env = { FLEETCAST_HOME: join(dir.path, 'home') };
    const cli = async (...args: string[]) => {
      const result = await runInProcess([...args, '--json'], { cwd: dir.path, env });
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout);
    };
    const normal = join(KPP, 'performance_results_normal.csv');
    // Version 1 registered by train itself, version 2 saved to a folder and registered by hand.
    const trained = await cli(
      ...[
        'train',
        '--task',
        'performance',
        '--data',
        normal,
        '--split',
        'interpolation',
        '--register',
        'kpp',
        '--env',
        'dev',
      ],
    );
    expect(trained.registered).toEqual({ name: 'kpp', version: 1 });
    const overload = join(KPP, 'performance_results_overload.csv');
    await cli(
      ...['train', '--task', 'performance', '--data', normal, '--split', 'extrapolation', '--test', overload],
      ...['--out', join(dir.path, 'full')],
    );
    expect((await cli('models', 'register', 'kpp', join(dir.path, 'full'))).version).toBe(2);
    expect((await cli('models', 'show', 'kpp@dev')).version).toBe(1);
    await cli('models', 'promote', 'kpp', '1', '--to', 'prod', '--yes');
    await cli('models', 'promote', 'kpp', '2', '--to', 'prod', '--yes');

    const source = `SELECT Service AS service, "User Count" AS users, Replicas AS replicas, Timestamp || '-' || Service AS id FROM read_csv_auto('${join(KPP, 'performance_results_overload.csv')}')`;
    const first = await cli('predict', '--model', 'kpp@prod', '--from', source, '--to', 'capacity', '--key', 'id');
    expect(first).toMatchObject({ version: 2, environment: 'prod', rows_in: 1050, rows_out: 1050, rejected: 0 });
    await cli('models', 'rollback', 'kpp', '--env', 'prod', '--reason', 'compare');
    const second = await cli('predict', '--model', 'kpp@prod', '--from', source, '--to', 'capacity', '--key', 'id');
    expect(second.version).toBe(1);

    const warehouse = await openWarehouse(`duckdb:${join(dir.path, 'home', 'warehouse.duckdb')}`);
    try {
      const rows = await warehouse.query(
        'SELECT version, COUNT(*) AS n, MIN(response_time) AS rt, MIN(throughput) AS x FROM capacity GROUP BY version ORDER BY version',
      );
      expect(rows.map((r) => [r.version, Number(r.n)])).toEqual([
        [1, 1050],
        [2, 1050],
      ]);
      for (const row of rows) {
        expect(row.rt).toBeGreaterThan(0);
        expect(row.x).toBeGreaterThan(0);
      }
    } finally {
      await warehouse.close();
    }
    const history = await cli('models', 'history', 'kpp');
    expect(history.map((h: { action: string; toVersion: number }) => `${h.action}:${h.toVersion}`)).toEqual([
      'promote:1',
      'promote:1',
      'promote:2',
      'rollback:1',
    ]);
    dir.remove();
  });
});
