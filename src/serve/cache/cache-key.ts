/**
 * Cache keys: a prediction is a pure function of the model version and the input, so the key is a
 * hash of exactly those. Inputs are encoded as canonical JSON (object keys sorted by code point)
 * so `{a, b}` and `{b, a}` share an entry.
 */
import { createHash } from 'node:crypto';
import { compareCodePoints } from '../../contracts/index.js';

/** sha256 hex of the model name, its version and the canonical JSON of the input. */
export function cacheKey(model: string, version: number, input: unknown): string {
  return createHash('sha256')
    .update(`fleetcast:prediction:v1|${JSON.stringify(model)}|${version}|${canonicalJson(input)}`)
    .digest('hex');
}

/**
 * JSON with object keys sorted by code point and no whitespace. Follows JSON.stringify otherwise:
 * `toJSON` is honoured, undefined and functions are dropped from objects and become null in
 * arrays, non-finite numbers become null.
 */
export function canonicalJson(value: unknown): string {
  return encode(value) ?? 'null';
}

function encode(value: unknown): string | undefined {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return encode((value as { toJSON: () => unknown }).toJSON());
  }
  if (value === null || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return `[${value.map((item) => encode(item) ?? 'null').join(',')}]`;
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const parts: string[] = [];
    for (const key of Object.keys(record).sort(compareCodePoints)) {
      const encoded = encode(record[key]);
      if (encoded !== undefined) parts.push(`${JSON.stringify(key)}:${encoded}`);
    }
    return `{${parts.join(',')}}`;
  }
  return undefined;
}
