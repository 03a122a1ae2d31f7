/**
 * Canonical encoding of a parameter set, byte-compatible with modelops-contracts v1: Python's
 * `json.dumps(sorted params, separators=(',', ':'), ensure_ascii=False)` encoded as UTF-8.
 * Ids computed here must equal ids computed by the Python side, so every detail of Python's float
 * `repr` and key ordering is reproduced.
 */
import { ContractViolationError } from './errors.js';
import type { ParamSet, ParamValue } from './values.js';

/**
 * Python's `repr(float)`: the shortest digits that round-trip (the same digits JS picks), written
 * in fixed notation when the decimal exponent is in [-4, 16), else as `d.ddde±XX`.
 */
export function pythonFloatRepr(x: number): string {
  if (!Number.isFinite(x)) throw new ContractViolationError(`non-finite float ${x} has no canonical encoding`);
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  // toExponential() with no argument yields exactly the shortest round-trip digits.
  const [mantissa, expText] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    const frac = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const expSign = exp < 0 ? '-' : '+';
    return `${sign}${digits[0]}${frac}e${expSign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intLen = exp + 1;
  if (digits.length <= intLen) return `${sign}${digits}${'0'.repeat(intLen - digits.length)}.0`;
  return `${sign}${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
}

/** Python compares str by code point; JS `<` compares UTF-16 units, which differs above U+FFFF. */
export function compareCodePoints(a: string, b: string): number {
  const ai = a[Symbol.iterator]();
  const bi = b[Symbol.iterator]();
  for (;;) {
    const x = ai.next();
    const y = bi.next();
    if (x.done || y.done) return x.done ? (y.done ? 0 : -1) : 1;
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}

// For well-formed strings, JSON.stringify escapes exactly what Python's json.dumps with
// ensure_ascii=False escapes (", \, \b \f \n \r \t, other C0 controls as lower-case \u00xx).
function encodeString(s: string): string {
  return JSON.stringify(s);
}

function encodeValue(v: ParamValue): string {
  switch (v.type) {
    case 'int':
      return String(v.value);
    case 'float':
      return pythonFloatRepr(v.value);
    case 'bool':
      return v.value ? 'true' : 'false';
    case 'string':
      return encodeString(v.value);
  }
}

/** The canonical JSON text of a parameter set (keys sorted by code point, no whitespace). */
export function canonicalJson(params: ParamSet): string {
  const names = Object.keys(params).sort(compareCodePoints);
  const parts = names.map((name) => `${encodeString(name)}:${encodeValue(params[name]!)}`);
  return `{${parts.join(',')}}`;
}
