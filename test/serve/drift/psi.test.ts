import { describe, expect, it } from 'vitest';
import {
  categoricalStabilityIndex,
  PSI_EPSILON,
  populationStabilityIndex,
  quantileEdges,
} from '../../../src/serve/drift/index.js';
import { normalSample } from './seeded.js';

/** One PSI term, written out so each expected value below reads as its hand computation. */
const term = (p: number, q: number) => (q - p) * Math.log(q / p);

describe('populationStabilityIndex', () => {
  it('is 0 when the current sample matches the baseline', () => {
    const baseline = Array.from({ length: 10 }, (_, i) => i + 1);
    expect(populationStabilityIndex(baseline, baseline, 2)).toBe(0);
    expect(populationStabilityIndex(baseline, [...baseline].reverse(), 5)).toBe(0);
  });

  it('matches a hand computation with 2 bins', () => {
    // Baseline 1…10: median edge 5.5 (type 7: x[4] + 0.5·(x[5] − x[4])), so p = (0.5, 0.5).
    // Current: eight values ≤ 5.5 and two above, so q = (0.8, 0.2).
    // PSI = 0.3·ln(1.6) + (−0.3)·ln(0.4) ≈ 0.141001 + 0.274887 = 0.415888.
    const baseline = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const current = [1, 1, 1, 1, 1, 1, 1, 1, 9, 10];
    expect(quantileEdges(baseline, 2)).toEqual([5.5]);
    const psi = populationStabilityIndex(baseline, current, 2);
    expect(psi).toBeCloseTo(term(0.5, 0.8) + term(0.5, 0.2), 12);
    expect(psi).toBeCloseTo(0.415888, 6);
  });

  it('matches a hand computation with 4 bins and an empty bin', () => {
    // Baseline 1…8: edges 2.75, 4.5, 6.25, each bin holds 2 of 8, p = 0.25 everywhere.
    // Current [1,1,3,3,3,3,8,8]: q = (0.25, 0.5, 0, 0.25); the empty bin counts as ε = 1e-4.
    // PSI = 0 + 0.25·ln 2 + (1e-4 − 0.25)·ln(1e-4 / 0.25) + 0 ≈ 0.173287 + 1.955229 = 2.128516.
    const baseline = [1, 2, 3, 4, 5, 6, 7, 8];
    expect(quantileEdges(baseline, 4)).toEqual([2.75, 4.5, 6.25]);
    const psi = populationStabilityIndex(baseline, [1, 1, 3, 3, 3, 3, 8, 8], 4);
    expect(psi).toBeCloseTo(term(0.25, 0.5) + term(0.25, PSI_EPSILON), 12);
    expect(psi).toBeCloseTo(2.128516, 6);
  });

  it('merges equal edges of a constant baseline and still measures a shift', () => {
    // Baseline all 5: every edge is 5, merged to one, so bins (−∞, 5] and (5, ∞) with p = (1, ε).
    // Current [5,5,6,6]: q = (0.5, 0.5). PSI = (−0.5)·ln 0.5 + (0.5 − 1e-4)·ln(0.5 / 1e-4) ≈ 4.604318.
    expect(quantileEdges([5, 5, 5, 5], 10)).toEqual([5]);
    const psi = populationStabilityIndex([5, 5, 5, 5], [5, 5, 6, 6]);
    expect(psi).toBeCloseTo(term(1, 0.5) + term(PSI_EPSILON, 0.5), 12);
    expect(psi).toBeCloseTo(4.604318, 6);
  });

  it('puts a value equal to an edge in the bin below it', () => {
    // Edge 2.5 over baseline [1,2,3,4]; 2.5 itself falls in the first bin, so q = (1, 0).
    expect(populationStabilityIndex([1, 2, 3, 4], [2.5, 2.5], 2)).toBeCloseTo(
      term(0.5, 1) + term(0.5, PSI_EPSILON),
      12,
    );
  });

  it('ignores non-finite values and refuses empty samples or too few bins', () => {
    expect(populationStabilityIndex([1, 2, Number.NaN, 3, 4], [1, 2, 3, Number.POSITIVE_INFINITY, 4], 2)).toBe(0);
    expect(() => populationStabilityIndex([], [1])).toThrow(/baseline/);
    expect(() => populationStabilityIndex([1], [Number.NaN])).toThrow(/current/);
    expect(() => populationStabilityIndex([1], [1], 1)).toThrow(/bins/);
  });

  it('stays small for samples of one distribution and grows with a shift (seeded)', () => {
    const baseline = normalSample(1, 5000, 0, 1);
    const same = normalSample(2, 5000, 0, 1);
    const shifted = normalSample(3, 5000, 0.5, 1);
    const wider = normalSample(4, 5000, 0, 2);
    expect(populationStabilityIndex(baseline, same)).toBeLessThan(0.02);
    // A half-sigma mean shift is a textbook "significant" PSI (about 0.25).
    expect(populationStabilityIndex(baseline, shifted)).toBeGreaterThan(0.2);
    expect(populationStabilityIndex(baseline, wider)).toBeGreaterThan(0.25);
  });
});

describe('categoricalStabilityIndex', () => {
  it('matches a hand computation over labels', () => {
    // p = (P 0.5, N 0.5), q = (P 0.75, N 0.25): 0.25·ln 1.5 + (−0.25)·ln 0.5 ≈ 0.274653.
    const psi = categoricalStabilityIndex(['P', 'P', 'N', 'N'], ['P', 'P', 'P', 'N']);
    expect(psi).toBeCloseTo(term(0.5, 0.75) + term(0.5, 0.25), 12);
    expect(psi).toBeCloseTo(0.274653, 6);
  });

  it('gives a label unseen in the baseline the ε share there', () => {
    // p = (P 1, U ε), q = (P 0.5, U 0.5).
    const psi = categoricalStabilityIndex(['P', 'P'], ['P', 'U']);
    expect(psi).toBeCloseTo(term(1, 0.5) + term(PSI_EPSILON, 0.5), 12);
    expect(() => categoricalStabilityIndex([], ['P'])).toThrow(/non-empty/);
  });
});
