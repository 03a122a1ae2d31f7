import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../../../src/tune/math/eigen.js';
import { normalCdf, normalMass, normalQuantile, normalSf, truncatedNormal } from '../../../src/tune/math/normal.js';
import { Rng } from '../../../src/tune/random.js';

// Reference values from scipy.stats.norm.
describe('normal distribution helpers', () => {
  it.each([
    [-30, 4.906713927147908e-198],
    [-8, 6.22096057427174e-16],
    [-3, 0.0013498980316300933],
    [-1, 0.15865525393145707],
    [0, 0.5],
    [0.5, 0.6914624612740131],
    [2, 0.9772498680518208],
  ])('Φ(%s) is within 2e-7 relative of scipy', (z, expected) => {
    expect(Math.abs(normalCdf(z) - expected) / expected).toBeLessThan(2e-7);
    expect(Math.abs(normalSf(-z) - expected) / expected).toBeLessThan(2e-7);
  });

  it('keeps relative precision in the upper tail', () => {
    expect(Math.abs(normalSf(10) - 7.61985302416047e-24) / 7.61985302416047e-24).toBeLessThan(2e-7);
    expect(normalMass(6, 10) / 9.865876450376946e-10).toBeCloseTo(1, 5);
  });

  it.each([
    [1e-10, -6.361340902404056],
    [1e-4, -3.7190164854556804],
    [0.01, -2.3263478740408408],
    [0.1, -1.2815515655446004],
    [0.3, -0.5244005127080409],
    [0.5, 0],
    [0.975, 1.959963984540054],
    [0.999999, 4.753424308817087],
  ])('Φ⁻¹(%s) matches scipy within Acklam’s 1.15e-9 relative error', (p, expected) => {
    expect(Math.abs(normalQuantile(p) - expected)).toBeLessThanOrEqual(1.2e-9 * Math.abs(expected));
  });

  it('draws truncated normals inside the bounds with the right mean', () => {
    const rng = new Rng(7);
    let sum = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const x = truncatedNormal(rng, 0, 1, 0, 10);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(10);
      sum += x;
    }
    // Half-normal mean √(2/π) ≈ 0.7979; standard error ≈ 0.6/√n ≈ 0.004.
    expect(sum / n).toBeCloseTo(Math.sqrt(2 / Math.PI), 1);
    expect(Math.abs(sum / n - Math.sqrt(2 / Math.PI))).toBeLessThan(0.02);
  });

  it('stays inside bounds that lie far in a tail', () => {
    const rng = new Rng(3);
    for (let i = 0; i < 1000; i++) {
      const x = truncatedNormal(rng, 0, 1, 8, 9);
      expect(x).toBeGreaterThanOrEqual(8);
      expect(x).toBeLessThanOrEqual(9);
    }
  });
});

describe('symmetric eigen-decomposition', () => {
  it('reconstructs the matrix from its eigenpairs', () => {
    const m = [Float64Array.of(4, 1, 0.5), Float64Array.of(1, 3, 0.2), Float64Array.of(0.5, 0.2, 1)];
    const { values, vectors } = symmetricEigen(m);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += vectors[i]![k]! * values[k]! * vectors[j]![k]!;
        expect(s).toBeCloseTo(m[i]![j]!, 12);
      }
    }
    expect(values.reduce((a, b) => a + b, 0)).toBeCloseTo(8, 12);
  });
});
