import { describe, expect, it } from 'vitest';
import { mixSeed, Rng } from '../../src/tune/random.js';

describe('Rng', () => {
  it('replays the same sequence for the same seed and differs for another', () => {
    const draw = (seed: bigint | number) => {
      const rng = new Rng(seed);
      return Array.from({ length: 20 }, () => rng.nextUint32());
    };
    expect(draw(42n)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw(2n ** 64n - 1n)).not.toEqual(draw(0));
  });

  it('resumes from a saved state', () => {
    const rng = new Rng(9);
    rng.float();
    const resumed = Rng.fromState(rng.state());
    expect(Array.from({ length: 5 }, () => resumed.float())).toEqual(Array.from({ length: 5 }, () => rng.float()));
  });

  it('draws floats in [0, 1) with mean ½ and variance 1/12', () => {
    const rng = new Rng(1);
    const n = 50_000;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.float();
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
      sq += x * x;
    }
    const mean = sum / n;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(sq / n - mean * mean - 1 / 12)).toBeLessThan(0.003);
  });

  it('draws unbiased integers and standard normals', () => {
    const rng = new Rng(2);
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[rng.int(6)]! += 1;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < 50_000; i++) {
      const z = rng.normal();
      sum += z;
      sq += z * z;
    }
    expect(Math.abs(sum / 50_000)).toBeLessThan(0.02);
    expect(Math.abs(sq / 50_000 - 1)).toBeLessThan(0.03);
  });

  it('draws by weight', () => {
    const rng = new Rng(3);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[rng.weighted([1, 0, 2])]! += 1;
    expect(counts[1]).toBe(0);
    expect(Math.abs(counts[2]! / counts[0]! - 2)).toBeLessThan(0.1);
  });

  it('mixes a seed with trial numbers into distinct seeds', () => {
    const seeds = new Set(Array.from({ length: 1000 }, (_, i) => mixSeed(5, i)));
    expect(seeds.size).toBe(1000);
    expect(mixSeed(5, 1)).toBe(mixSeed(5n, 1n));
    expect(mixSeed(5, 1, 2)).not.toBe(mixSeed(5, 2, 1));
  });
});
