import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkQueue, type WorkQueue } from '../../../src/core/queue/index.js';
import { fitSeriesBundle, fitSeriesBundleOnQueue } from '../../../src/models/forecast/index.js';
import { trendSeasonAr } from './synthetic.js';

let queue: WorkQueue;
beforeAll(() => {
  queue = openWorkQueue({ concurrency: 2 });
});
afterAll(async () => {
  await queue.close();
});

const rows = ['web', 'db', 'cache', 'queue'].flatMap((id, k) =>
  trendSeasonAr(24 * 6, 40 + k)
    // db misses three hours (interpolated) and has a doubled reading (averaged).
    .flatMap((v, t) =>
      (id === 'db' && t >= 50 && t < 53 ? [] : id === 'db' && t === 60 ? [v, v + 2] : [v]).map((value) => ({
        id,
        kind: k % 2 === 0 ? 'front' : 'back',
        ts: new Date(Date.UTC(2025, 0, 6, t)),
        cpu: value,
      })),
    ),
);
const options = { idColumn: 'id', timeColumn: 'ts', valueColumn: 'cpu', horizon: 12, season: 24 };

describe('fitting a fleet bundle off the main thread', () => {
  it('gives the same forecasters from worker threads as in the calling thread', { timeout: 120_000 }, async () => {
    for (const model of ['ets', 'pooled']) {
      const here = fitSeriesBundle(rows, { ...options, model, groupColumn: 'kind' });
      const there = await fitSeriesBundleOnQueue(rows, { ...options, model, groupColumn: 'kind' }, queue);
      expect(there.bundle).toEqual(here.bundle);
      expect(there.repaired).toEqual([{ series: 'db', duplicates: 1, interpolated: 3, longGapFilled: 0 }]);
    }
    expect(queue.stats().completed).toBeGreaterThanOrEqual(3);
  });
});
