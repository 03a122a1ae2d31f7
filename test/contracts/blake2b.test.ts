import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { blake2b, blake2bHex } from '../../src/contracts/index.js';

describe('BLAKE2b against OpenSSL', () => {
  // Block boundaries (0, 127, 128, 129, 256, ...) are where padding and the final flag go wrong.
  it.each([0, 1, 3, 64, 111, 112, 127, 128, 129, 200, 255, 256, 257, 1000, 4096])(
    'agrees with node:crypto blake2b512 on a %i-byte message',
    (n) => {
      const data = new Uint8Array(n).map((_, i) => (i * 131 + 7) & 0xff);
      expect(blake2bHex(data, 64)).toBe(createHash('blake2b512').update(data).digest('hex'));
    },
  );

  it('gives a different hash (not a truncation) for a 32-byte digest', () => {
    const long = blake2bHex('abc', 64);
    const short = blake2bHex('abc', 32);
    expect(short).toHaveLength(64);
    expect(long.startsWith(short)).toBe(false);
  });

  it('rejects digest lengths outside 1-64', () => {
    expect(() => blake2b(new Uint8Array(1), 0)).toThrow(RangeError);
    expect(() => blake2b(new Uint8Array(1), 65)).toThrow(RangeError);
  });
});
