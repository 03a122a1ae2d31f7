import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkQueue, type WorkQueue } from '../../../src/core/queue/index.js';
import { loadModel, loadPerformanceModel } from '../../../src/models/index.js';
import {
  backtestLoss,
  createSampler,
  forecasterFromParams,
  loadTuningSpec,
  MemoryStudy,
  runModelTuning,
  saveTunedModel,
} from '../../../src/tune/index.js';
import { tempDir } from '../../helpers/services.js';
import { loadStepCsv, seasonalCsv } from './fixtures.js';

let dir: { path: string; remove: () => void };
let queue: WorkQueue;
beforeAll(() => {
  dir = tempDir();
  queue = openWorkQueue({ concurrency: 2 });
  writeFileSync(join(dir.path, 'cpu.csv'), seasonalCsv(['a', 'b'], 24 * 10));
  writeFileSync(join(dir.path, 'loadsteps.csv'), loadStepCsv());
});
afterAll(async () => {
  await queue.close();
  dir.remove();
});

function spec(name: string, text: string): string {
  const path = join(dir.path, name);
  writeFileSync(path, text);
  return path;
}

describe('forecaster hyperparameters', () => {
  it('builds the forecaster a parameter set names, with ETS components restricted or left to AICc', () => {
    expect(forecasterFromParams({ model: 'naive', season: 24 }, 1)).toMatchObject({ season: 24 });
    expect(forecasterFromParams({}, 12).forecaster.name).toBe('ets');
    expect(forecasterFromParams({ model: 'gp', gp_window: 48 }, 1).forecaster.name).toBe('gp');
    expect(() => forecasterFromParams({ model: 'prophet' }, 1)).toThrow(/model must be naive, ets or gp/);
    expect(() => forecasterFromParams({ depth: 3 }, 1)).toThrow(/"depth" is not a forecaster hyperparameter/);
    expect(() => forecasterFromParams({ ets_error: 'A', ets_season: 'M' }, 1)).toThrow(/no admissible ETS model/);
  });

  it('scores a seasonal model below a season-less one by rolling-origin MASE', () => {
    const values = Array.from(
      { length: 240 },
      (_, h) => 20 * (1 + 0.5 * Math.sin((2 * Math.PI * h) / 24)) + (h % 7) * 0.1,
    );
    const options = { horizon: 12, folds: 3, season: 24, metric: 'mase' as const };
    const seasonal = backtestLoss([{ id: 's', values }], { model: 'naive' }, options);
    const flat = backtestLoss([{ id: 's', values }], { model: 'naive', season: 1 }, options);
    expect(seasonal.loss).toBeLessThan(flat.loss);
    // `history` fits on the last points of each fold only: seasonal naive needs just the last season.
    const mae = { ...options, metric: 'mae' as const };
    expect(backtestLoss([{ id: 's', values }], { model: 'naive', history: 30 }, mae).loss).toBeCloseTo(
      backtestLoss([{ id: 's', values }], { model: 'naive' }, mae).loss,
      12,
    );
  });
});

describe('tuning specs', () => {
  const forecasterSpec = `
kind: Tuning
model: forecaster
data: { file: cpu.csv, time_col: timestamp, value_col: cpu, id_col: resource_id }
backtest: { horizon: 12, folds: 2, season: 24, metric: mase }
space:
  model: { type: categorical, choices: [naive, ets] }
  season: { type: categorical, choices: [1, 24] }
  ets_trend: { type: fixed, value: N }
  ets_error: { type: fixed, value: A }
sampler: tpe
trials: 14
seed: 3
register: cpu-forecast
`;

  it('tunes a forecaster by backtest loss, and saves the best trial as a loadable forecast bundle', async () => {
    const plan = await loadTuningSpec(spec('forecast.yaml', forecasterSpec));
    expect(plan).toMatchObject({ trials: 14, register: 'cpu-forecast', horizon: 12 });
    expect(plan.input).toMatchObject({ kind: 'forecaster', folds: 2, season: 24, metric: 'mase' });
    const study = new MemoryStudy({ name: 'forecast', space: plan.space, sampler: createSampler(plan.sampler) });
    const result = await runModelTuning(study, queue, plan);
    expect(result.summary).toMatchObject({ completed: 14, failed: 0 });
    expect(result.best!.params.season).toBe(24);
    const losses = result.history.map((t) => t.loss!);
    expect(result.best!.value).toBe(Math.min(...losses));

    const out = join(dir.path, 'best-forecaster');
    saveTunedModel(plan, result.best!.params, out, { loss: result.best!.value, study: 'forecast' });
    const predictor = await loadModel(out);
    const rows = (await predictor.predict([{ resource_id: 'a' }, { resource_id: 'b' }])) as Array<
      Record<string, unknown>
    >;
    expect(rows).toHaveLength(24);
    expect(rows[0]).toMatchObject({ series_id: 'a', step: 1 });
    expect(predictor.manifest.metrics.tuning_loss).toBe(result.best!.value);
  }, 60_000);

  it('tunes the performance model on held-out load levels and saves it', async () => {
    const plan = await loadTuningSpec(
      spec(
        'performance.yaml',
        `model: performance
data: { file: loadsteps.csv }
validation: { target: response_time }
space: { bucket_seconds: { type: int, low: 30, high: 120, step: 30 } }
sampler: random
trials: 4
`,
      ),
    );
    const study = new MemoryStudy({ name: 'performance', space: plan.space, sampler: createSampler(plan.sampler) });
    const result = await runModelTuning(study, queue, plan);
    expect(result.summary).toMatchObject({ completed: 4, failed: 0 });
    // Response time is predicted within a few percent of the held-out levels' polls (5% noise).
    expect(result.best!.value).toBeLessThan(10);
    const out = join(dir.path, 'best-performance');
    saveTunedModel(plan, result.best!.params, out, { loss: result.best!.value, study: 'performance' });
    const model = await loadPerformanceModel(out);
    const [prediction] = (await model.predict([{ service: 'cart', users: 55 }])) as Array<{ response_time: number }>;
    // The laws give 0.01 + 0.0002 · 55 = 0.021 s.
    expect(prediction!.response_time).toBeGreaterThan(0.019);
    expect(prediction!.response_time).toBeLessThan(0.023);
  }, 60_000);

  it('refuses a spec that cannot run, naming the field', async () => {
    const cases: Array<[string, RegExp]> = [
      [
        forecasterSpec.replace('backtest: { horizon: 12, folds: 2, season: 24, metric: mase }', ''),
        /backtest: model: forecaster needs backtest/,
      ],
      [forecasterSpec.replace('metric: mase', 'metric: accuracy'), /backtest\.metric: Invalid option/],
      [
        forecasterSpec.replace('folds: 2', 'folds: 40'),
        /series "a" has 240 points; 40 folds of 12 with season 24 need 528/,
      ],
      [forecasterSpec.replace('time_col: timestamp, ', ''), /data\.time_col: is required for model: forecaster/],
      [forecasterSpec.replace('file: cpu.csv, ', ''), /data: \(root\): give exactly one of file, table or query/],
      [forecasterSpec.replace('value_col: cpu', 'value_col: mem'), /column "mem" is not in the data/],
      [forecasterSpec.replace('model: forecaster', 'model: transformer'), /model: Invalid option/],
      [forecasterSpec.replace('register: cpu-forecast', 'register: CPU Forecast'), /register: a model name/],
    ];
    for (const [text, message] of cases) {
      await expect(loadTuningSpec(spec('refused.yaml', text))).rejects.toThrow(message);
    }
  });
});
