import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openWarehouse } from '../../src/core/warehouse/index.js';
import { runInProcess } from '../helpers/cli.js';
import { tempDir } from '../helpers/services.js';

describe('fleetcast import', () => {
  it('imports an Alibaba machine_usage file into the warehouse, counting what it dropped', async () => {
    const dir = tempDir();
    const env = { FLEETCAST_HOME: join(dir.path, 'home') };
    writeFileSync(
      join(dir.path, 'machine_usage.csv'),
      [
        'm_1,0,10,40,,,1.2,1.3,5',
        'm_1,130,20,42,,,1.2,1.3,5',
        'm_1,290,-1,41,,,1.2,1.3,5',
        'm_2,20,60,50,,,1.2,1.3,5',
      ].join('\n'),
    );
    const result = await runInProcess(
      ['import', 'machine_usage.csv', '--format', 'alibaba', '--interval', '5m', '--to-warehouse', 'traces', '--json'],
      { cwd: dir.path, env },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ format: 'alibaba', readings: 3, invalid: 1, resources: 2 });
    const warehouse = await openWarehouse(`duckdb:${join(dir.path, 'home', 'warehouse.duckdb')}`);
    try {
      const rows = await warehouse.query(
        'SELECT resource_id, cpu_utilization FROM traces ORDER BY resource_id, timestamp',
      );
      expect(rows).toEqual([
        { resource_id: 'm_1', cpu_utilization: 15 },
        { resource_id: 'm_2', cpu_utilization: 60 },
      ]);
    } finally {
      await warehouse.close();
    }
    dir.remove();
  });

  it('refuses a missing file, an unknown format and a missing or double output', async () => {
    const dir = tempDir();
    writeFileSync(join(dir.path, 'x.csv'), 'timestamp,resource_id,cpu_utilization\n');
    const cli = (...args: string[]) => runInProcess(args, { cwd: dir.path });
    expect((await cli('import', 'nope.csv', '--format', 'csv', '--out', 'o.csv')).stderr).toContain('does not exist');
    expect((await cli('import', 'x.csv', '--format', 'borg', '--out', 'o.csv')).code).toBe(2);
    expect((await cli('import', 'x.csv', '--format', 'csv')).stderr).toContain(
      'exactly one of --out or --to-warehouse',
    );
    expect((await cli('import', 'x.csv', '--format', 'csv', '--out', 'o.txt')).stderr).toContain('.csv or .parquet');
    dir.remove();
  });
});
