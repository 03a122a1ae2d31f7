import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/services.js';
import { trendSeasonAr } from './synthetic.js';

let dir: { path: string; remove: () => void };
beforeAll(() => {
  dir = tempDir();
  const lines = ['timestamp,resource_id,workload_type,cpu'];
  for (const [k, id] of ['web-1', 'web-2', 'db-1'].entries()) {
    trendSeasonAr(24 * 5, 60 + k).forEach((v, t) => {
      if (id === 'web-2' && t === 40) return; // one missed scrape: interpolated
      lines.push(`${new Date(Date.UTC(2025, 0, 6, t)).toISOString()},${id},${id.split('-')[0]},${v}`);
    });
  }
  writeFileSync(join(dir.path, 'fleet.csv'), `${lines.join('\n')}\n`);
});
afterAll(() => dir.remove());

describe('fleetcast train --task forecast', () => {
  it('pools by --group-col on worker threads and plots each forecast with its band', { timeout: 120_000 }, async () => {
    const result = await runInProcess(
      [
        ...['train', '--task', 'forecast', '--data', 'fleet.csv', '--id-col', 'resource_id', '--time-col', 'timestamp'],
        ...['--value-col', 'cpu', '--horizon', '12', '--season', '24', '--model', 'pooled', '--group-col'],
        ...['workload_type', '--workers', '2', '--plots', 'plots', '--out', 'model', '--json'],
      ],
      { cwd: dir.path },
    );
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as {
      series: number;
      models: Record<string, number>;
      repaired: unknown[];
      plots: string[];
    };
    expect(report.series).toBe(3);
    expect(report.models).toEqual({ pooled: 3 });
    expect(report.repaired).toEqual([{ series: 'web-2', duplicates: 0, interpolated: 1, longGapFilled: 0 }]);
    expect(report.plots).toHaveLength(3);
    for (const path of report.plots) expect(existsSync(path)).toBe(true);
    expect(existsSync(join(dir.path, 'model', 'series.json'))).toBe(true);
  });

  it('reads a numeric time column in epoch seconds as seconds, not as milliseconds of 1970', async () => {
    const start = Date.UTC(2025, 0, 6) / 1000;
    const lines = ['ts,vm,cpu', ...trendSeasonAr(24 * 5, 3).map((v, t) => `${start + 3600 * t},vm-1,${v}`)];
    writeFileSync(join(dir.path, 'seconds.csv'), `${lines.join('\n')}\n`);
    const result = await runInProcess(
      [
        ...['train', '--task', 'forecast', '--data', 'seconds.csv', '--time-col', 'ts', '--id-col', 'vm'],
        ...['--value-col', 'cpu', '--horizon', '6', '--season', '24', '--model', 'naive', '--out', 'seconds-model'],
      ],
      { cwd: dir.path },
    );
    expect(result.code, result.stderr).toBe(0);
    const saved = readFileSync(join(dir.path, 'seconds-model', 'series.json'), 'utf8');
    const lastMs = Number(/"lastMs":\s*(\d+)/.exec(saved)?.[1]);
    expect(lastMs).toBe((start + 3600 * (24 * 5 - 1)) * 1000);
  });

  it('rejects --workers 0', async () => {
    const result = await runInProcess(
      [
        ...['train', '--task', 'forecast', '--data', 'fleet.csv', '--id-col', 'resource_id', '--time-col', 'timestamp'],
        ...['--value-col', 'cpu', '--horizon', '12', '--workers', '0'],
      ],
      { cwd: dir.path },
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/--workers/);
  });
});
