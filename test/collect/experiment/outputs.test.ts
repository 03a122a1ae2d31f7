import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CsvSink, csvHeader, WarehouseSink } from '../../../src/collect/experiment/outputs.js';
import { QUANTITIES } from '../../../src/collect/queries/types.js';
import { openWarehouse } from '../../../src/core/warehouse/index.js';
import { parseLoadStepCsv } from '../../../src/models/index.js';
import { tempDir } from '../../helpers/services.js';

const rows = (users: number, t: number) =>
  ['a', 'b,c'].map((service) => ({
    timestamp: t,
    service,
    users,
    values: {
      response_time: 0.012,
      response_time_p95: 0.02,
      throughput: 8.5,
      cpu: 0.03,
      replicas: 1,
      cpu_request: 0.1,
    },
  }));

describe('outputs', () => {
  it('write the kpp columns (p95 after them), one level at a time, readable by the performance models', async () => {
    expect(csvHeader(QUANTITIES)).toEqual([
      'Timestamp',
      'Service',
      'User Count',
      'Response Time (s)',
      'Throughput (req/s)',
      'CPU Usage',
      'Replicas',
      'CPU Request',
      'Response Time p95 (s)',
    ]);
    const dir = tempDir();
    const file = join(dir.path, 'nested', 'run.csv');
    const sink = new CsvSink(file, QUANTITIES);
    expect(await sink.existing()).toEqual([]);
    await sink.writeLevel(rows(5, 1700000000.5));
    await sink.writeLevel([
      { ...rows(9, 1700000010)[0]!, values: { ...rows(9, 0)[0]!.values, response_time: Number.NaN } },
    ]);
    expect(existsSync(`${file}.partial`)).toBe(false);
    const text = readFileSync(file, 'utf8');
    expect(text.split('\n')[1]).toBe('1700000000.500,a,5,0.012,8.5,0.03,1,0.1,0.02');
    expect(text).toContain('"b,c"');
    const parsed = parseLoadStepCsv(text, file);
    expect(parsed).toHaveLength(3);
    expect(Number.isNaN(parsed[2]!.responseTime)).toBe(true);
    expect(await sink.existing()).toEqual([
      { service: 'a', users: 5, replicas: 1 },
      { service: 'b,c', users: 5, replicas: 1 },
      { service: 'a', users: 9, replicas: 1 },
    ]);
    const other = new CsvSink(file, ['response_time', 'throughput', 'cpu']);
    await expect(other.existing()).rejects.toThrow(/exists with other columns/);
    writeFileSync(file, `${csvHeader(QUANTITIES).join(',')}\n`);
    expect(await sink.existing()).toEqual([]);
    dir.remove();
  });

  it('write levels to a warehouse table, idempotently, and find them again per experiment', async () => {
    const dir = tempDir();
    const warehouse = await openWarehouse(`duckdb:${join(dir.path, 'w.duckdb')}`);
    try {
      const sink = new WarehouseSink(warehouse, 'load_steps', 'exp1');
      expect(await sink.existing()).toEqual([]);
      await sink.writeLevel(rows(5, 1700000000));
      await sink.writeLevel(rows(5, 1700000000));
      await new WarehouseSink(warehouse, 'load_steps', 'exp2').writeLevel(rows(7, 1700000000));
      expect(await sink.existing()).toEqual([
        { service: 'a', users: 5, replicas: 1 },
        { service: 'b,c', users: 5, replicas: 1 },
      ]);
      const [row] = await warehouse.query('SELECT * FROM load_steps WHERE experiment = $1 AND service = $2', [
        'exp1',
        'a',
      ]);
      expect(row).toMatchObject({
        users: 5,
        response_time_s: 0.012,
        throughput_rps: 8.5,
        cpu_cores: 0.03,
        cpu_request_cores: 0.1,
      });
    } finally {
      await warehouse.close();
      dir.remove();
    }
  });
});
