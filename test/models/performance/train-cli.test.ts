import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFleetcastError } from '../../../src/core/errors.js';
import { loadPerformanceModel } from '../../../src/models/performance/index.js';
import { tempDir } from '../../helpers/services.js';
import { LEVELS, syntheticRun, toCsv } from './synthetic.js';
import { runTrain } from './train-runner.js';

let dir: { path: string; remove: () => void };
beforeAll(() => {
  dir = tempDir();
  writeFileSync(join(dir.path, 'normal.csv'), toCsv(syntheticRun(LEVELS)));
  writeFileSync(join(dir.path, 'overload.csv'), toCsv(syntheticRun([150, 250], 5, 0.05, 3)));
});
afterAll(() => dir.remove());

const train = (args: string[]) => runTrain(dir.path, args);

interface Report {
  split: string;
  test_levels: number[];
  services: Record<string, { mape: Record<string, number>; rmse: Record<string, number> }>;
  mean: { mape: Record<string, number>; rmse: Record<string, number> };
  model?: string;
}

describe('fleetcast train --task performance', () => {
  it('prints per-service and mean MAPE and RMSE as JSON on the interpolation split, progress on stderr', async () => {
    const result = await train(['--task', 'performance', '--data', 'normal.csv', '--split', 'interpolation', '--json']);
    expect(result.error).toBeUndefined();
    const report = JSON.parse(result.stdout) as Report;
    expect(report.split).toBe('interpolation');
    expect(report.test_levels).toEqual([30, 32, 34, 36, 38]);
    expect(Object.keys(report.services)).toEqual(['api', 'db']);
    for (const scores of [report.mean, report.services.api!, report.services.db!]) {
      expect(Object.keys(scores.mape).sort()).toEqual(['cpu', 'response_time', 'throughput']);
      expect(Object.keys(scores.rmse).sort()).toEqual(['cpu', 'response_time', 'throughput']);
    }
    // The synthetic noise is ±5 % uniform (mean absolute 2.5 %): a model near the truth scores about that.
    for (const value of Object.values(report.mean.mape)) {
      expect(value).toBeGreaterThan(1);
      expect(value).toBeLessThan(4);
    }
    expect(result.stderr).toMatch(/train performance/);
  });

  it('trains on one file, tests on another, saves the model and prints a markdown table', async () => {
    const result = await train([
      '--task',
      'performance',
      '--data',
      'normal.csv',
      '--split',
      'extrapolation',
      '--test',
      'overload.csv',
      '--out',
      'model',
      '--plots',
      'plots',
    ]);
    expect(result.error).toBeUndefined();
    expect(result.stdout).toMatch(/extrapolation split: .* tested on levels 150, 250/);
    expect(result.stdout).toMatch(/\| service \| MAPE response time % \|/);
    expect(result.stdout).toMatch(/\| api \| [\d.]+ \|/);
    expect(result.stdout).toMatch(/\| \*\*mean\*\* \|/);
    expect(existsSync(join(dir.path, 'model', 'fleetcast.json'))).toBe(true);
    expect(result.stdout).toContain(`- ${join(dir.path, 'plots', 'api.svg')}`);
    expect(existsSync(join(dir.path, 'plots', 'db.svg'))).toBe(true);
    const predictor = await loadPerformanceModel(join(dir.path, 'model'));
    expect(predictor.manifest.metrics.mean_mape_throughput).toBeLessThan(5);
    expect(predictor.manifest.lineage.datasetSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a forecast task without its columns, a missing --test, and a bad bucket', async () => {
    const forecast = await train(['--task', 'forecast', '--data', 'normal.csv']);
    expect(isFleetcastError(forecast.error, 'FLEETCAST_USAGE')).toBe(true);
    expect((forecast.error as Error).message).toBe('--task forecast needs --id-col');
    const noTest = await train(['--task', 'performance', '--data', 'normal.csv', '--split', 'extrapolation']);
    expect(isFleetcastError(noTest.error, 'FLEETCAST_USAGE')).toBe(true);
    const stray = await train(['--task', 'performance', '--data', 'normal.csv', '--test', 'overload.csv']);
    expect((stray.error as Error).message).toMatch(/--test only applies to --split extrapolation/);
    const bucket = await train(['--task', 'performance', '--data', 'normal.csv', '--bucket', 'x']);
    expect((bucket.error as Error).message).toMatch(/--bucket must be a positive number/);
    const split = await train(['--task', 'performance', '--data', 'normal.csv', '--split', 'random']);
    expect((split.error as Error).message).toMatch(/Allowed choices are interpolation, extrapolation/);
  });

  it('reports a bad CSV with the column, and a missing file', async () => {
    writeFileSync(join(dir.path, 'bad.csv'), 'Timestamp,Service\n1,a\n');
    const bad = await train(['--task', 'performance', '--data', 'bad.csv', '--json']);
    expect((bad.error as Error).message).toMatch(/bad\.csv: the header lacks "User Count"/);
    const missing = await train(['--task', 'performance', '--data', 'nope.csv']);
    expect(isFleetcastError(missing.error, 'FLEETCAST_NOT_FOUND')).toBe(true);
  });
});
