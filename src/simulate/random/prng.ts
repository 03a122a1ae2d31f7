/**
 * Seeded randomness for the simulator. Never Math.random: a whole fleet must be reproducible from
 * one 64-bit seed (seed 0 included), and each resource must get its own independent stream so a
 * resource's series does not depend on how many resources came before it or how they are batched.
 *
 * Seeds are derived with the splitmix64 finaliser (BigInt, once per stream, so its cost does not
 * matter); the stream itself is xoshiro128** — the 32-bit member of the xoshiro family — because
 * 32-bit integer arithmetic (`Math.imul`, `>>>`) is what JavaScript engines run fast, while a 64-bit
 * xoshiro256** would need BigInt or hand-made carries in the hot loop. Its period (2^128 − 1) is far
 * beyond any series we generate.
 */

import { ZIGGURAT_R, zigguratTables } from './ziggurat.js';

const MASK64 = (1n << 64n) - 1n;
const GOLDEN = 0x9e3779b97f4a7c15n;

/** The splitmix64 output function: a bijection on 64-bit integers that spreads every input bit. */
export function mix64(value: bigint): bigint {
  let z = value & MASK64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/** Independent stream families drawn from one fleet seed. */
export const Streams = {
  fleet: 1n,
  resource: 2n,
  series: 3n,
  anomalies: 4n,
} as const;

/**
 * A 64-bit seed for (fleet seed, stream family, index). Nested mixing rather than a linear
 * combination, so no two (seed, index) pairs can collide by arithmetic coincidence.
 */
export function deriveSeed(seed: bigint, family: bigint, index: number): bigint {
  const base = mix64(((seed & MASK64) + GOLDEN) & MASK64);
  const withFamily = mix64((base + family * GOLDEN) & MASK64);
  return mix64((withFamily + BigInt(index + 1) * GOLDEN) & MASK64);
}

const TWO_POW_32 = 4294967296;
// Module-local copies: the hot path reads plain constants, never an imported binding.
const { kn: KN, wn: WN, fn: FN } = zigguratTables();
const TAIL = ZIGGURAT_R;

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** Seeds the 128-bit state from two splitmix64 outputs of `seed` (never all zero). */
  constructor(seed: bigint) {
    let state = seed & MASK64;
    state = (state + GOLDEN) & MASK64;
    const a = mix64(state);
    state = (state + GOLDEN) & MASK64;
    const b = mix64(state);
    this.s0 = Number(a & 0xffffffffn) | 0;
    this.s1 = Number(a >> 32n) | 0;
    this.s2 = Number(b & 0xffffffffn) | 0;
    this.s3 = Number(b >> 32n) | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** The next 32 bits, as an unsigned integer. */
  nextU32(): number {
    const s0 = this.s0;
    const s1 = this.s1;
    const s2 = this.s2;
    const s3 = this.s3;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9);
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    this.s1 = s1 ^ n2;
    this.s0 = s0 ^ n3;
    this.s2 = n2 ^ t;
    this.s3 = (n3 << 11) | (n3 >>> 21);
    return result >>> 0;
  }

  /**
   * Uniform in the open interval (0, 1). 32 bits of resolution (2.3e−10) are plenty for a
   * simulator, and the open interval lets `Math.log(u)` be used without a guard.
   */
  uniform(): number {
    return (this.nextU32() + 0.5) / TWO_POW_32;
  }

  /** Uniform in [low, high). */
  between(low: number, high: number): number {
    return low + (high - low) * this.uniform();
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal by the ziggurat method (see ziggurat.ts). */
  normal(): number {
    for (;;) {
      const hz = this.nextU32() | 0;
      const iz = this.nextU32() & 127;
      const magnitude = hz < 0 ? -hz : hz;
      const x = hz * (WN[iz] ?? 0);
      // Fast path (~99% of draws): inside the rectangle of layer iz.
      if (magnitude < (KN[iz] ?? 0)) return x;
      if (iz === 0) {
        // The tail beyond R, by Marsaglia's exponential rejection.
        let tx: number;
        let ty: number;
        do {
          tx = -Math.log(this.uniform()) / TAIL;
          ty = -Math.log(this.uniform());
        } while (ty + ty < tx * tx);
        return hz > 0 ? TAIL + tx : -TAIL - tx;
      }
      // The wedge of layer iz: accept under the density, else draw again.
      const f0 = FN[iz] ?? 0;
      if (f0 + this.uniform() * ((FN[iz - 1] ?? 0) - f0) < Math.exp(-0.5 * x * x)) return x;
    }
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(this.uniform());
  }

  /** Poisson count with the given mean (Knuth for small means, normal approximation above 30). */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    const limit = Math.exp(-mean);
    let k = 0;
    let product = this.uniform();
    while (product > limit) {
      k++;
      product *= this.uniform();
    }
    return k;
  }

  /** An index drawn with probability proportional to `weights` (non-negative, positive sum). */
  pick(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let target = this.uniform() * total;
    for (let i = 0; i < weights.length; i++) {
      target -= weights[i] ?? 0;
      if (target < 0) return i;
    }
    return weights.length - 1;
  }
}

/** The stream of one (seed, family, index): what every part of the simulator draws from. */
export function streamFor(seed: bigint, family: bigint, index: number): Rng {
  return new Rng(deriveSeed(seed, family, index));
}
