import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFleetcastError } from '../../../src/core/errors.js';
import { loadPerformanceGruModel } from '../../../src/models/performance/index.js';
import { tempDir } from '../../helpers/services.js';
import { stepRun, toCsv } from './synthetic.js';
import { runTrain } from './train-runner.js';

let dir: { path: string; remove: () => void };
beforeAll(() => {
  dir = tempDir();
  writeFileSync(join(dir.path, 'steps.csv'), toCsv(stepRun()));
});
afterAll(() => dir.remove());

const train = (args: string[]) => runTrain(dir.path, args);

interface GruReport {
  model: string;
  split: string;
  setup: Record<string, number>;
  services: Record<string, { scaled_rmse: number; baseline_scaled_rmse: number; epochs: number }>;
  mean: { scaled_rmse: number; baseline_scaled_rmse: number };
  skipped: Record<string, string>;
  model_dir?: string;
  registered?: { name: string; version: number };
}

const GRU = ['--task', 'performance', '--model', 'gru', '--data', 'steps.csv'];

describe('fleetcast train --task performance --model gru', () => {
  it('prints scaled RMSE beside the last-poll baseline, saves and registers the model', async () => {
    const args = [...GRU, '--epochs', '4', '--seed', '9', '--json'];
    const result = await train([...args, '--out', 'gru-model', '--register', 'steps-gru']);
    expect(result.error).toBeUndefined();
    const report = JSON.parse(result.stdout) as GruReport;
    expect(report).toMatchObject({ model: 'gru', split: 'level-tail', skipped: {} });
    expect(report.setup).toMatchObject({ window: 5, hidden: 64, layers: 2, epochs: 4, seed: 9, batch_size: 32 });
    expect(Object.keys(report.services)).toEqual(['api', 'db']);
    for (const s of [...Object.values(report.services), report.mean]) {
      expect(Number.isFinite(s.scaled_rmse) && Number.isFinite(s.baseline_scaled_rmse)).toBe(true);
    }
    expect(report.services.api!.epochs).toBe(4);
    expect(report.registered).toEqual({ name: 'steps-gru', version: 1 });
    expect(report.model_dir).toBe(join(dir.path, 'gru-model'));
    expect(result.stderr).toMatch(/train performance gru/);
    const predictor = await loadPerformanceGruModel(join(dir.path, 'gru-model'));
    expect(predictor.manifest.metrics.mean_scaled_rmse).toBe(report.mean.scaled_rmse);
    expect(predictor.manifest.lineage.datasetSha256).toMatch(/^[0-9a-f]{64}$/);

    // The same seed on two worker threads (no --out: the run keeps its own copy): the same scores.
    const again = JSON.parse((await train([...args, '--workers', '2'])).stdout) as GruReport & { workers: number };
    expect(again.workers).toBe(2);
    expect(again.services).toEqual(report.services);
    expect(again.model_dir).toBeUndefined();
  });

  it('prints a markdown table without --json', async () => {
    const result = await train([...GRU, '--epochs', '1']);
    expect(result.error).toBeUndefined();
    expect(result.stdout).toMatch(/\| service \| scaled RMSE \| repeat last poll \|/);
    expect(result.stdout).toMatch(/\| api \| [\d.]+ \| [\d.]+ \| -?\d+ % \| 1 \(1\) \|/);
    expect(existsSync(join(dir.path, 'model'))).toBe(false);
  });

  it('refuses flags that do not apply, and bad values', async () => {
    const cases: Array<[string[], RegExp]> = [
      [[...GRU, '--split', 'interpolation'], /--split does not apply to --model gru/],
      [[...GRU, '--plots', 'p'], /--plots does not apply to --model gru/],
      [[...GRU, '--epochs', '0'], /--epochs "0" is not a positive integer/],
      [[...GRU, '--seed', '-1'], /--seed "-1" is not an integer from 0 to 4294967295/],
      [['--task', 'performance', '--model', 'nets', '--data', 'steps.csv'], /--model nets is not a performance model/],
      [
        ['--task', 'performance', '--data', 'steps.csv', '--epochs', '5'],
        /--epochs applies to --task performance --model gru only/,
      ],
      [
        ['--task', 'forecast', '--data', 'steps.csv', '--seed', '5'],
        /--seed applies to --task performance --model gru only/,
      ],
      [
        ['--task', 'performance', '--data', 'steps.csv', '--workers', '2'],
        /--workers applies to --task forecast and --model gru only/,
      ],
    ];
    for (const [args, message] of cases) {
      const result = await train(args);
      expect(isFleetcastError(result.error, 'FLEETCAST_USAGE')).toBe(true);
      expect((result.error as Error).message).toMatch(message);
    }
  });
});
