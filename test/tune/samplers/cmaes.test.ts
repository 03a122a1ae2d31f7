import { describe, expect, it } from 'vitest';
import { Param, toPlain } from '../../../src/contracts/index.js';
import { isFleetcastError } from '../../../src/core/errors.js';
import { CmaEsSampler, RandomSampler, type Sampler } from '../../../src/tune/samplers/index.js';
import { categoricalParam, floatParam, searchSpace } from '../../../src/tune/space/index.js';
import { MemoryStudy } from '../../../src/tune/study/index.js';

const names = ['a', 'b', 'c', 'd', 'e'];
const space = searchSpace(Object.fromEntries(names.map((n) => [n, floatParam(n, -1, 1)])));
const sphere = (p: ReturnType<typeof toPlain>) => names.reduce((s, n) => s + ((p[n] as number) - 0.3) ** 2, 0);

function bestAfter(sampler: Sampler, trials: number, failEvery = 0): number {
  const study = new MemoryStudy({ name: 'sphere', space, sampler });
  for (let i = 0; i < trials; i++) {
    const t = study.askSync();
    if (failEvery > 0 && i % failEvery === failEvery - 1) {
      study.tellSync({ trialId: t.trialId, paramId: t.paramId, status: 'failed', error: 'injected' });
    } else {
      study.tellSync({ trialId: t.trialId, paramId: t.paramId, status: 'completed', loss: sphere(toPlain(t.params)) });
    }
  }
  return study.bestSync()!.loss!;
}

describe('CMA-ES sampler', () => {
  it('converges on a 5-D sphere to below 1e-3 within 300 evaluations for every seed', () => {
    for (let seed = 0; seed < 5; seed++) expect(bestAfter(new CmaEsSampler({ seed }), 300)).toBeLessThan(1e-3);
  });

  it('beats random search by orders of magnitude on the same budget', () => {
    expect(bestAfter(new CmaEsSampler({ seed: 1 }), 300)).toBeLessThan(
      bestAfter(new RandomSampler({ seed: 1 }), 300) / 100,
    );
  });

  it('keeps converging when some trials fail', () => {
    expect(bestAfter(new CmaEsSampler({ seed: 2 }), 400, 7)).toBeLessThan(1e-3);
  });

  it('refuses a space with categorical parameters', () => {
    const mixed = searchSpace({
      x: floatParam('x', 0, 1),
      c: categoricalParam('c', [Param.string('a'), Param.string('b')]),
    });
    try {
      new CmaEsSampler().sample(mixed, { number: 0, history: [] });
      expect.unreachable('categorical parameters must be refused');
    } catch (error) {
      expect(isFleetcastError(error, 'FLEETCAST_INVALID_ARGUMENT')).toBe(true);
    }
  });
});
