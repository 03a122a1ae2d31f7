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
