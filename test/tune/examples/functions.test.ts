import { describe, expect, it } from 'vitest';
import { fromPlain, type ParamType, toPlain } from '../../../src/contracts/index.js';
import { BENCHMARKS, branin } from '../../../src/tune/examples/functions.js';
import { RandomSampler } from '../../../src/tune/samplers/index.js';
import { contains } from '../../../src/tune/space/index.js';

describe('benchmark functions', () => {
  it.each(Object.values(BENCHMARKS))('$name reaches its stated optimum at its argmin, inside its space', (f) => {
    const types: Record<string, ParamType> = {};
    for (const name of f.space.names) {
      const d = f.space.params[name]!;
      types[name] = d.type === 'categorical' ? d.choices[0]!.type : d.type === 'fixed' ? d.value.type : d.type;
    }
    const typed = fromPlain(f.argmin, types);
    for (const name of f.space.names) expect(contains(f.space.params[name]!, typed[name]!)).toBe(true);
    expect(f.objective(f.argmin)).toBeCloseTo(f.optimum, 4);
  });

  it.each(Object.values(BENCHMARKS))('$name is never below its optimum on 2,000 random points', (f) => {
    const sampler = new RandomSampler({ seed: 8 });
    for (let number = 0; number < 2000; number++) {
      expect(f.objective(toPlain(sampler.sample(f.space, { number, history: [] })))).toBeGreaterThanOrEqual(
        f.optimum - 1e-9,
      );
    }
  });

  it('Branin has its three published minimisers', () => {
    for (const [x1, x2] of [
      [-Math.PI, 12.275],
      [Math.PI, 2.275],
      [9.42478, 2.475],
    ]) {
      expect(branin.objective({ x1: x1!, x2: x2! })).toBeCloseTo(0.397887, 5);
    }
  });
});
