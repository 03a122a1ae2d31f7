import { describe, expect, it } from 'vitest';
import { deriveSeed, mix64, Rng, Streams } from '../../src/simulate/random/prng.js';

function draws(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.nextU32());
}

describe('seeded randomness', () => {
  it('gives the same stream for the same seed, including seed 0', () => {
    expect(draws(new Rng(0n), 20)).toEqual(draws(new Rng(0n), 20));
    expect(draws(new Rng(12345n), 20)).toEqual(draws(new Rng(12345n), 20));
  });

  it('gives different streams for seed 0 and seed 1', () => {
    expect(draws(new Rng(0n), 20)).not.toEqual(draws(new Rng(1n), 20));
    expect(deriveSeed(0n, Streams.series, 0)).not.toBe(deriveSeed(1n, Streams.series, 0));
  });

  it('derives distinct seeds for every resource index and stream family', () => {
    const seen = new Set<bigint>();
    for (let i = 0; i < 5000; i++) {
      seen.add(deriveSeed(7n, Streams.series, i));
      seen.add(deriveSeed(7n, Streams.resource, i));
    }
    expect(seen.size).toBe(10_000);
  });

  it('keeps the splitmix64 finaliser a 64-bit value', () => {
    for (const v of [0n, 1n, (1n << 64n) - 1n, 0x9e3779b97f4a7c15n]) {
      const mixed = mix64(v);
      expect(mixed >= 0n && mixed < 1n << 64n).toBe(true);
    }
    expect(mix64(0n)).toBe(0n);
    expect(mix64(1n)).not.toBe(mix64(2n));
  });

  it('draws uniforms in (0, 1) with mean 1/2 and variance 1/12', () => {
    const rng = new Rng(99n);
    const n = 200_000;
    let sum = 0;
    let squares = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      if (!(u > 0 && u < 1)) outside++;
      sum += u;
      squares += u * u;
    }
    expect(outside).toBe(0);
    const mean = sum / n;
    expect(mean).toBeCloseTo(0.5, 2);
    expect(squares / n - mean * mean).toBeCloseTo(1 / 12, 2);
  });

  it('draws standard normals with mean 0, variance 1 and no lag-1 correlation', () => {
    const rng = new Rng(5n);
    const n = 200_000;
    let sum = 0;
    let squares = 0;
    let lagged = 0;
    let previous = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      sum += z;
      squares += z * z;
      lagged += z * previous;
      previous = z;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.01);
    expect(squares / n).toBeGreaterThan(0.98);
    expect(squares / n).toBeLessThan(1.02);
    expect(Math.abs(lagged / n)).toBeLessThan(0.01);
  });

  it('draws normals with the right body and tails (ziggurat layers, wedges and tail beyond 3.44)', () => {
    const rng = new Rng(17n);
    const n = 1_000_000;
    let belowOne = 0;
    let beyondThree = 0;
    let beyondTail = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      if (z < 1) belowOne++;
      if (Math.abs(z) > 3) beyondThree++;
      if (Math.abs(z) > 3.5) beyondTail++;
    }
    // Φ(1) = 0.841345; P(|Z| > 3) = 0.0026998; P(|Z| > 3.5) = 0.0004653 (± 4 standard errors).
    expect(Math.abs(belowOne / n - 0.841345)).toBeLessThan(4 * Math.sqrt((0.841345 * 0.158655) / n));
    expect(Math.abs(beyondThree - 2699.8)).toBeLessThan(4 * Math.sqrt(2699.8));
    expect(Math.abs(beyondTail - 465.3)).toBeLessThan(4 * Math.sqrt(465.3));
  });

  it('draws Poisson counts with the requested mean', () => {
    const rng = new Rng(11n);
    for (const mean of [0.3, 4, 50]) {
      let total = 0;
      for (let i = 0; i < 20_000; i++) total += rng.poisson(mean);
      expect(total / 20_000).toBeGreaterThan(mean * 0.95);
      expect(total / 20_000).toBeLessThan(mean * 1.05);
    }
  });
});
