import { describe, expect, it } from 'vitest';
import { BENCHMARKS, MemoryStudy, optimize, paramImportance, RandomSampler } from '../../../src/tune/index.js';

describe('paramImportance', () => {
  it('finds the categorical and the int that drive the mixed function, ignoring a flat one', async () => {
    const mixed = BENCHMARKS.mixed!;
    const study = new MemoryStudy({ name: 'imp', space: mixed.space, sampler: new RandomSampler({ seed: 3 }) });
    // Only kind and n matter here; width and rate are sampled but have no effect.
    await optimize(study, (p) => ({ linear: 1, tree: 0, ensemble: 2 })[p.kind as string]! * 10 + (p.n as number) ** 2, {
      trials: 300,
    });
    const ranked = paramImportance(mixed.space, await study.history());
    expect(
      ranked
        .map((r) => r.name)
        .slice(0, 2)
        .sort(),
    ).toEqual(['kind', 'n']);
    const flat = ranked.filter((r) => r.name === 'width' || r.name === 'rate');
    for (const r of flat) expect(r.eta2).toBeLessThan(0.1);
    expect(ranked.reduce((s, r) => s + r.importance, 0)).toBeCloseTo(1, 12);
  });

  it('reports zero importance when there is nothing to explain', () => {
    const ranked = paramImportance(BENCHMARKS.branin!.space, []);
    expect(ranked).toEqual([
      { name: 'x1', eta2: 0, importance: 0 },
      { name: 'x2', eta2: 0, importance: 0 },
    ]);
  });
});
