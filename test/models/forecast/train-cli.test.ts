import { existsSync, writeFileSync } from 'node:fs';
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
