import { describe, expect, it } from 'vitest';
import { canonicalJson, Param } from '../../../src/contracts/index.js';
import { isFleetcastError } from '../../../src/core/errors.js';
import { GridSampler } from '../../../src/tune/samplers/index.js';
import { categoricalParam, fixedParam, floatParam, intParam, searchSpace } from '../../../src/tune/space/index.js';

const space = searchSpace({
  x: floatParam('x', 1, 100, { log: true }),
  n: intParam('n', 0, 4, { step: 2 }),
  c: categoricalParam('c', [Param.string('a'), Param.string('b')]),
  k: fixedParam(Param.float(0.5)),
});

describe('grid sampler', () => {
  it('visits every grid point exactly once before repeating', () => {
    const sampler = new GridSampler({ seed: 4, pointsPerAxis: 3 });
    expect(sampler.size(space)).toBe(3 * 3 * 2);
    const seen = Array.from({ length: 18 }, (_, number) =>
      canonicalJson(sampler.sample(space, { number, history: [] })),
    );
    expect(new Set(seen).size).toBe(18);
    expect(sampler.isExhausted(space, 17)).toBe(false);
    expect(sampler.isExhausted(space, 18)).toBe(true);
    expect(canonicalJson(sampler.sample(space, { number: 18, history: [] }))).toBe(seen[0]);
  });

  it('spaces continuous log axes geometrically and keeps every int step value', () => {
    const sampler = new GridSampler({ seed: 0, pointsPerAxis: 3 });
    const xs = new Set<number>();
    const ns = new Set<number>();
    for (let number = 0; number < 18; number++) {
      const p = sampler.sample(space, { number, history: [] });
      xs.add(p.x!.value as number);
      ns.add(p.n!.value as number);
    }
    expect([...xs].sort((a, b) => a - b).map((x) => Math.round(x * 1e9) / 1e9)).toEqual([1, 10, 100]);
    expect([...ns].sort()).toEqual([0, 2, 4]);
  });

  it('enumerates a small log-scaled int axis completely', () => {
    const small = searchSpace({ k: intParam('k', 1, 5, { log: true }) });
    const sampler = new GridSampler({ seed: 2 });
    expect(sampler.size(small)).toBe(5);
    const ks = Array.from({ length: 5 }, (_, number) => sampler.sample(small, { number, history: [] }).k!.value);
    expect([...ks].sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('uses explicit values and rejects ones outside the space', () => {
    const sampler = new GridSampler({ values: { x: [Param.float(2), Param.float(3)] }, pointsPerAxis: 3 });
    expect(sampler.size(space)).toBe(2 * 3 * 2);
    const bad = new GridSampler({ values: { n: [Param.int(3)] } });
    try {
      bad.size(space);
      expect.unreachable('a value off the step grid must be rejected');
    } catch (error) {
      expect(isFleetcastError(error, 'FLEETCAST_INVALID_ARGUMENT')).toBe(true);
    }
  });

  it('refuses grids too large to enumerate', () => {
    const wide = searchSpace(
      Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((n) => [n, floatParam(n, 0, 1)])),
    );
    expect(() => new GridSampler({ pointsPerAxis: 10 }).size(wide)).toThrow(/more than 1000000/);
  });
});
