import { describe, expect, it } from 'vitest';
import { benchSeries, forecastBenchmarks } from '../../../src/models/forecast/index.js';

describe('ets-fit benchmark', () => {
  it('measures the same seeded 2,000-point series on both sides and counts each one', async () => {
    expect(benchSeries(2)).toEqual(benchSeries(2));
    expect(benchSeries(2).map((s) => s.length)).toEqual([2000, 2000]);
    const [bench] = forecastBenchmarks(0.2);
    expect(bench!.name).toBe('ets-fit');
    for (const side of [bench!.reference, bench!.subject]) {
      const instance = await side.open();
      if ('skip' in instance) throw new Error(instance.skip);
      expect(await instance.iteration()).toBe(2);
      await instance.close();
    }
  });
});

describe('gru-train benchmark', () => {
  it('trains the 2×64 GRU for one epoch per repetition against the unfused reference', async () => {
    const bench = forecastBenchmarks(0.02).find((b) => b.name === 'gru-train')!;
    expect(bench.unit).toBe('epochs/s');
    expect(bench.description).toMatch(/< 1 s\/epoch/);
    expect(bench.reference.label).toBe('unfused per-sequence GRU');
    // The reference computes what the fused kernel does (gru-kernel.test.ts); here only the subject
    // runs, because the reference's first, unoptimised repetition alone takes seconds.
    const instance = await bench.subject.open();
    if ('skip' in instance) throw new Error(instance.skip);
    expect(await instance.iteration()).toBe(1);
    await instance.close();
  });

  it('runs the same epoch with each mini-batch shared by two or more threads', async () => {
    const bench = forecastBenchmarks(0.02).find((b) => b.name === 'gru-train-parallel')!;
    expect(bench.reference.label).toBe('fused batched kernel');
    expect(bench.subject.label).toMatch(/fused batched kernel, \d+ threads/);
    const instance = await bench.subject.open();
    if ('skip' in instance) throw new Error(instance.skip);
    expect(await instance.iteration()).toBe(1);
    await instance.close();
  });
});
