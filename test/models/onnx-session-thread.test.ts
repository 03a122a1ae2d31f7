import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { linearModelOnnx, loadModel, saveOnnxModel } from '../../src/models/index.js';
import { openModelSession } from '../../src/models/onnx/session.js';
import { SessionThread } from '../../src/models/onnx/session-thread.js';
import { mlpModelOnnx } from '../../src/serve/bench/mlp-onnx.js';
import { tempDir } from '../helpers/services.js';

const signature = {
  inputs: [
    { name: 'cpu', type: 'float64' as const },
    { name: 'memory', type: 'float64' as const },
    { name: 'spot', type: 'float64' as const },
  ],
  outputs: [{ name: 'y', type: 'float64' as const }],
};

const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ cpu: i % 7, memory: i % 13, spot: i % 2 }));

describe('onnx session thread', () => {
  it('keeps the event loop turning while a long run is in progress', async () => {
    const dir = tempDir();
    await saveOnnxModel(join(dir.path, 'mlp'), mlpModelOnnx(3, [2048, 2048]), signature);
    const predictor = await loadModel(join(dir.path, 'mlp'));
    await predictor.predict(rows(1));
    let longestGap = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
    }, 1);
    const started = performance.now();
    // Two runs of ~4 GFLOP each (512 rows through a 2048×2048 layer) (≈ 0.1 s or more): on the loop's own thread, no tick could happen
    // during one.
    for (let run = 0; run < 2; run++) {
      const out = (await predictor.predict(rows(512))) as Array<{ y: number }>;
      expect(out).toHaveLength(512);
    }
    const perRun = (performance.now() - started) / 2;
    clearInterval(ticker);
    await predictor.dispose?.();
    expect(longestGap).toBeLessThan(perRun / 2);
    dir.remove();
  });

  it('keeps a model whose row runs in microseconds on the loop, and moves a wide one to a thread', async () => {
    const linear = await openModelSession(linearModelOnnx([1, 2, 3], 0), {}, 'linear', 3);
    expect(linear.runsOn).toBe('loop');
    await linear.close();
    const wide = await openModelSession(mlpModelOnnx(3, [2048, 2048]), {}, 'mlp', 3);
    expect(wide.runsOn).toBe('thread');
    await wide.close();
  });

  it('answers concurrent callers each with their own rows, on the loop and in a thread', async () => {
    const dir = tempDir();
    await saveOnnxModel(join(dir.path, 'm'), linearModelOnnx([1, 10, 100], 0.5), signature);
    const onLoop = await loadModel(join(dir.path, 'm'));
    const thread = await SessionThread.open(linearModelOnnx([1, 10, 100], 0.5));
    const [input, output] = [thread.inputNames[0]!, thread.outputNames[0]!];
    const inputs = Array.from({ length: 200 }, (_, i) => ({ cpu: i, memory: i % 5, spot: i % 2 }));
    const expected = inputs.map(({ cpu, memory, spot }) => cpu + 10 * memory + 100 * spot + 0.5);
    const fromLoop = (await Promise.all(inputs.map((row) => onLoop.predict([row])))) as Array<Array<{ y: number }>>;
    const fromThread = await Promise.all(
      inputs.map((row) => thread.run(input, output, Float32Array.of(row.cpu, row.memory, row.spot), [1, 3])),
    );
    expected.forEach((y, i) => {
      expect(fromLoop[i]![0]!.y).toBeCloseTo(y, 3);
      expect(fromThread[i]!.data[0]).toBeCloseTo(y, 3);
      expect(fromThread[i]!.dims).toEqual([1, 1]);
      expect(fromThread[i]!.tensorType).toBe('float32');
    });
    await onLoop.dispose?.();
    await thread.close();
    dir.remove();
  });

  it('refuses a run after close, with a clear error, wherever the session runs', async () => {
    const dir = tempDir();
    await saveOnnxModel(join(dir.path, 'linear'), linearModelOnnx([1, 2, 3], 0), signature);
    await saveOnnxModel(join(dir.path, 'mlp'), mlpModelOnnx(3, [2048, 2048]), signature);
    for (const name of ['linear', 'mlp']) {
      const predictor = await loadModel(join(dir.path, name));
      await predictor.predict(rows(1));
      await predictor.dispose?.();
      await expect(predictor.predict(rows(1))).rejects.toMatchObject({
        code: 'FLEETCAST_BACKEND_ERROR',
        message: expect.stringMatching(/ONNX session is closed/),
      });
    }
    dir.remove();
  });

  it('rejects bytes that are not a graph with the runtime’s message, and a bad run with its own', async () => {
    await expect(SessionThread.open(Buffer.from('not onnx'))).rejects.toThrow(/protobuf|parse|load/i);
    const thread = await SessionThread.open(linearModelOnnx([1, 2, 3], 0));
    expect(thread.inputNames).toHaveLength(1);
    await expect(thread.run('nope', thread.outputNames[0]!, new Float32Array(3), [1, 3])).rejects.toThrow(
      /ONNX session failed/,
    );
    await thread.close();
  });
});
