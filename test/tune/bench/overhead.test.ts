import { describe, expect, it } from 'vitest';
import { runBenchmark } from '../../../src/core/bench/harness.js';
import { tuneBenchmarks } from '../../../src/tune/index.js';

describe('tune overhead benchmarks', () => {
  it('measures the in-memory and the SQLite study on the same runner, and their ratio', async () => {
    const [local] = tuneBenchmarks({ postgresUrl: 'postgres://unused', redisUrl: 'redis://unused', scale: 0.01 });
    expect(local!.name).toBe('tune-overhead-local');
    expect(local!.description).toMatch(/^100 trials/);
    const result = await runBenchmark(local!, 5);
    expect(result.reference.error).toBeUndefined();
    expect(result.subject.error).toBeUndefined();
    expect(result.reference.rates).toHaveLength(5);
    expect(result.subject.median).toBeGreaterThan(0);
    expect(result.ratio).toBeGreaterThan(0);
  });

  it('skips the distributed side with the reason when Redis does not answer', async () => {
    const [, distributed] = tuneBenchmarks({
      postgresUrl: 'postgres://postgres@127.0.0.1:1/postgres',
      redisUrl: 'redis://127.0.0.1:1',
      scale: 0.05,
    });
    expect(distributed!.name).toBe('tune-overhead-distributed');
    const opened = await distributed!.subject.open();
    expect(opened).toHaveProperty('skip');
    expect((opened as { skip: string }).skip).toMatch(/Redis|not built/);
  });
});
