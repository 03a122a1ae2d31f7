/**
 * The one seeded generator of the tune layer: xoshiro128** seeded through splitmix64.
 *
 * Why xoshiro128** rather than xoshiro256**: it needs only 32-bit integer arithmetic, which V8
 * runs natively, while 64-bit lanes would need BigInt (slow) or manual carries. Its 2^128 period and
 * statistical quality are ample for sampling. Math.random is never used: a study must replay exactly.
 */

const MASK64 = (1n << 64n) - 1n;

/** One splitmix64 step: returns [next state, output]. Used to expand a 64-bit seed into state. */
function splitmix64(state: bigint): [bigint, bigint] {
  const next = (state + 0x9e3779b97f4a7c15n) & MASK64;
  let z = next;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return [next, z ^ (z >> 31n)];
}

/** Mixes a seed with further integers (e.g. a trial number) into a new 64-bit seed. */
export function mixSeed(seed: bigint | number, ...parts: readonly (bigint | number)[]): bigint {
  let state = BigInt(seed) & MASK64;
  let out: bigint;
  [state, out] = splitmix64(state);
  for (const part of parts) {
    [state, out] = splitmix64((out ^ (BigInt(part) & MASK64)) & MASK64);
  }
  return out;
}

/** Serialisable generator state, so a storage-backed study can persist and resume it. */
export type RngState = readonly [number, number, number, number];

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: bigint | number) {
    const [state, a] = splitmix64(BigInt(seed) & MASK64);
    const [, b] = splitmix64(state);
    this.s0 = Number(a & 0xffffffffn);
    this.s1 = Number(a >> 32n);
    this.s2 = Number(b & 0xffffffffn);
    this.s3 = Number(b >> 32n);
    // The all-zero state is a fixed point; splitmix64 makes it practically impossible, but be sure.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  static fromState(state: RngState): Rng {
    const rng = new Rng(0);
    [rng.s0, rng.s1, rng.s2, rng.s3] = state;
    return rng;
  }

  state(): RngState {
    return [this.s0, this.s1, this.s2, this.s3];
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  float(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform double in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.float();
  }

  /** Uniform integer in [0, n), unbiased (rejection on the 32-bit range). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`Rng.int needs a positive integer, got ${n}`);
    if (n > 0x100000000) return Math.floor(this.float() * n);
    const limit = 0x100000000 - (0x100000000 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /**
   * Standard normal by Box–Muller, consuming exactly two uniforms per call and caching nothing,
   * so the number of draws never depends on call history.
   */
  normal(): number {
    const u1 = 1 - this.float(); // (0, 1]: log is finite
    const u2 = this.float();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Index drawn with probability proportional to non-negative `weights`. */
  weighted(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i]!;
    if (!(total > 0)) throw new RangeError('Rng.weighted needs a positive total weight');
    let r = this.float() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]!;
      if (r < 0) return i;
    }
    // Rounding can leave r at 0 after the loop: return the last index with positive weight.
    for (let i = weights.length - 1; i >= 0; i--) if (weights[i]! > 0) return i;
    return weights.length - 1;
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = items[i]!;
      items[i] = items[j]!;
      items[j] = t;
    }
    return items;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
