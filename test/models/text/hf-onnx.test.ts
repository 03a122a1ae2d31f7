import { copyFileSync, cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalArtifactStore } from '../../../src/core/artifacts/index.js';
import { openMetadataStore } from '../../../src/core/metadata/index.js';
import {
  isHfTextClassifierFolder,
  loadModel,
  readModel,
  saveTextClassifier,
  type TextClassification,
  type TextClassifierPredictor,
  type TinyExpected,
} from '../../../src/models/index.js';
import { hfOnnxEngine } from '../../../src/models/text/hf/engine.js';
import type { HfOnnxParams } from '../../../src/models/text/types.js';
import { ModelRegistry } from '../../../src/registry/index.js';
import { runInProcess } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/services.js';

const FIXTURE = fileURLToPath(new URL('../../../fixtures/tiny-distilbert-sst2/', import.meta.url));
const expected = JSON.parse(readFileSync(join(FIXTURE, 'expected.json'), 'utf8')) as TinyExpected;
const texts = expected.sentences.map((s) => s.text);

const dir = tempDir();
let predictor: TextClassifierPredictor;

beforeAll(async () => {
  await saveTextClassifier(FIXTURE, join(dir.path, 'sst2'));
  predictor = (await loadModel(join(dir.path, 'sst2'))) as unknown as TextClassifierPredictor;
});

afterAll(async () => {
  await predictor?.dispose();
  dir.remove();
});

describe('text-classifier flavor, Hugging Face ONNX kind', () => {
  it('recognises the Hugging Face layout and records labels, limit and dtype in the manifest', () => {
    expect(isHfTextClassifierFolder(FIXTURE)).toBe(true);
    expect(isHfTextClassifierFolder(join(dir.path, 'sst2'))).toBe(false); // already a Fleetcast model
    const { manifest } = readModel(join(dir.path, 'sst2'));
    expect(manifest.flavor).toBe('text-classifier');
    expect(manifest.params).toMatchObject({
      kind: 'hf-onnx',
      dtype: 'fp32',
      labels: ['NEGATIVE', 'POSITIVE'],
      max_tokens: 64,
      model_type: 'distilbert',
    });
    expect(Object.keys(manifest.files).sort()).toEqual([
      'config.json',
      'onnx/model.onnx',
      'special_tokens_map.json',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
    expect(predictor.kind).toBe('hf-onnx');
    expect(predictor.maxTokens).toBe(64);
  });

  it('answers the logits of the independent TypeScript forward pass within 1e-4', async () => {
    const logits = await predictor.logits!(texts);
    expected.sentences.forEach((sentence, i) => {
      expect(logits[i]).toHaveLength(2);
      for (const [j, value] of logits[i]!.entries()) expect(Math.abs(value - sentence.logits[j]!)).toBeLessThan(1e-4);
    });
  });

  it('gives the same logits alone as in a padded batch', async () => {
    const batch = await predictor.logits!(texts);
    for (const [i, text] of texts.entries()) {
      const [alone] = await predictor.logits!([text]);
      for (const [j, value] of alone!.entries()) expect(value).toBeCloseTo(batch[i]![j]!, 5);
    }
  });

  it('predicts label, probability of every label and token counts for each row', async () => {
    const out = (await predictor.predict(texts.map((text) => ({ text })))) as TextClassification[];
    expect(out).toHaveLength(texts.length);
    expected.sentences.forEach((sentence, i) => {
      const row = out[i]!;
      const [negative, positive] = sentence.logits as [number, number];
      const pPositive = 1 / (1 + Math.exp(negative - positive));
      expect(row.label).toBe(positive > negative ? 'POSITIVE' : 'NEGATIVE');
      expect(row.scores.POSITIVE).toBeCloseTo(pPositive, 4);
      expect(row.scores.NEGATIVE! + row.scores.POSITIVE!).toBeCloseTo(1, 10);
      expect(row.score).toBe(Math.max(row.scores.NEGATIVE!, row.scores.POSITIVE!));
      expect(row).toMatchObject({ tokens: sentence.tokens, truncated: sentence.truncated, max_tokens: 64 });
    });
    expect(new Set(out.map((r) => r.label))).toEqual(new Set(['NEGATIVE', 'POSITIVE']));
  });

  it('truncates a text longer than the model by tokens, keeps [SEP], and reports it', async () => {
    const long = expected.sentences.find((s) => s.truncated)!;
    expect(long.input_ids).toHaveLength(64);
    expect(long.input_ids.at(-1)).toBe(3); // [SEP]
    const huge = 'the movie was great and the cast was superb. '.repeat(223); // ~10,000 characters
    const [row] = (await predictor.predict([{ text: huge }])) as TextClassification[];
    expect(row).toMatchObject({ truncated: true, max_tokens: 64 });
    expect(row!.tokens).toBe(2 + 10 * 223);
    // Only the first 62 word pieces are read: the answer is the one for the cut text.
    const cut = `${'the movie was great and the cast was superb. '.repeat(6)}the movie`;
    const [same] = (await predictor.predict([{ text: cut }])) as TextClassification[];
    expect(same!.score).toBeCloseTo(row!.score, 6);
  });

  it('runs the INT8 variant (onnx/model_quantized.onnx) when asked for q8', async () => {
    const target = join(dir.path, 'sst2-q8');
    await saveTextClassifier(FIXTURE, target, { dtype: 'q8' });
    const { manifest } = readModel(target);
    expect(Object.keys(manifest.files)).toContain('onnx/model_quantized.onnx');
    expect(Object.keys(manifest.files)).not.toContain('onnx/model.onnx');
    const q8 = (await loadModel(target)) as unknown as TextClassifierPredictor;
    const logits = await q8.logits!(texts);
    // onnxruntime quantizes activations too when it fuses DequantizeLinear + MatMul, so the INT8
    // graph agrees with the dequantized-weights reference only to quantization noise.
    expected.sentences.forEach((sentence, i) => {
      for (const [j, value] of logits[i]!.entries()) {
        expect(Math.abs(value - sentence.logits_dequantized[j]!)).toBeLessThan(0.05);
      }
    });
    await q8.dispose();
  });

  it('is registered with the CLI and loaded by NAME@prod from the registry', async () => {
    const home = join(dir.path, 'home');
    const registered = await runInProcess(['models', 'register', 'my-sst2', join(dir.path, 'sst2'), '--env', 'prod'], {
      cwd: dir.path,
      env: { FLEETCAST_HOME: home },
    });
    expect(registered.stderr).toBe('');
    expect(registered.code).toBe(0);
    const metadata = await openMetadataStore(`sqlite:${join(home, 'metadata.sqlite')}`);
    try {
      const registry = new ModelRegistry({
        metadata,
        artifacts: new LocalArtifactStore(join(home, 'artifacts')),
        user: 'tester',
        cacheDir: join(dir.path, 'cache'),
      });
      const loaded = await registry.load('my-sst2@prod');
      expect(loaded.version.flavor).toBe('text-classifier');
      const [row] = (await loaded.predictor.predict([{ text: texts[0]! }])) as TextClassification[];
      const [direct] = (await predictor.predict([{ text: texts[0]! }])) as TextClassification[];
      expect(row).toEqual(direct);
      await (loaded.predictor as unknown as TextClassifierPredictor).dispose();
    } finally {
      await metadata.close();
    }
  });

  it('runs a loaded model in its own thread, with the same logits as the engine on this thread', async () => {
    const params = readModel(join(dir.path, 'sst2')).manifest.params as unknown as HfOnnxParams;
    const here = await hfOnnxEngine(join(dir.path, 'sst2'), params);
    const inThread = await loadModel(join(dir.path, 'sst2'));
    const threaded = inThread as unknown as TextClassifierPredictor;
    const [a, b] = [await here.logits!(texts), await threaded.logits!(texts)];
    for (const [i, row] of a.entries()) {
      for (const [j, value] of row.entries()) expect(b[i]![j]).toBeCloseTo(value, 6);
    }
    await here.dispose?.();
    await threaded.dispose();
    await expect(threaded.predict([{ text: 'after dispose' }])).rejects.toMatchObject({
      code: 'FLEETCAST_BACKEND_ERROR',
      message: 'the text classifier is closed',
    });
  });

  it('refuses folders that are not text classifiers, with the reason', async () => {
    const broken = join(dir.path, 'broken');
    cpSync(FIXTURE, broken, { recursive: true });
    rmSync(join(broken, 'onnx', 'model.onnx'));
    rmSync(join(broken, 'onnx', 'model_quantized.onnx'));
    await expect(saveTextClassifier(broken, join(dir.path, 'x1'))).rejects.toThrow(
      /has no onnx\/model_quantized\.onnx/,
    );
    copyFileSync(join(FIXTURE, 'onnx', 'model.onnx'), join(broken, 'onnx', 'model.onnx'));
    await expect(saveTextClassifier(broken, join(dir.path, 'x2'), { dtype: 'q8' })).rejects.toThrow(
      /q8|model_quantized/,
    );
    const config = JSON.parse(readFileSync(join(FIXTURE, 'config.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(broken, 'config.json'), JSON.stringify({ ...config, id2label: undefined }));
    await expect(saveTextClassifier(broken, join(dir.path, 'x3'))).rejects.toThrow(/id2label/);
    writeFileSync(join(broken, 'config.json'), JSON.stringify({ ...config, id2label: { 0: 'A', 1: 'B', 2: 'C' } }));
    await expect(saveTextClassifier(broken, join(dir.path, 'x4'))).rejects.toThrow(/not \[1, 3\]/);
    writeFileSync(join(broken, 'config.json'), '{not json');
    await expect(saveTextClassifier(broken, join(dir.path, 'x5'))).rejects.toMatchObject({
      code: 'FLEETCAST_INVALID_ARGUMENT',
    });
    writeFileSync(join(broken, 'onnx', 'model.onnx'), 'not onnx');
    writeFileSync(join(broken, 'config.json'), JSON.stringify(config));
    await expect(saveTextClassifier(broken, join(dir.path, 'x6'))).rejects.toThrow(/cannot load the text classifier/);
  });
});
