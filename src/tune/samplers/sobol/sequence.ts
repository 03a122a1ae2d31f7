/**
 * Sobol low-discrepancy points with 32-bit resolution, optionally scrambled by a random linear
 * matrix scramble plus a digital shift (Matoušek 1998; what scipy's `scramble=True` does).
 * Scrambling keeps the (t, s)-net structure, so low discrepancy survives, while making the points
 * an unbiased randomised QMC design that varies with the seed.
 */
import { Rng } from '../../random.js';
import { JOE_KUO, MAX_SOBOL_DIMENSIONS } from './direction-numbers.js';

const BITS = 32;
const SCALE = 2 ** -32;

/** Direction integers V[k], k = 0..31, of one dimension; V[0] sets the most significant bit. */
function directions(dim: number): Uint32Array {
  const v = new Uint32Array(BITS);
  if (dim === 0) {
    for (let k = 0; k < BITS; k++) v[k] = 2 ** (BITS - 1 - k);
    return v;
  }
  const [s, a, m] = JOE_KUO[dim - 1]!;
  for (let k = 0; k < Math.min(s, BITS); k++) v[k] = m[k]! * 2 ** (BITS - 1 - k);
  for (let k = s; k < BITS; k++) {
    let x = v[k - s]! ^ (v[k - s]! >>> s);
    for (let i = 1; i < s; i++) {
      if ((a >>> (s - 1 - i)) & 1) x ^= v[k - i]!;
    }
    v[k] = x;
  }
  return v;
}

function parity(x: number): number {
  x ^= x >>> 16;
  x ^= x >>> 8;
  x ^= x >>> 4;
  x ^= x >>> 2;
  x ^= x >>> 1;
  return x & 1;
}

/** Applies a random lower-triangular (unit diagonal) binary matrix to every direction integer. */
function linearMatrixScramble(v: Uint32Array, rng: Rng): Uint32Array {
  const rows = new Uint32Array(BITS);
  for (let i = 0; i < BITS; i++) {
    // Row i keeps digit i and mixes in a random subset of the more significant digits 0..i-1.
    const above = i === 0 ? 0 : (rng.nextUint32() >>> (BITS - i)) * 2 ** (BITS - i);
    rows[i] = (above + 2 ** (BITS - 1 - i)) >>> 0;
  }
  const out = new Uint32Array(BITS);
  for (let k = 0; k < BITS; k++) {
    let y = 0;
    for (let i = 0; i < BITS; i++) if (parity(rows[i]! & v[k]!)) y += 2 ** (BITS - 1 - i);
    out[k] = y;
  }
  return out;
}

export class SobolSequence {
  readonly dimensions: number;
  private readonly v: Uint32Array[];
  private readonly shift: Uint32Array;

  /** `seed` undefined gives the plain (unscrambled) sequence. */
  constructor(dimensions: number, seed?: bigint | number) {
    if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > MAX_SOBOL_DIMENSIONS) {
      throw new RangeError(`Sobol supports 1-${MAX_SOBOL_DIMENSIONS} dimensions, got ${dimensions}`);
    }
    this.dimensions = dimensions;
    this.shift = new Uint32Array(dimensions);
    const rng = seed === undefined ? undefined : new Rng(seed);
    this.v = Array.from({ length: dimensions }, (_, d) => {
      const v = directions(d);
      if (!rng) return v;
      const scrambled = linearMatrixScramble(v, rng);
      this.shift[d] = rng.nextUint32();
      return scrambled;
    });
  }

  /** Point `index` (0-based) of the sequence, in [0, 1)^d; computed directly from the Gray code. */
  point(index: number): Float64Array {
    if (!Number.isInteger(index) || index < 0 || index >= 2 ** BITS) {
      throw new RangeError(`Sobol index must be an integer in [0, 2^32), got ${index}`);
    }
    const gray = (index ^ Math.floor(index / 2)) >>> 0;
    const out = new Float64Array(this.dimensions);
    for (let d = 0; d < this.dimensions; d++) {
      const v = this.v[d]!;
      let x = this.shift[d]!;
      for (let k = 0, g = gray; g !== 0; k++, g >>>= 1) if (g & 1) x ^= v[k]!;
      out[d] = (x >>> 0) * SCALE;
    }
    return out;
  }
}
