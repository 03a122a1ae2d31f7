import { describe, expect, it } from 'vitest';
import { canonicalJson, Param, paramId, paramSet, toPlain } from '../../../src/contracts/index.js';
import { BENCHMARKS } from '../../../src/tune/examples/functions.js';
import {
  defaultGamma,
  RandomSampler,
  type Sampler,
  TpeSampler,
  type TrialRecord,
} from '../../../src/tune/samplers/index.js';
import { defaultWeights } from '../../../src/tune/samplers/tpe/parzen.js';
import { floatParam, searchSpace } from '../../../src/tune/space/index.js';
import { MemoryStudy } from '../../../src/tune/study/index.js';

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function bestAfter(sampler: Sampler, name: string, trials: number): number {
  const f = BENCHMARKS[name]!;
  const study = new MemoryStudy({ name, space: f.space, sampler });
  for (let i = 0; i < trials; i++) {
    const t = study.askSync();
    study.tellSync({
      trialId: t.trialId,
      paramId: t.paramId,
      status: 'completed',
      loss: f.objective(toPlain(t.params)),
    });
  }
  return study.bestSync()!.loss!;
}

describe('TPE defaults', () => {
  it("uses Optuna's gamma: ⌈10% of completed trials⌉ capped at 25", () => {
    expect([1, 10, 11, 100, 249, 250, 1000].map(defaultGamma)).toEqual([1, 1, 2, 10, 25, 25, 25]);
  });

  it("uses Optuna's weights: flat below 25 observations, older ones ramped above", () => {
    expect(Array.from(defaultWeights(24))).toEqual(new Array(24).fill(1));
    const w = defaultWeights(30);
    expect(w[0]).toBeCloseTo(1 / 30, 15);
    expect(w[4]).toBeCloseTo(1, 15);
    expect(w[2]).toBeCloseTo((1 / 30 + 1) / 2, 15);
    expect(Array.from(w.slice(5))).toEqual(new Array(25).fill(1));
  });

  it('rejects options that would leave it nothing to sample', () => {
    expect(() => new TpeSampler({ nEiCandidates: 0 })).toThrow(/nEiCandidates/);
    expect(() => new TpeSampler({ nStartupTrials: -1 })).toThrow(/nStartupTrials/);
    expect(() => new TpeSampler({ priorWeight: 0 })).toThrow(/priorWeight/);
  });

  it('samples the first 10 completed trials at random, ignoring failed ones', () => {
    const f = BENCHMARKS.branin!;
    const tpe = new TpeSampler({ seed: 9 });
    const random = new RandomSampler({ seed: 9 });
    const failed: TrialRecord[] = Array.from({ length: 12 }, (_, number) => {
      const params = random.sample(f.space, { number, history: [] });
      return { number, trialId: `t${number}`, paramId: paramId(params), params, state: 'failed' };
    });
    for (let number = 12; number < 22; number++) {
      const history = failed.slice(0, number);
      expect(canonicalJson(tpe.sample(f.space, { number, history }))).toBe(
        canonicalJson(random.sample(f.space, { number, history })),
      );
    }
  });
});

describe('TPE on an edited space', () => {
  it('models each parameter from the trials whose value the current space allows', () => {
    const old = searchSpace({ x: floatParam('x', 0, 1) });
    const sampler = new TpeSampler({ seed: 1 });
    const history: TrialRecord[] = Array.from({ length: 20 }, (_, number) => {
      const params = sampler.sample(old, { number, history: [] });
      return { number, trialId: `t${number}`, paramId: paramId(params), params, state: 'completed', loss: number };
    });
    // y is new and x was narrowed: older trials lack y, and some x values now fall outside.
    const edited = searchSpace({ x: floatParam('x', 0, 0.5), y: floatParam('y', 0, 1) });
    for (let number = 20; number < 40; number++) {
      const p = sampler.sample(edited, { number, history });
      expect(p.x!.value as number).toBeLessThanOrEqual(0.5);
      expect(p.y!.type).toBe('float');
    }
  });
});

describe('TPE constant liar', () => {
  const space = searchSpace({ x: floatParam('x', 0, 1) });
  const record = (number: number, x: number, state: TrialRecord['state'], loss?: number): TrialRecord => {
    const params = paramSet({ x: Param.float(x) });
    return {
      number,
      trialId: `t${number}`,
      paramId: paramId(params),
      params,
      state,
      ...(loss === undefined ? {} : { loss }),
    };
  };
  // 30 completed trials on a grid, best near 0.2, and 20 running trials parked at 0.2.
  const completed = Array.from({ length: 30 }, (_, i) =>
    record(i, (i + 0.5) / 30, 'completed', ((i + 0.5) / 30 - 0.2) ** 2),
  );
  const running = Array.from({ length: 20 }, (_, i) => record(30 + i, 0.2, 'running'));
  const history = [...completed, ...running];

  function nearBest(constantLiar: boolean): number {
    const sampler = new TpeSampler({ seed: 5, constantLiar });
    let near = 0;
    for (let number = 50; number < 250; number++) {
      const x = sampler.sample(space, { number, history }).x!.value as number;
      if (Math.abs(x - 0.2) < 0.03) near++;
    }
    return near;
  }

  it('spreads parallel asks away from points still being evaluated', () => {
    const withLiar = nearBest(true);
    const without = nearBest(false);
    expect(without).toBeGreaterThan(50);
    expect(withLiar).toBeLessThan(without / 2);
  });
});

describe('TPE quality', () => {
  // facts/issue 7 "Done when": median best after 100 trials over 20 seeds beats random search.
  it.each(['branin', 'hartmann6', 'rosenbrock4', 'mixed'])(
    'beats random search on %s: median best of 100 trials over 20 seeds',
    (name) => {
      const tpe: number[] = [];
      const random: number[] = [];
      for (let seed = 0; seed < 20; seed++) {
        tpe.push(bestAfter(new TpeSampler({ seed }), name, 100));
        random.push(bestAfter(new RandomSampler({ seed }), name, 100));
      }
      const optimum = BENCHMARKS[name]!.optimum;
      expect(Math.min(...tpe)).toBeGreaterThanOrEqual(optimum - 1e-9);
      expect(median(tpe)).toBeLessThan(median(random));
    },
  );
});
