/**
 * BLAKE2b (RFC 7693) with a caller-chosen digest length, unkeyed.
 *
 * Why it exists: parameter-set ids must be BLAKE2b with a 32-byte digest, and Node's OpenSSL only
 * exposes `blake2b512`. Truncating a 512-bit digest is NOT the same hash (the output length is
 * mixed into the initial state), so the function is implemented here. 64-bit words are held as
 * pairs of 32-bit halves in Uint32Arrays, which is far faster in V8 than BigInt arithmetic.
 */

// Initialisation vector as [lo, hi] 32-bit halves of the eight 64-bit words.
const IV = new Uint32Array([
  0xf3bcc908, 0x6a09e667, 0x84caa73b, 0xbb67ae85, 0xfe94f82b, 0x3c6ef372, 0x5f1d36f1, 0xa54ff53a, 0xade682d1,
  0x510e527f, 0x2b3e6c1f, 0x9b05688c, 0xfb41bd6b, 0x1f83d9ab, 0x137e2179, 0x5be0cd19,
]);

// Message word schedule; rounds 10 and 11 repeat rounds 0 and 1.
const SIGMA: readonly (readonly number[])[] = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
  [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
  [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
  [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
  [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
  [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
  [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
  [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
  [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
];

// Column then diagonal quadruples of state-word indices, as used by each round.
const MIX: readonly (readonly [number, number, number, number])[] = [
  [0, 4, 8, 12],
  [1, 5, 9, 13],
  [2, 6, 10, 14],
  [3, 7, 11, 15],
  [0, 5, 10, 15],
  [1, 6, 11, 12],
  [2, 7, 8, 13],
  [3, 4, 9, 14],
];

const TWO_32 = 0x100000000;

/** v[i] += v[j] + (x1:x0), all 64-bit, on lo/hi halves at indices 2i, 2i+1. */
function add3(v: Uint32Array, i: number, j: number, x0: number, x1: number): void {
  const lo = v[2 * i]! + v[2 * j]! + x0;
  const hi = v[2 * i + 1]! + v[2 * j + 1]! + x1 + Math.floor(lo / TWO_32);
  v[2 * i] = lo;
  v[2 * i + 1] = hi;
}

/** v[i] = rotr64(v[i] ^ v[j], n) for 0 < n < 64. */
function xorRotr(v: Uint32Array, i: number, j: number, n: number): void {
  let lo = v[2 * i]! ^ v[2 * j]!;
  let hi = v[2 * i + 1]! ^ v[2 * j + 1]!;
  if (n >= 32) {
    const t = lo;
    lo = hi;
    hi = t;
    n -= 32;
  }
  if (n > 0) {
    const nlo = (lo >>> n) | (hi << (32 - n));
    const nhi = (hi >>> n) | (lo << (32 - n));
    lo = nlo;
    hi = nhi;
  }
  v[2 * i] = lo;
  v[2 * i + 1] = hi;
}

function compress(h: Uint32Array, block: Uint8Array, bytes: number, last: boolean): void {
  const v = new Uint32Array(32);
  v.set(h, 0);
  v.set(IV, 16);
  // The byte counter is < 2^53 here, so split it without BigInt.
  v[24] = v[24]! ^ (bytes % TWO_32);
  v[25] = v[25]! ^ Math.floor(bytes / TWO_32);
  if (last) {
    v[28] = ~v[28]!;
    v[29] = ~v[29]!;
  }
  const m = new Uint32Array(32);
  for (let k = 0; k < 32; k++) {
    const o = 4 * k;
    m[k] = block[o]! | (block[o + 1]! << 8) | (block[o + 2]! << 16) | (block[o + 3]! << 24);
  }
  for (const s of SIGMA) {
    for (let g = 0; g < 8; g++) {
      const [a, b, c, d] = MIX[g]!;
      const x = s[2 * g]!;
      const y = s[2 * g + 1]!;
      add3(v, a, b, m[2 * x]!, m[2 * x + 1]!);
      xorRotr(v, d, a, 32);
      add3(v, c, d, 0, 0);
      xorRotr(v, b, c, 24);
      add3(v, a, b, m[2 * y]!, m[2 * y + 1]!);
      xorRotr(v, d, a, 16);
      add3(v, c, d, 0, 0);
      xorRotr(v, b, c, 63);
    }
  }
  for (let k = 0; k < 16; k++) h[k] = h[k]! ^ v[k]! ^ v[k + 16]!;
}

/** BLAKE2b digest of `data` with `outLength` bytes (1–64) of output. */
export function blake2b(data: Uint8Array, outLength = 64): Uint8Array {
  if (!Number.isInteger(outLength) || outLength < 1 || outLength > 64) {
    throw new RangeError(`BLAKE2b digest length must be 1-64 bytes, got ${outLength}`);
  }
  const h = new Uint32Array(IV);
  // Parameter block word 0: digest length, key length 0, fanout 1, depth 1.
  h[0] = h[0]! ^ 0x01010000 ^ outLength;
  const block = new Uint8Array(128);
  let offset = 0;
  // Every block but the last is compressed without the final flag; an empty message is one
  // zero block that is also the last.
  while (data.length - offset > 128) {
    block.set(data.subarray(offset, offset + 128));
    offset += 128;
    compress(h, block, offset, false);
  }
  block.fill(0);
  block.set(data.subarray(offset));
  compress(h, block, data.length, true);
  const out = new Uint8Array(outLength);
  for (let k = 0; k < outLength; k++) out[k] = (h[k >> 2]! >>> (8 * (k & 3))) & 0xff;
  return out;
}

/** Lower-case hex of a BLAKE2b digest. */
export function blake2bHex(data: Uint8Array | string, outLength = 64): string {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return Buffer.from(blake2b(bytes, outLength)).toString('hex');
}
