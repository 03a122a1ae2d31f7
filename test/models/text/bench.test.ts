import { describe, expect, it } from 'vitest';
import { benchTexts, textBenchmarks } from '../../../src/models/index.js';

describe('text classification benchmarks', () => {
  it('draw the same 5–40-word texts every run', () => {
    const texts = benchTexts(50);
    expect(benchTexts(50)).toEqual(texts);
    for (const text of texts) {
      const words = text.split(' ').length;
      expect(words).toBeGreaterThanOrEqual(5);
      expect(words).toBeLessThanOrEqual(40);
    }
  });

  it('open, run and close both sides of each benchmark', async () => {
    const benchmarks = textBenchmarks(0.05);
    expect(benchmarks.map((b) => b.name)).toEqual(['text-onnx-batching', 'text-classify']);
    for (const bench of benchmarks) {
      for (const side of [bench.reference, bench.subject]) {
        const instance = await side.open();
        if ('skip' in instance) throw new Error(`unexpected skip: ${instance.skip}`);
        expect(await instance.iteration()).toBe(32);
        await instance.close();
      }
    }
  });
});
