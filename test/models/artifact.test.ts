import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadModel, MANIFEST_FILE, readModel, registerFlavor, saveModel } from '../../src/models/index.js';
import { tempDir } from '../helpers/services.js';

// 'loads a predictor through its flavor' registers a fixture `text-classifier` loader; the built-in
// one (test/models/text/) is kept from claiming the flavor in this file.
vi.mock('../../src/models/text/flavor.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/models/text/flavor.js')>()),
  registerTextClassifierFlavor: () => {},
}));

let dir: { path: string; remove: () => void };
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.remove());

const signature = {
  inputs: [{ name: 'users', type: 'float64' as const }],
  outputs: [{ name: 'response_time', type: 'float64' as const }],
};

describe('model artifacts', () => {
  it('saves a model folder with a manifest listing every file and its sha256', () => {
    const target = join(dir.path, 'cpu', 'v1');
    const manifest = saveModel(target, {
      flavor: 'performance',
      signature,
      params: { slope: 2 },
      metrics: { mape: 5.1 },
      files: { 'weights.json': '{"slope":2}', 'extra/notes.txt': 'hi' },
    });
    expect(Object.keys(manifest.files).sort()).toEqual(['extra/notes.txt', 'weights.json']);
    expect(manifest.lineage.codeVersion).toMatch(/^fleetcast@/);
    const loaded = readModel(target);
    expect(loaded.manifest).toEqual(JSON.parse(readFileSync(join(target, MANIFEST_FILE), 'utf8')));
    expect(loaded.read('weights.json').toString()).toBe('{"slope":2}');
    expect(readdirSync(join(dir.path, 'cpu'))).toEqual(['v1']);
  });

  it('refuses a tampered file, a missing file and a damaged manifest', () => {
    const target = join(dir.path, 'm');
    saveModel(target, { flavor: 'performance', signature, files: { 'w.bin': Buffer.from([1, 2, 3]) } });
    writeFileSync(join(target, 'w.bin'), Buffer.from([1, 2, 4]));
    expect(() => readModel(target)).toThrow(expect.objectContaining({ code: 'FLEETCAST_CHECKSUM_MISMATCH' }));
    writeFileSync(join(target, MANIFEST_FILE), '{ not json');
    expect(() => readModel(target)).toThrow(/not valid JSON/);
    writeFileSync(join(target, MANIFEST_FILE), JSON.stringify({ schema: 'fleetcast.model/v1', flavor: 'bogus' }));
    expect(() => readModel(target)).toThrow(/flavor/);
    expect(() => readModel(join(dir.path, 'nothing'))).toThrow(
      expect.objectContaining({ code: 'FLEETCAST_NOT_FOUND' }),
    );
  });

  it('refuses to overwrite a model folder and reserved or escaping file names', () => {
    const target = join(dir.path, 'm');
    saveModel(target, { flavor: 'onnx', signature, files: {} });
    expect(() => saveModel(target, { flavor: 'onnx', signature, files: {} })).toThrow(/already exists/);
    for (const name of [MANIFEST_FILE, '../x', '.hidden', 'a/.b']) {
      expect(() =>
        saveModel(join(dir.path, `n${name.length}`), { flavor: 'onnx', signature, files: { [name]: 'x' } }),
      ).toThrow(/not allowed/);
    }
    expect(readdirSync(dir.path)).toEqual(['m']);
  });

  it('loads a predictor through its flavor', async () => {
    registerFlavor('text-classifier', (files) => {
      const { slope } = JSON.parse(files.read('weights.json').toString()) as { slope: number };
      return {
        flavor: 'text-classifier',
        signature: files.manifest.signature,
        manifest: files.manifest,
        predict: async (batch: unknown) => (batch as number[]).map((users) => users * slope),
      };
    });
    const target = join(dir.path, 'p');
    saveModel(target, { flavor: 'text-classifier', signature, files: { 'weights.json': '{"slope":3}' } });
    const predictor = await loadModel(target);
    expect(await predictor.predict([1, 2])).toEqual([3, 6]);
  });
});
