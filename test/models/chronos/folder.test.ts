import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  isChronosBoltFolder,
  linearModelOnnx,
  openChronosBolt,
  readChronosBoltFolder,
  saveChronosModel,
  type TinyChronosOptions,
  tinyChronosBoltConfig,
  tinyChronosBoltOnnx,
  writeTinyChronosBolt,
} from '../../../src/models/index.js';
import { tempDir } from '../../helpers/services.js';

const temp = tempDir('fleetcast-chronos-');
afterAll(() => temp.remove());
let counter = 0;

/** A Chronos-Bolt folder: the tiny model, then `edit` to break it. */
function folder(options: TinyChronosOptions & { layout?: 'flat' | 'optimum' } = {}, edit?: (dir: string) => void) {
  const dir = join(temp.path, `f${counter++}`);
  writeTinyChronosBolt(dir, options);
  edit?.(dir);
  return dir;
}

const writeConfig = (dir: string, config: unknown) => writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
const chronosConfig = tinyChronosBoltConfig().chronos_config as Record<string, unknown>;

describe('a Chronos-Bolt folder', () => {
  it('is recognised in either layout, and told apart from other folders', () => {
    const flat = folder();
    const optimum = folder({ layout: 'optimum' });
    expect(isChronosBoltFolder(flat)).toBe(true);
    expect(isChronosBoltFolder(optimum)).toBe(true);
    expect(readChronosBoltFolder(flat).onnxFile).toBe('model.onnx');
    expect(readChronosBoltFolder(optimum).onnxFile).toBe('onnx/model.onnx');
    expect(readChronosBoltFolder(optimum).config).toMatchObject({ context_length: 32, prediction_length: 8 });
    const text = fileURLToPath(new URL('../../../fixtures/tiny-distilbert-sst2/', import.meta.url));
    expect(isChronosBoltFolder(text)).toBe(false);
    expect(isChronosBoltFolder(join(temp.path, 'nowhere'))).toBe(false);
    // An original Chronos config is routed here, so that it is refused with the reason.
    const t5 = folder({}, (dir) =>
      writeConfig(dir, { architectures: ['T5ForConditionalGeneration'], chronos_config: {} }),
    );
    expect(isChronosBoltFolder(t5)).toBe(true);
    const broken = folder({}, (dir) => writeFileSync(join(dir, 'config.json'), '{'));
    expect(isChronosBoltFolder(broken)).toBe(false);
  });

  it('names the file and field of each problem', () => {
    const cases: Array<[(dir: string) => void, RegExp]> = [
      [(dir) => writeFileSync(join(dir, 'config.json'), '{"architectures": '), /config\.json is not valid JSON/],
      [(dir) => writeFileSync(join(dir, 'config.json'), '[1]'), /config\.json is not a JSON object/],
      [
        (dir) => writeConfig(dir, { architectures: ['T5ForConditionalGeneration'], chronos_config: chronosConfig }),
        /config\.json: architectures is \["T5ForConditionalGeneration"\], not \["ChronosBoltModelForForecasting"\]/,
      ],
      [
        (dir) => writeConfig(dir, { chronos_config: chronosConfig }),
        /architectures is null, not \["ChronosBoltModelForForecasting"\]/,
      ],
      [
        (dir) => writeConfig(dir, { architectures: ['ChronosBoltModelForForecasting'] }),
        /config\.json: chronos_config: /,
      ],
      [
        (dir) =>
          writeConfig(dir, {
            architectures: ['ChronosBoltModelForForecasting'],
            chronos_config: { ...chronosConfig, prediction_length: 0 },
          }),
        /config\.json: chronos_config\.prediction_length: /,
      ],
      [
        (dir) =>
          writeConfig(dir, {
            architectures: ['ChronosBoltModelForForecasting'],
            chronos_config: { ...chronosConfig, quantiles: [0.2, 0.5, 0.8] },
          }),
        /chronos_config\.quantiles: quantile levels \[0\.2, 0\.5, 0\.8\] do not cover 0\.1–0\.9/,
      ],
      [
        (dir) =>
          writeConfig(dir, {
            architectures: ['ChronosBoltModelForForecasting'],
            chronos_config: { ...chronosConfig, quantiles: [0.1, 0.5, 0.5, 0.9] },
          }),
        /quantile level 0\.5 appears twice/,
      ],
    ];
    for (const [edit, message] of cases) {
      expect(() => readChronosBoltFolder(folder({}, edit))).toThrow(message);
    }
    const empty = join(temp.path, 'empty');
    mkdirSync(empty);
    expect(() => readChronosBoltFolder(empty)).toThrow(/empty has no config\.json/);
    expect(() => readChronosBoltFolder(join(temp.path, 'nowhere'))).toThrow(/is not a folder/);
    const noOnnx = folder({}, (dir) => writeFileSync(join(dir, 'model.onnx'), '', { flag: 'w' }));
    expect(() => readChronosBoltFolder(noOnnx, { onnxFile: 'onnx/other.onnx' })).toThrow(/has no onnx\/other\.onnx/);
    const onlyConfig = join(temp.path, 'only-config');
    mkdirSync(onlyConfig);
    writeConfig(onlyConfig, tinyChronosBoltConfig());
    expect(() => readChronosBoltFolder(onlyConfig)).toThrow(/has no model\.onnx or onnx\/model\.onnx/);
    const external = folder({}, (dir) => writeFileSync(join(dir, 'model.onnx_data'), 'weights'));
    expect(() => readChronosBoltFolder(external)).toThrow(/keeps its weights in model\.onnx_data/);
  });

  it('refuses graphs without the Chronos-Bolt I/O contract', async () => {
    const swap = (onnx: Buffer) => (dir: string) => writeFileSync(join(dir, 'model.onnx'), onnx);
    const open = (dir: string, options = {}) => openChronosBolt(dir, options);
    await expect(open(folder({}, swap(Buffer.from('not onnx'))))).rejects.toThrow(/not a loadable ONNX model/);
    // Linear models of the onnx flavor: one input and one output, of other shapes.
    await expect(open(folder({}, swap(linearModelOnnx([1, 2], 0))))).rejects.toThrow(
      /input X has shape \[N, 2\], not \[batch, 32\]/,
    );
    await expect(open(folder({}, swap(linearModelOnnx(new Array(32).fill(1), 0))))).rejects.toThrow(
      /output Y has shape \[N, 1\], not \[batch, 9, 8\]/,
    );
    // Exported for another context length, prediction length or quantile set than config.json says.
    await expect(open(folder({}, swap(tinyChronosBoltOnnx({ contextLength: 16 }))))).rejects.toThrow(
      /input context has shape \[batch_size, 16\], not \[batch, 32\]/,
    );
    await expect(open(folder({}, swap(tinyChronosBoltOnnx({ predictionLength: 4 }))))).rejects.toThrow(
      /output quantile_preds has shape \[batch_size, 9, 4\], not \[batch, 9, 8\]/,
    );
    await expect(open(folder({}, swap(tinyChronosBoltOnnx({ quantiles: [0.1, 0.5, 0.9] }))))).rejects.toThrow(
      /output quantile_preds has shape \[batch_size, 3, 8\]/,
    );
    // Other tensor names: the only input and output are used; names given must exist.
    const renamed = folder({ input: 'past_values', output: 'forecast' });
    const forecaster = await open(renamed);
    expect((await forecaster.forecast([1, 2, 3], 8)).mean).toHaveLength(8);
    await expect(open(renamed, { input: 'context' })).rejects.toThrow(
      /the graph has no input context \(its inputs: past_values\)/,
    );
    await expect(open(renamed, { output: 'quantile_preds' })).rejects.toThrow(/has no output quantile_preds/);
  });

  it('is saved only when it forecasts, and opens again from the saved folder', async () => {
    const source = folder({ layout: 'optimum' });
    const saved = join(temp.path, 'saved');
    const manifest = await saveChronosModel(source, saved, { extension: 'median', maxHorizon: 20 });
    expect(manifest.flavor).toBe('chronos');
    expect(Object.keys(manifest.files).sort()).toEqual(['config.json', 'model.onnx']);
    expect(manifest.params).toMatchObject({
      kind: 'chronos-bolt',
      architecture: 'ChronosBoltModelForForecasting',
      context_length: 32,
      prediction_length: 8,
      input_patch_size: 4,
      onnx: { input: 'context', output: 'quantile_preds' },
      extension: 'median',
      max_horizon: 20,
    });
    const fromSource = await openChronosBolt(source);
    const fromSaved = await openChronosBolt(saved);
    expect(fromSaved.spec).toMatchObject({ extension: 'median', maxHorizon: 20 });
    const median = await openChronosBolt(source, { extension: 'median' });
    expect(await fromSaved.forecast([5, 6, 7, 9], 20)).toEqual(await median.forecast([5, 6, 7, 9], 20));
    expect(fromSource.spec.maxHorizon).toBe(80);
    await expect(saveChronosModel(source, saved)).rejects.toThrow(/already exists/);
    await expect(saveChronosModel(source, join(temp.path, 'x'), { maxHorizon: 0 })).rejects.toThrow(/maxHorizon 0/);
    // A graph that answers NaN for a plain series is not registered.
    const nan = folder({ z: Array.from({ length: 9 }, () => new Array(8).fill(Number.NaN)) });
    await expect(saveChronosModel(nan, join(temp.path, 'nan'))).rejects.toThrow(/forecasts NaN for a test series/);
  });
});
