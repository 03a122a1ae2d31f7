import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { linearModelOnnx, loadModel, saveOnnxModel } from '../../src/models/index.js';
import { runInProcess } from '../helpers/cli.js';
import { tempDir } from '../helpers/services.js';

const signature = {
  inputs: [
    { name: 'cpu', type: 'float64' as const },
    { name: 'memory', type: 'float64' as const },
    { name: 'spot', type: 'bool' as const },
  ],
  outputs: [{ name: 'hourly_cost', type: 'float64' as const }],
};

describe('onnx flavor', () => {
  it('loads a linear model exported as ONNX and predicts rows by its signature', async () => {
    const dir = tempDir();
    const model = join(dir.path, 'm');
    await saveOnnxModel(model, linearModelOnnx([0.04, 0.005, -0.02], 0.01), signature);
    const predictor = await loadModel(model);
    expect(predictor.flavor).toBe('onnx');
    const out = (await predictor.predict([
      { cpu: 2, memory: 8, spot: false },
      { cpu: 4, memory: 16, spot: true },
    ])) as Array<{ hourly_cost: number }>;
    expect(out[0]!.hourly_cost).toBeCloseTo(0.08 + 0.04 + 0.01, 5);
    expect(out[1]!.hourly_cost).toBeCloseTo(0.16 + 0.08 - 0.02 + 0.01, 5);
    dir.remove();
  });

  it('refuses a graph whose output does not match the signature, and bytes that are not ONNX', async () => {
    const dir = tempDir();
    const twoOutputs = { ...signature, outputs: [...signature.outputs, { name: 'extra', type: 'float64' as const }] };
    await expect(saveOnnxModel(join(dir.path, 'a'), linearModelOnnx([1, 2, 3], 0), twoOutputs)).rejects.toThrow(
      /not \[1, 2\]/,
    );
    await expect(saveOnnxModel(join(dir.path, 'b'), Buffer.from('not onnx'), signature)).rejects.toThrow(
      /not a loadable ONNX model/,
    );
    const renamed = { ...signature, onnx: { input: 'features' } };
    await expect(saveOnnxModel(join(dir.path, 'c'), linearModelOnnx([1, 2, 3], 0), renamed)).rejects.toThrow(
      /inputs X and outputs Y/,
    );
    dir.remove();
  });

  it('registers a bare .onnx file with --signature and predicts a CSV in batch', async () => {
    const dir = tempDir();
    const env = { FLEETCAST_HOME: join(dir.path, 'home') };
    const cli = (...args: string[]) => runInProcess(args, { cwd: dir.path, env });
    writeFileSync(join(dir.path, 'cost.onnx'), linearModelOnnx([0.04, 0.005, -0.02], 0.01));
    writeFileSync(join(dir.path, 'sig.json'), JSON.stringify(signature));
    writeFileSync(join(dir.path, 'fleet.csv'), 'id,cpu,memory,spot\nvm1,2,8,false\nvm2,x,16,true\n');
    const noSignature = await cli('models', 'register', 'cost', 'cost.onnx');
    expect(noSignature.code).toBe(2);
    const registered = await cli(
      'models',
      'register',
      'cost',
      'cost.onnx',
      '--signature',
      'sig.json',
      '--env',
      'prod',
      '--json',
    );
    expect(registered.code, registered.stderr).toBe(0);
    expect(JSON.parse(registered.stdout)).toMatchObject({ name: 'cost', version: 1, flavor: 'onnx' });
    const predicted = await cli(
      'predict',
      '--model',
      'cost@prod',
      '--from',
      'fleet.csv',
      '--to',
      'costs',
      '--key',
      'id',
      '--json',
    );
    expect(predicted.code, predicted.stderr).toBe(0);
    expect(JSON.parse(predicted.stdout)).toMatchObject({ rows_in: 2, rows_out: 1, rejected: 1 });
    writeFileSync(
      join(dir.path, 'bad-sig.json'),
      JSON.stringify({ inputs: [{ name: 'cpu', type: 'string' }], outputs: [] }),
    );
    const badSignature = await cli('models', 'register', 'cost', 'cost.onnx', '--signature', 'bad-sig.json');
    expect(badSignature.stderr).toMatch(/signature .*bad-sig\.json: inputs\.0\.type/);
    dir.remove();
  });
});
