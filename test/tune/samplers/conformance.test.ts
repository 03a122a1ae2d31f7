/**
 * One suite, every sampler: replay, seed sensitivity, reseeding and staying inside the space.
 */
import { describe, expect, it } from 'vitest';
import { canonicalJson, Param, type ParamSet } from '../../../src/contracts/index.js';
import {
  CmaEsSampler,
  GridSampler,
  RandomSampler,
  type Sampler,
  SobolSampler,
  TpeSampler,
} from '../../../src/tune/samplers/index.js';
import {
  categoricalParam,
  contains,
  fixedParam,
  floatParam,
  intParam,
  type SearchSpace,
  searchSpace,
  toUnit,
} from '../../../src/tune/space/index.js';
import { MemoryStudy } from '../../../src/tune/study/index.js';

const continuousParams = {
  lin: floatParam('lin', -3, 5),
  lr: floatParam('lr', 1e-5, 1, { log: true }),
  frac: floatParam('frac', 0, 1, { step: 0.05 }),
  n: intParam('n', -4, 9),
  trees: intParam('trees', 1, 1000, { log: true }),
  width: intParam('width', 16, 256, { step: 16 }),
  pop: fixedParam(Param.int(1000)),
  // A zero-width range is allowed and has exactly one value.
  same: floatParam('same', 2, 2),
};
const mixedSpace = searchSpace({
  ...continuousParams,
  kind: categoricalParam('kind', [Param.string('a'), Param.string('b'), Param.int(3), Param.bool(false)]),
});
const continuousSpace = searchSpace(continuousParams);

/** A deterministic objective over any space: squared distance of the unit-scale point from 0.3. */
function loss(space: SearchSpace, params: ParamSet): number {
  return space.names.reduce((s, name) => s + (toUnit(space.params[name]!, params[name]!) - 0.3) ** 2, 0);
}

function run(sampler: Sampler, space: SearchSpace, trials: number, batch = 1): MemoryStudy {
  const study = new MemoryStudy({ name: 'conformance', space, sampler });
  for (let done = 0; done < trials; done += batch) {
    const asked = Array.from({ length: batch }, () => study.askSync());
    for (const t of asked) {
      study.tellSync({ trialId: t.trialId, paramId: t.paramId, status: 'completed', loss: loss(space, t.params) });
    }
  }
  return study;
}

const cases: { name: string; make: (seed: number) => Sampler; space: SearchSpace }[] = [
  { name: 'random', make: (seed) => new RandomSampler({ seed }), space: mixedSpace },
  { name: 'grid', make: (seed) => new GridSampler({ seed, pointsPerAxis: 4 }), space: mixedSpace },
  { name: 'sobol', make: (seed) => new SobolSampler({ seed }), space: mixedSpace },
  { name: 'tpe', make: (seed) => new TpeSampler({ seed }), space: mixedSpace },
  { name: 'cmaes', make: (seed) => new CmaEsSampler({ seed }), space: continuousSpace },
];

describe.each(cases)('$name sampler', ({ make, space }) => {
  const ids = async (study: MemoryStudy) => (await study.history()).map((t) => t.paramId);

  it('replays a study byte for byte under the same seed', async () => {
    const bytes = async (study: MemoryStudy) => (await study.history()).map((t) => canonicalJson(t.params)).join('\n');
    const a = await bytes(run(make(11), space, 60));
    expect(await bytes(run(make(11), space, 60))).toBe(a);
    expect(a.split('\n')).toHaveLength(60);
  });

  it('asks a different sequence under another seed', async () => {
    expect(await ids(run(make(11), space, 60))).not.toEqual(await ids(run(make(12), space, 60)));
  });

  it('follows the new seed after reseed', async () => {
    const reseeded = make(1);
    reseeded.reseed(12);
    expect(await ids(run(reseeded, space, 30))).toEqual(await ids(run(make(12), space, 30)));
  });

  it('only asks values the space allows, with the declared types', async () => {
    const history = await run(make(5), space, 80, 4).history();
    for (const trial of history) {
      expect(Object.keys(trial.params).sort()).toEqual([...space.names]);
      for (const name of space.names) expect(contains(space.params[name]!, trial.params[name]!)).toBe(true);
      expect(trial.params.pop).toEqual({ type: 'int', value: 1000 });
      expect(trial.params.same).toEqual({ type: 'float', value: 2 });
    }
  });
});

describe('log scales', () => {
  it.each([
    ['random', () => new RandomSampler({ seed: 3 })],
    ['sobol', () => new SobolSampler({ seed: 3 })],
  ])('%s samples log-uniformly: about half the values fall below the geometric midpoint', (_name, make) => {
    const space = searchSpace({
      lr: floatParam('lr', 1e-6, 1, { log: true }),
      trees: intParam('trees', 1, 10_000, { log: true }),
    });
    const sampler = make();
    let lowLr = 0;
    let lowTrees = 0;
    const n = 512;
    for (let number = 0; number < n; number++) {
      const p = sampler.sample(space, { number, history: [] });
      if ((p.lr!.value as number) < 1e-3) lowLr++;
      if ((p.trees!.value as number) < 100) lowTrees++;
    }
    // Uniform-on-value sampling would put 0.1% of lr and 1% of trees there.
    expect(Math.abs(lowLr / n - 0.5)).toBeLessThan(0.07);
    expect(Math.abs(lowTrees / n - 0.5)).toBeLessThan(0.07);
  });
});
