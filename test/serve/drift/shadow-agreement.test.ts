import { describe, expect, it } from 'vitest';
import { outputsAgree, ShadowAgreement } from '../../../src/serve/drift/index.js';
import { seededRandom } from './seeded.js';

describe('outputsAgree', () => {
  it('compares labels and ignores scores', () => {
    expect(outputsAgree({ label: 'POSITIVE', score: 0.9 }, { label: 'POSITIVE', score: 0.6 })).toBe(true);
    expect(outputsAgree({ label: 'POSITIVE', score: 0.9 }, { label: 'NEGATIVE', score: 0.9 })).toBe(false);
    expect(outputsAgree('NEUTRAL', 'NEUTRAL')).toBe(true);
  });

  it('compares numbers within a relative tolerance, field by field', () => {
    expect(outputsAgree(100, 100.9)).toBe(true);
    expect(outputsAgree(100, 101.1)).toBe(false);
    expect(outputsAgree(100, 104, { relativeTolerance: 0.05 })).toBe(true);
    expect(outputsAgree(0, 1e-12)).toBe(true);
    expect(outputsAgree(Number.NaN, Number.NaN)).toBe(true);
    expect(outputsAgree({ latency: 10, cpu: 0.5 }, { cpu: 0.501, latency: 10.05 })).toBe(true);
    expect(outputsAgree({ latency: 10, cpu: 0.5 }, { latency: 10 })).toBe(false);
    expect(outputsAgree([1, 2, 3], [1, 2, 3.01])).toBe(true);
    expect(outputsAgree([1, 2], [1, 2, 3])).toBe(false);
    expect(outputsAgree([1], { 0: 1 })).toBe(false);
    expect(outputsAgree(1, '1')).toBe(false);
  });
});

describe('ShadowAgreement', () => {
  it('returns the agreement rate as pairs are recorded', () => {
    const agreement = new ShadowAgreement();
    expect(agreement.rate).toBeNull();
    expect(agreement.record({ label: 'P' }, { label: 'P' })).toBe(1);
    expect(agreement.record({ label: 'P' }, { label: 'N' })).toBe(0.5);
    expect(agreement.record(10, 10.01)).toBeCloseTo(2 / 3, 12);
    expect(agreement.snapshot()).toEqual({ rate: 2 / 3, window_n: 3, compared: 3, agreed: 2 });
  });

  it('measures the rate over the last windowSize comparisons only', () => {
    const agreement = new ShadowAgreement({ windowSize: 4 });
    for (let i = 0; i < 4; i++) agreement.record('a', 'b');
    expect(agreement.rate).toBe(0);
    for (let i = 0; i < 3; i++) agreement.record('a', 'a');
    expect(agreement.rate).toBe(0.75);
    expect(agreement.snapshot()).toEqual({ rate: 0.75, window_n: 4, compared: 7, agreed: 3 });
    agreement.reset();
    expect(agreement.snapshot()).toEqual({ rate: null, window_n: 0, compared: 0, agreed: 0 });
  });

  it('converges on the true agreement of seeded traffic', () => {
    const random = seededRandom(7);
    const agreement = new ShadowAgreement({ windowSize: 5000 });
    for (let i = 0; i < 5000; i++) {
      const primary = random() < 0.5 ? 'POSITIVE' : 'NEGATIVE';
      const flipped = primary === 'POSITIVE' ? 'NEGATIVE' : 'POSITIVE';
      agreement.record({ label: primary }, { label: random() < 0.9 ? primary : flipped });
    }
    expect(agreement.rate).toBeGreaterThan(0.88);
    expect(agreement.rate).toBeLessThan(0.92);
  });

  it('refuses invalid options', () => {
    expect(() => new ShadowAgreement({ windowSize: 0 })).toThrow(/windowSize/);
    expect(() => new ShadowAgreement({ relativeTolerance: -1 })).toThrow(/relativeTolerance/);
  });
});
