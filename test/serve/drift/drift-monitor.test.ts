import { describe, expect, it } from 'vitest';
import { DriftMonitor, numericFeatures, PSI_EPSILON, predictionOf } from '../../../src/serve/drift/index.js';
import { normalSample, seededRandom } from './seeded.js';

const term = (p: number, q: number) => (q - p) * Math.log(q / p);

describe('DriftMonitor', () => {
  it('reports nothing until the baseline is full', () => {
    const monitor = new DriftMonitor({ baselineSize: 4, windowSize: 4, bins: 2 });
    expect(monitor.psi('unknown')).toEqual({
      inputs: {},
      prediction: null,
      prediction_kind: null,
      baseline_n: 0,
      current_n: 0,
      baseline_complete: false,
    });
    monitor.observe('m', { users: 1 }, { label: 'POSITIVE', score: 0.9 });
    expect(monitor.psi('m')).toEqual({
      inputs: { users: null },
      prediction: null,
      prediction_kind: 'categorical',
      baseline_n: 1,
      current_n: 0,
      baseline_complete: false,
    });
  });

  it('compares the current window with the baseline, inputs and labels (hand-computed)', () => {
    const monitor = new DriftMonitor({ baselineSize: 4, windowSize: 4, bins: 2 });
    // Baseline users 1,2,3,4 (edge 2.5, p = 0.5/0.5) and labels P,P,N,N.
    for (const [i, users] of [1, 2, 3, 4].entries())
      monitor.observe('m', { users }, { label: i < 2 ? 'P' : 'N', score: 1 });
    // Current users 1,1,1,4 (q = 0.75/0.25) and labels P,P,P,N.
    for (const [i, users] of [1, 1, 1, 4].entries())
      monitor.observe('m', { users }, { label: i < 3 ? 'P' : 'N', score: 1 });
    const report = monitor.psi('m');
    const expected = term(0.5, 0.75) + term(0.5, 0.25); // ≈ 0.274653
    expect(report.inputs.users).toBeCloseTo(expected, 12);
    expect(report.prediction).toBeCloseTo(expected, 12);
    expect(report).toMatchObject({ baseline_n: 4, current_n: 4, baseline_complete: true });
  });

  it('keeps only the last windowSize observations in the current window', () => {
    const monitor = new DriftMonitor({ baselineSize: 4, windowSize: 4, bins: 2 });
    for (const users of [1, 2, 3, 4]) monitor.observe('m', { users }, users * 10);
    for (const users of [1, 2, 3, 4]) monitor.observe('m', { users }, users * 10);
    expect(monitor.psi('m').inputs.users).toBe(0);
    // Four more, all above the edge: the first four have rolled out, so q = (0, 1).
    for (const users of [3, 4, 3, 4]) monitor.observe('m', { users }, users * 10);
    const report = monitor.psi('m');
    expect(report.inputs.users).toBeCloseTo(term(0.5, PSI_EPSILON) + term(0.5, 1), 12); // ≈ 4.604318
    expect(report.prediction).toBeCloseTo(term(0.5, PSI_EPSILON) + term(0.5, 1), 12);
    expect(report).toMatchObject({ prediction_kind: 'numeric', baseline_n: 4, current_n: 4 });
  });

  it('measures text length, ignores features the baseline never saw, and forgets on reset', () => {
    const monitor = new DriftMonitor({ baselineSize: 2, windowSize: 2, bins: 2 });
    monitor.observe('s', { text: 'good' }, 'POSITIVE');
    monitor.observe('s', { text: 'not good at all' }, 'NEGATIVE');
    monitor.observe('s', { text: 'fine', extra: 3 }, 'POSITIVE');
    expect(Object.keys(monitor.psi('s').inputs)).toEqual(['text_length']);
    expect(monitor.models()).toEqual(['s']);
    monitor.reset('s');
    expect(monitor.psi('s').baseline_n).toBe(0);
    expect(monitor.models()).toEqual([]);
  });

  it('skips a prediction of the other kind than the first one', () => {
    const monitor = new DriftMonitor({ baselineSize: 2, windowSize: 2 });
    monitor.observe('m', {}, 1);
    monitor.observe('m', {}, 'label');
    expect(monitor.psi('m')).toMatchObject({ prediction_kind: 'numeric', baseline_n: 2 });
  });

  it('flags a shifted feature and leaves a stable one quiet (seeded)', () => {
    const monitor = new DriftMonitor({ baselineSize: 2000, windowSize: 2000 });
    const random = seededRandom(42);
    const steady = normalSample(5, 4000, 100, 15);
    const drifting = [...normalSample(6, 2000, 2, 1), ...normalSample(7, 2000, 4, 1)];
    for (let i = 0; i < 4000; i++) {
      monitor.observe('perf', { users: steady[i]!, replicas: drifting[i]! }, { latency: 50 + random() * 10 });
    }
    const report = monitor.psi('perf');
    expect(report.inputs.users).toBeLessThan(0.05);
    expect(report.inputs.replicas).toBeGreaterThan(1);
    expect(report.prediction).toBeLessThan(0.05);
  });

  it('refuses invalid options', () => {
    expect(() => new DriftMonitor({ baselineSize: 0 })).toThrow(/baselineSize/);
    expect(() => new DriftMonitor({ windowSize: 1.5 })).toThrow(/windowSize/);
    expect(() => new DriftMonitor({ bins: 1 })).toThrow(/bins/);
  });
});

describe('drift features', () => {
  it('reads top-level numbers, string and array lengths', () => {
    expect(
      numericFeatures({ users: 10, ok: true, text: 'héllo 👋', series: [1, 2, 3], nested: { a: 1 }, n: null }),
    ).toEqual({ users: 10, text_length: 7, series_length: 3 });
    expect(numericFeatures(3)).toEqual({ value: 3 });
    expect(numericFeatures(Number.NaN)).toEqual({});
    expect(numericFeatures([1, 2])).toEqual({});
  });

  it('reads a label, a number, or the first numeric field by name', () => {
    expect(predictionOf({ label: 'POSITIVE', score: 0.8 })).toEqual({ kind: 'categorical', value: 'POSITIVE' });
    expect(predictionOf('NEUTRAL')).toEqual({ kind: 'categorical', value: 'NEUTRAL' });
    expect(predictionOf(2.5)).toEqual({ kind: 'numeric', value: 2.5 });
    expect(predictionOf({ throughput: 9, cpu: 0.4 })).toEqual({ kind: 'numeric', value: 0.4 });
    expect(predictionOf({ quantiles: [1, 2] })).toBeUndefined();
    expect(predictionOf(null)).toBeUndefined();
  });
});
