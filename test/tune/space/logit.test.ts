import { describe, expect, it } from 'vitest';
import { Param } from '../../../src/contracts/index.js';
import {
  contains,
  createSampler,
  floatParam,
  fromUnit,
  internalScale,
  MemoryStudy,
  optimize,
  parseSearchSpace,
  samplerSpec,
  searchSpace,
  toUnit,
} from '../../../src/tune/index.js';

describe('the logit calibration transform on the sampling scale', () => {
  const p = floatParam('p', 0.01, 0.99, { logit: [0, 1] });

  it('samples uniformly in logit space: trials crowd towards the domain edges', () => {
    const s = internalScale(p);
    expect(s.low).toBeCloseTo(Math.log(0.01 / 0.99), 12);
    expect(s.high).toBeCloseTo(Math.log(0.99 / 0.01), 12);
    // A quarter of the unit interval reaches from 0.01 to logit⁻¹(−2.3) ≈ 0.09, not to 0.25.
    expect(fromUnit(p, 0.25).value).toBeCloseTo(1 / (1 + Math.exp(-(s.low + 0.25 * (s.high - s.low)))), 12);
    expect(fromUnit(p, 0.25).value).toBeLessThan(0.1);
    for (const u of [0, 0.1, 0.5, 0.9, 0.999]) {
      const v = fromUnit(p, u);
      expect(contains(p, v)).toBe(true);
      expect(toUnit(p, v)).toBeCloseTo(u, 9);
    }
  });

  it('is read from a spec as transform: logit, on a given domain', () => {
    const space = parseSearchSpace({
      share: { type: 'float', low: 0.05, high: 0.95, transform: 'logit' },
      rate: { type: 'float', low: 1, high: 9, transform: 'logit', domain: [0, 10] },
      scale: { type: 'float', low: 1, high: 100, transform: 'log' },
    });
    expect(space.params.share).toMatchObject({ logit: [0, 1], log: false });
    expect(space.params.rate).toMatchObject({ logit: [0, 10] });
    expect(space.params.scale).toMatchObject({ log: true });
    expect(() => parseSearchSpace({ x: { type: 'float', low: 0, high: 1, transform: 'logit' } })).toThrow(
      /strictly inside its domain \(0, 1\)/,
    );
    expect(() => parseSearchSpace({ x: { type: 'float', low: 0.1, high: 0.9, domain: [0, 1] } })).toThrow(
      /x\.domain: needs transform: logit/,
    );
  });

  it('works with every sampler: TPE finds a minimum near the domain edge', async () => {
    const space = searchSpace({ q: floatParam('q', 0.001, 0.999, { logit: [0, 1] }) });
    for (const name of ['random', 'sobol', 'cmaes', 'tpe'] as const) {
      const study = new MemoryStudy({ name, space, sampler: createSampler(samplerSpec(name, 1)) });
      const best = await optimize(study, (x) => Math.abs(Math.log((x.q as number) / 0.002)), { trials: 40 });
      expect(best!.params.q!.value).toBeLessThan(0.02);
    }
    expect(contains(space.params.q!, Param.float(0.5))).toBe(true);
  });
});

describe('sampler settings', () => {
  it('are CMA-ES only, validated, stored with the spec and applied', () => {
    expect(samplerSpec('cmaes', 1, { popsize: 5 })).toEqual({ name: 'cmaes', seed: '1', settings: { popsize: 5 } });
    expect(samplerSpec('cmaes', 1, {})).toEqual({ name: 'cmaes', seed: '1' });
    expect(() => samplerSpec('tpe', 1, { popsize: 5 })).toThrow(/CMA-ES settings, not tpe's/);
    expect(() => samplerSpec('cmaes', 1, { popsize: 1 })).toThrow(/popsize must be an integer in 2..1000/);
    expect(() => samplerSpec('cmaes', 1, { sigma0: 2 })).toThrow(/sigma0 must be in \(0, 1\]/);
  });
});
