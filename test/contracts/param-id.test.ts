import { describe, expect, it } from 'vitest';
import {
  blake2bHex,
  ContractViolationError,
  canonicalJson,
  fromPlain,
  isParamId,
  Param,
  paramId,
  paramSet,
  pythonFloatRepr,
  toPlain,
} from '../../src/contracts/index.js';

const { int, float, bool, string } = Param;

// facts §5, modelops-contracts v1 golden vectors.
const GOLDEN: [string, ReturnType<typeof paramSet>, string][] = [
  [
    'beta=0.08, dur_inf=5.0',
    paramSet({ beta: float(0.08), dur_inf: float(5) }),
    '505e80d0b9e828d62c30ebc0dfe5566a56ae769f27897cdab7791356ae311950',
  ],
  [
    'x=1.0 (float), y=2 (int)',
    paramSet({ x: float(1), y: int(2) }),
    '9f6875573c0c202a9fb3a9dc2bb5585c64dc28fd888b9e3e7378c92d2c749367',
  ],
  ['x=1 (int)', paramSet({ x: int(1) }), '4560ff738e380536d589079a5e24b30713f9257440dfb2f0134f7350c0985942'],
  ['x=1.0 (float)', paramSet({ x: float(1) }), '3f1b615cf1dab4bfd2505c195f18fe8d70035f80beb5b0056c93844204158684'],
  ['x=true', paramSet({ x: bool(true) }), 'a946ed8442ddbc069a69ef6288f455850a8fb2d25937c632930c5dcea78a7046'],
  ['x="a"', paramSet({ x: string('a') }), 'e8a37be8fb0b7b28e14eb9dba39b63204efe381f4bb0536a2ffae7e34dc5f389'],
  ['b=1e-05', paramSet({ b: float(1e-5) }), 'f789ee94565d717ad8c34bcf85bb65e70791370708291e8d6d476d12f1291e15'],
  ['b=1e16 (float)', paramSet({ b: float(1e16) }), '93159b3c53fcb920229cb4886bceb329373d4fb04da8a04ebd0590a3f3c143fe'],
  ['b=-0.0', paramSet({ b: float(-0) }), '015eae49a1ff1bd70fbd633a9754646847811b0f6fe65925dfe1aad00f8d83ea'],
  ['b=0.0', paramSet({ b: float(0) }), '885172aaac73862a61ade59979b63071fb2dc2080a4860cbe6c42eeb2e578cba'],
  [
    'beta=0.5, gamma=0.2, sigma=0.1',
    paramSet({ sigma: float(0.1), gamma: float(0.2), beta: float(0.5) }),
    '326d389d95d6b607119e8ce9776115e490c809cefb8e92ae4338e238ba6c1cda',
  ],
];

describe('parameter-set ids', () => {
  it.each(GOLDEN)('match the modelops-contracts v1 golden vector for %s', (_label, params, expected) => {
    expect(paramId(params)).toBe(expected);
    expect(isParamId(paramId(params))).toBe(true);
  });

  it('do not depend on the order the parameters were given in', () => {
    const a = paramSet({ a: float(1.5), b: int(2), c: string('x') });
    const b = paramSet({ c: string('x'), b: int(2), a: float(1.5) });
    expect(paramId(a)).toBe(paramId(b));
  });

  it('tell an int from the equal float', () => {
    expect(paramId(paramSet({ x: int(1) }))).not.toBe(paramId(paramSet({ x: float(1) })));
  });

  it('match Python for non-ASCII, astral-plane and escaped characters', () => {
    // Python: json.dumps(dict(sorted(p.items())), separators=(',', ':'), ensure_ascii=False);
    // astral keys sort after U+FF5E by code point although their UTF-16 units sort before.
    const params = paramSet({ é: string('ü\n"\\\u0001\u007f'), '\u{1F600}': int(1), '\uff5e': float(2.5) });
    expect(canonicalJson(params)).toBe('{"é":"ü\\n\\"\\\\\\u0001\u007f","～":2.5,"😀":1}');
    expect(paramId(params)).toBe('ae751c1e29b4cdd8f95b8c7871416e54ddd01c5e247a3d85d1e7d3190ba80d5b');
  });
});

describe('Python float repr', () => {
  it.each([
    [0.1, '0.1'],
    [1e-4, '0.0001'],
    [1e-5, '1e-05'],
    [123456789012345.6, '123456789012345.6'],
    [1e15, '1000000000000000.0'],
    [9999999999999998, '9999999999999998.0'],
    [1e16, '1e+16'],
    [1.5e16, '1.5e+16'],
    [1e21, '1e+21'],
    [1e22, '1e+22'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [-2.5e-7, '-2.5e-07'],
    [100, '100.0'],
    [2 / 3, '0.6666666666666666'],
    [1.23e-18, '1.23e-18'],
    [-0, '-0.0'],
  ])('writes %s as %s', (x, text) => {
    expect(pythonFloatRepr(x)).toBe(text);
  });
});

describe('typed parameter values', () => {
  it('reject non-finite floats, unsafe ints and lone surrogates', () => {
    expect(() => float(Number.NaN)).toThrow(ContractViolationError);
    expect(() => float(Number.POSITIVE_INFINITY)).toThrow(ContractViolationError);
    expect(() => int(2 ** 53)).toThrow(ContractViolationError);
    expect(() => int(1.5)).toThrow(ContractViolationError);
    expect(() => string('\ud800')).toThrow(ContractViolationError);
  });

  it('round-trip through plain values with declared types', () => {
    const typed = fromPlain(
      { n: 3, x: 3, flag: false, name: 'a' },
      { n: 'int', x: 'float', flag: 'bool', name: 'string' },
    );
    expect(typed.n).toEqual({ type: 'int', value: 3 });
    expect(typed.x).toEqual({ type: 'float', value: 3 });
    expect(toPlain(typed)).toEqual({ n: 3, x: 3, flag: false, name: 'a' });
    expect(() => fromPlain({ n: 3 }, {})).toThrow(/no type declared/);
    expect(() => fromPlain({ n: 'three' }, { n: 'int' })).toThrow(/must be a number/);
  });

  it('are frozen', () => {
    const params = paramSet({ x: float(1) });
    expect(Object.isFrozen(params)).toBe(true);
    expect(Object.isFrozen(params.x)).toBe(true);
  });
});

describe('BLAKE2b', () => {
  it('matches Python hashlib.blake2b(digest_size=32) test values', () => {
    expect(blake2bHex('abc', 32)).toBe('bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319');
    expect(blake2bHex('', 32)).toBe('0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8');
    expect(blake2bHex('a'.repeat(200), 32)).toBe('6b6e59aaf00eb730cf93de53560846722184bbd92f8368c21ffa95380c2f9fe6');
  });

  it('matches the RFC 7693 BLAKE2b-512 value for "abc"', () => {
    expect(blake2bHex('abc', 64)).toBe(
      'ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923',
    );
  });
});
