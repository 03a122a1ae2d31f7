import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openWarehouse } from '../../../src/core/warehouse/index.js';
import {
  type ChronosOutput,
  type ChronosPredictor,
  loadModel,
  readSeries,
  saveChronosModel,
  tinyChronosBoltConfig,
  tinyChronosBoltForward,
  tinyChronosBoltOnnx,
  writeTinyChronosBolt,
} from '../../../src/models/index.js';
import { runBinary, runInProcess } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/services.js';
import { expectClose, LEVELS, series, window } from './helpers.js';

const FIXTURE = fileURLToPath(new URL('../../../fixtures/tiny-chronos-bolt/', import.meta.url));
const temp = tempDir('fleetcast-chronos-flavor-');
afterAll(() => temp.remove());

/** Output quantiles as `[level][step]`. */
const rows = (output: ChronosOutput) => LEVELS.map((level) => output.quantiles[String(level)]!);

describe('the chronos flavor', () => {
  it('ships the tiny fixture exactly as the generator writes it (scripts/make-tiny-chronos-bolt.mjs)', () => {
    expect(readdirSync(FIXTURE).sort()).toEqual(['config.json', 'model.onnx']);
    expect(readFileSync(join(FIXTURE, 'model.onnx')).equals(tinyChronosBoltOnnx())).toBe(true);
    expect(JSON.parse(readFileSync(join(FIXTURE, 'config.json'), 'utf8'))).toEqual(tinyChronosBoltConfig());
  });

  it('reads a row series from arrays, list columns and CSV text; missing points become NaN', () => {
    expect(readSeries([1, null, 3, Number.NaN, 5n])).toEqual([1, Number.NaN, 3, Number.NaN, 5]);
    expect(readSeries('[1, null, 2.5, NaN, -Infinity]')).toEqual([1, Number.NaN, 2.5, Number.NaN, Number.NaN]);
    expect(readSeries('1;2;;4')).toEqual([1, 2, Number.NaN, 4]);
    expect(readSeries('1,2, NA ,4')).toEqual([1, 2, Number.NaN, 4]);
    expect(readSeries('1 2  3')).toEqual([1, 2, 3]);
    expect(readSeries(['7', ' 8 ', 'nan'])).toEqual([7, 8, Number.NaN]);
    expect(readSeries([1, 'abc'])).toBe('point 1 ("abc") is not a number');
    expect(readSeries([1, { a: 1 }])).toMatch(/point 1 .* is not a number/);
    expect(readSeries('[1, 2')).toBe('is not a JSON array of numbers');
    expect(readSeries('[')).toBe('is not a JSON array of numbers');
    expect(readSeries([])).toBe('is empty');
    expect(readSeries('')).toBe('is empty');
    expect(readSeries(42)).toMatch(/must be an array/);
    expect(readSeries(new Array(100_001).fill(1))).toMatch(/more than 100000/);
  });

  it('loads as a predictor of {series, horizon?} rows that batches them and refuses bad ones', async () => {
    const dir = join(temp.path, 'model');
    await saveChronosModel(FIXTURE, dir);
    const predictor = (await loadModel(dir)) as unknown as ChronosPredictor;
    expect(predictor.flavor).toBe('chronos');
    expect(predictor.rowwise).toBe(true);
    expect(predictor.signature.inputs.map((f) => f.name)).toEqual(['series', 'horizon']);
    const history = series(50);
    const gappy = [4, null, 6, 5, null, 7];
    const out = await predictor.predict([
      { series: history, horizon: 5 },
      { series: gappy },
      { series: '3;4;;5', horizon: 1 },
    ]);
    expect(out.map((o) => o.horizon)).toEqual([5, 8, 1]);
    expectClose(
      rows(out[0]!),
      tinyChronosBoltForward(history.slice(-32)).map((row) => row.slice(0, 5)),
    );
    expect(out[0]!.mean).toEqual(out[0]!.quantiles['0.5']);
    expectClose(rows(out[1]!), tinyChronosBoltForward(window([4, Number.NaN, 6, 5, Number.NaN, 7], 32)));
    expectClose(
      rows(out[2]!),
      tinyChronosBoltForward([3, 4, 5]).map((row) => row.slice(0, 1)),
    );
    expect(Object.keys(out[0]!.quantiles)).toEqual(LEVELS.map(String));
    // Long horizons: the autoregressive extension; past max_horizon (10 × 8): refused.
    expect((await predictor.predict([{ series: history, horizon: 80 }]))[0]!.mean).toHaveLength(80);
    expect(predictor.accepts?.({ series: history, horizon: 81 })).toBe('horizon must be an integer between 1 and 80');
    expect(predictor.accepts?.({ series: history, horizon: 0 })).toMatch(/between 1 and 80/);
    expect(predictor.accepts?.({ series: [null, null] })).toBe('series: no observed value in its 2 point(s)');
    expect(predictor.accepts?.({ series: 'abc' })).toBe('series point 0 ("abc") is not a number');
    expect(predictor.accepts?.({ series: history, horizon: null })).toBeUndefined();
    await expect(predictor.predict([{ series: history }, { series: [] }])).rejects.toThrow(/row 1: series is empty/);
    await predictor.dispose();
  });

  it('refuses a saved folder whose params were altered', async () => {
    const source = join(temp.path, 'source');
    writeTinyChronosBolt(source, { contextLength: 8, predictionLength: 2 });
    const dir = join(temp.path, 'altered');
    await saveChronosModel(source, dir);
    const manifestPath = join(dir, 'fleetcast.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, params: { ...manifest.params, extension: 'mean' } }));
    await expect(loadModel(dir)).rejects.toThrow(/chronos params: extension: /);
    writeFileSync(
      manifestPath,
      JSON.stringify({ ...manifest, params: { ...manifest.params, quantiles: [0.3, 0.5, 0.7] } }),
    );
    await expect(loadModel(dir)).rejects.toThrow(/quantile levels \[0\.3, 0\.5, 0\.7\] do not cover/);
  });

  it('is registered from a Chronos-Bolt folder, then predicts the same numbers in a fresh process', async () => {
    const dir = tempDir('fleetcast-chronos-cli-');
    const env = { FLEETCAST_HOME: join(dir.path, 'home') };
    const source = join(dir.path, 'chronos-bolt-tiny');
    writeTinyChronosBolt(source, { layout: 'optimum' });
    const registered = await runInProcess(['models', 'register', 'cpu-chronos', source, '--env', 'prod', '--json'], {
      cwd: dir.path,
      env,
    });
    expect(registered.code, registered.stderr).toBe(0);
    expect(JSON.parse(registered.stdout)).toMatchObject({ name: 'cpu-chronos', version: 1, flavor: 'chronos' });
    const broken = join(dir.path, 'broken');
    writeTinyChronosBolt(broken);
    writeFileSync(
      join(broken, 'config.json'),
      JSON.stringify({ architectures: ['T5ForConditionalGeneration'], chronos_config: {} }),
    );
    const refused = await runInProcess(['models', 'register', 'x', broken], { cwd: dir.path, env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/architectures is \["T5ForConditionalGeneration"\]/);

    const a = series(45, 2);
    writeFileSync(
      join(dir.path, 'series.csv'),
      `id,series,horizon\na,"${JSON.stringify(a)}",12\nb,"5;6;;8",\nc,"[null, null]",3\n`,
    );
    // The built binary, as a user runs it (npm run build first).
    const predicted = await runBinary(
      ['predict', '--model', 'cpu-chronos@prod', '--from', 'series.csv', '--to', 'forecasts', '--key', 'id', '--json'],
      { cwd: dir.path, env },
    );
    expect(predicted.code, predicted.stderr).toBe(0);
    expect(JSON.parse(predicted.stdout)).toMatchObject({ rows_in: 3, rows_out: 2, rejected: 1 });
    const warehouse = await openWarehouse(`duckdb:${join(dir.path, 'home', 'warehouse.duckdb')}`);
    try {
      const stored = await warehouse.query('SELECT key, horizon, mean, quantiles FROM forecasts ORDER BY key');
      const rejected = await warehouse.query('SELECT key, reason FROM forecasts_rejected');
      expect(rejected).toEqual([{ key: 'c', reason: 'series: no observed value in its 2 point(s)' }]);
      // The same numbers as this process computes from the registered version.
      await saveChronosModel(source, join(dir.path, 'local'));
      const local = (await loadModel(join(dir.path, 'local'))) as unknown as ChronosPredictor;
      const [forA, forB] = await local.predict([{ series: a, horizon: 12 }, { series: [5, 6, null, 8] }]);
      expect(stored.map((row) => [row.key, Number(row.horizon)])).toEqual([
        ['a', 12],
        ['b', 8],
      ]);
      expect(stored[0]!.mean).toEqual(forA!.mean);
      expect(stored[0]!.quantiles).toEqual(forA!.quantiles);
      expect(stored[1]!.quantiles).toEqual(forB!.quantiles);
      await local.dispose();
    } finally {
      await warehouse.close();
      dir.remove();
    }
  });
});
