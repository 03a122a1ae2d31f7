import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cacheKey, canonicalJson } from '../../../src/serve/cache/index.js';

describe('cacheKey', () => {
  it('is the sha256 hex of the model, the version and the canonical input', () => {
    const expected = createHash('sha256')
      .update('fleetcast:prediction:v1|"sentiment"|3|{"a":[1,null,"x"],"b":{"c":true}}')
      .digest('hex');
    expect(cacheKey('sentiment', 3, { b: { c: true }, a: [1, undefined, 'x'] })).toBe(expected);
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on the order of object keys', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (record) => {
        const reversed = Object.fromEntries(Object.entries(record).reverse());
        expect(cacheKey('m', 1, reversed)).toBe(cacheKey('m', 1, record));
      }),
      { seed: 8, numRuns: 200 },
    );
  });

  it('changes with the model, the version or the input', () => {
    const base = cacheKey('m', 1, { x: 1 });
    expect(cacheKey('n', 1, { x: 1 })).not.toBe(base);
    expect(cacheKey('m', 2, { x: 1 })).not.toBe(base);
    expect(cacheKey('m', 1, { x: 2 })).not.toBe(base);
    expect(cacheKey('m', 1, { x: '1' })).not.toBe(base);
    // The separator cannot be forged through the model name.
    expect(cacheKey('m|1', 1, {})).not.toBe(cacheKey('m', 11, {}));
  });

  it('encodes like JSON.stringify apart from key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { seed: 9, numRuns: 200 },
    );
    expect(canonicalJson({ b: 1, a: Number.NaN, c: () => 1, d: new Date(0) })).toBe(
      '{"a":null,"b":1,"d":"1970-01-01T00:00:00.000Z"}',
    );
    expect(canonicalJson(undefined)).toBe('null');
  });
});
