import { describe, expect, it } from 'vitest';
import { Param } from '../../../src/contracts/index.js';
import { type FleetcastError, isFleetcastError } from '../../../src/core/errors.js';
import {
  categoricalParam,
  contains,
  fixedParam,
  floatParam,
  fromUnit,
  intParam,
  logitTransform,
  logTransform,
  parseSearchSpace,
  searchSpace,
  toUnit,
  transformFor,
} from '../../../src/tune/space/index.js';

function invalidArgument(fn: () => unknown): FleetcastError {
  try {
    fn();
  } catch (error) {
    expect(isFleetcastError(error, 'FLEETCAST_INVALID_ARGUMENT')).toBe(true);
    expect((error as FleetcastError).hint).toBeTruthy();
    return error as FleetcastError;
  }
  throw new Error('expected FLEETCAST_INVALID_ARGUMENT');
}

describe('search-space validation', () => {
  it('rejects inverted, non-finite and non-positive log bounds with a hint', () => {
    expect(invalidArgument(() => floatParam('x', 2, 1)).message).toMatch(/"x": low 2 is above high 1/);
    invalidArgument(() => floatParam('x', 0, Number.POSITIVE_INFINITY));
    expect(invalidArgument(() => floatParam('x', 0, 1, { log: true })).hint).toMatch(/raise low/);
    invalidArgument(() => intParam('n', 0, 10, { log: true }));
  });

  it('rejects steps that do not fit the range and step with log', () => {
    expect(invalidArgument(() => intParam('n', 0, 10, { step: 3 })).hint).toBe('use high 9');
    invalidArgument(() => intParam('n', 1, 9, { log: true, step: 2 }));
    invalidArgument(() => floatParam('x', 0, 1, { step: 0.3 }));
    invalidArgument(() => floatParam('x', 1, 2, { step: 0.5, log: true }));
    invalidArgument(() => intParam('n', 0.5, 3));
    expect(floatParam('x', 0, 1, { step: 0.1 }).step).toBe(0.1);
  });

  it('rejects empty and duplicated categoricals, and empty spaces', () => {
    invalidArgument(() => categoricalParam('c', []));
    invalidArgument(() => categoricalParam('c', [Param.string('a'), Param.string('a')]));
    // 1 (int) and 1.0 (float) are different choices.
    expect(categoricalParam('c', [Param.int(1), Param.float(1)]).choices).toHaveLength(2);
    invalidArgument(() => searchSpace({}));
  });

  it('orders parameters by name whatever the declaration order', () => {
    const space = searchSpace({ b: floatParam('b', 0, 1), a: intParam('a', 0, 3), c: fixedParam(Param.bool(true)) });
    expect(space.names).toEqual(['a', 'b', 'c']);
  });
});

describe('parsing a search space from a plain object', () => {
  it('builds every kind of parameter, typing numbers int or float', () => {
    const space = parseSearchSpace({
      beta: { type: 'float', low: 0.1, high: 2, log: true },
      depth: { type: 'int', low: 2, high: 12, step: 2 },
      kind: { type: 'categorical', choices: ['gbm', 'linear', 3, 0.5, true] },
      scale: { type: 'categorical', choices: [1, 2], valueType: 'float' },
      n: { type: 'fixed', value: 1000 },
    });
    expect(space.params.beta).toEqual({ type: 'float', low: 0.1, high: 2, log: true });
    expect(space.params.depth).toEqual({ type: 'int', low: 2, high: 12, log: false, step: 2 });
    expect(space.params.kind).toMatchObject({
      choices: [
        { type: 'string', value: 'gbm' },
        { type: 'string', value: 'linear' },
        { type: 'int', value: 3 },
        { type: 'float', value: 0.5 },
        { type: 'bool', value: true },
      ],
    });
    expect(space.params.scale).toMatchObject({
      choices: [
        { type: 'float', value: 1 },
        { type: 'float', value: 2 },
      ],
    });
    expect(space.params.n).toEqual({ type: 'fixed', value: { type: 'int', value: 1000 } });
  });

  it('names the offending path in schema errors', () => {
    expect(invalidArgument(() => parseSearchSpace({ x: { type: 'float', low: 0 } })).message).toMatch(
      /search space x\.high/,
    );
    expect(invalidArgument(() => parseSearchSpace({ x: { type: 'normal', low: 0, high: 1 } })).message).toMatch(
      /search space x/,
    );
    expect(invalidArgument(() => parseSearchSpace({ x: { type: 'int', low: 0, high: 1, extra: 1 } })).message).toMatch(
      /x/,
    );
    expect(
      invalidArgument(() => parseSearchSpace({ x: { type: 'fixed', value: 1.5, valueType: 'int' } })).message,
    ).toMatch(/search space x: int parameter must be a safe integer/);
  });

  it('applies the same semantic checks as the constructors', () => {
    expect(
      invalidArgument(() => parseSearchSpace({ x: { type: 'float', low: 0, high: 1, log: true } })).message,
    ).toMatch(/"x"/);
  });
});

describe('unit scale', () => {
  it('maps the unit interval log-uniformly for log parameters', () => {
    const d = floatParam('x', 1e-4, 1, { log: true });
    expect(fromUnit(d, 0).value).toBeCloseTo(1e-4, 12);
    expect(fromUnit(d, 0.5).value).toBeCloseTo(1e-2, 12);
    expect(toUnit(d, Param.float(1e-2))).toBeCloseTo(0.5, 12);
  });

  it('gives each int value an equal share of the unit interval, on its step grid', () => {
    const d = intParam('n', 0, 10, { step: 5 });
    const counts = new Map<number, number>();
    for (let i = 0; i < 300; i++) {
      const v = fromUnit(d, (i + 0.5) / 300);
      expect(v.type).toBe('int');
      counts.set(v.value as number, (counts.get(v.value as number) ?? 0) + 1);
    }
    expect([...counts.entries()].sort((a, b) => a[0] - b[0])).toEqual([
      [0, 100],
      [5, 100],
      [10, 100],
    ]);
  });

  it('rounds stepped floats to the grid and maps categoricals to cells', () => {
    const d = floatParam('x', 0, 1, { step: 0.25 });
    expect(fromUnit(d, 0.45)).toEqual({ type: 'float', value: 0.5 });
    expect(contains(d, Param.float(0.75))).toBe(true);
    expect(contains(d, Param.float(0.7))).toBe(false);
    const c = categoricalParam('c', [Param.string('a'), Param.string('b')]);
    expect(fromUnit(c, 0.99).value).toBe('b');
    expect(toUnit(c, Param.string('a'))).toBe(0.25);
  });

  it('checks membership by type as well as value', () => {
    expect(contains(intParam('n', 0, 3), Param.float(1))).toBe(false);
    expect(contains(floatParam('x', 0, 3), Param.int(1))).toBe(false);
    expect(contains(fixedParam(Param.int(1)), Param.int(1))).toBe(true);
  });
});

describe('calibration transforms', () => {
  it('invert log and logit exactly enough to round-trip', () => {
    for (const x of [1e-8, 0.3, 7, 1e6]) expect(logTransform.inverse(logTransform.forward(x)) / x).toBeCloseTo(1, 12);
    const t = logitTransform(0.05, 0.5);
    for (const x of [0.05 + 1e-9, 0.1, 0.2, 0.4999]) expect(t.inverse(t.forward(x))).toBeCloseTo(x, 10);
    expect(t.inverse(-1000)).toBe(0.05);
    expect(t.inverse(1000)).toBe(0.5);
    expect(t.forward(0.275)).toBeCloseTo(0, 12);
  });

  it('are found by name, logit taking the parameter bounds', () => {
    expect(transformFor('identity').forward(3)).toBe(3);
    expect(transformFor('log')).toBe(logTransform);
    const t = transformFor('logit', { low: 0.1, high: 2 });
    expect(t.name).toBe('logit');
    expect(t.inverse(t.forward(1.5))).toBeCloseTo(1.5, 12);
  });

  it('reject values outside their domain', () => {
    invalidArgument(() => logTransform.forward(0));
    invalidArgument(() => logitTransform().forward(1));
    invalidArgument(() => logitTransform(1, 1));
  });
});
