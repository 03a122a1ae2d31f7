import { describe, expect, it } from 'vitest';
import { cholesky } from '../../src/simulate/generator/cholesky.js';
import { ARCHETYPES, METRICS } from '../../src/simulate/index.js';
import { collect, lag1, mean, pearson } from './series-helpers.js';

describe('workload archetypes', () => {
  it('offers at least twelve archetypes with distinct keys and documented parameters', () => {
    expect(ARCHETYPES.length).toBeGreaterThanOrEqual(12);
    expect(new Set(ARCHETYPES.map((a) => a.key)).size).toBe(ARCHETYPES.length);
    for (const a of ARCHETYPES) {
      expect(a.description.length).toBeGreaterThan(20);
      expect(a.bursts.max).toBeGreaterThanOrEqual(a.bursts.min);
      expect(a.bursts.maxMinutes).toBeGreaterThanOrEqual(a.bursts.meanMinutes);
      expect(a.noise.phi).toBeGreaterThanOrEqual(0);
      expect(a.noise.phi).toBeLessThan(1);
    }
  });

  it('has a valid (symmetric, positive definite) correlation matrix per archetype', () => {
    for (const a of ARCHETYPES) {
      expect(a.correlation.length).toBe(METRICS.length);
      for (let i = 0; i < 5; i++) {
        for (let j = 0; j < 5; j++) expect(a.correlation[i]?.[j]).toBe(a.correlation[j]?.[i]);
      }
      expect(() => cholesky(a.correlation)).not.toThrow();
    }
  });
});

describe('generated series per archetype', () => {
  const byArchetype = new Map(
    ARCHETYPES.map((a) => [
      a.key,
      collect({ fleet: 10, days: 7, interval: '5m', seed: 21, mix: { [a.key]: 100 }, anomalyRate: 0 }),
    ]),
  );

  it('gives each archetype its documented lag-1 autocorrelation, spanning ≈0 to ≈0.99 across archetypes', () => {
    const measured = ARCHETYPES.map((a) => {
      const resources = byArchetype.get(a.key) ?? [];
      const value = mean(resources.map((r) => lag1(r.cpu)));
      expect(Math.abs(value - a.expectedLag1), `${a.key}: ${value}`).toBeLessThan(0.1);
      return value;
    });
    expect(Math.min(...measured)).toBeLessThan(0.1);
    expect(Math.max(...measured)).toBeGreaterThan(0.98);
  });

  it('couples the metrics with the signs of each archetype correlation matrix', () => {
    const logs = (xs: number[], floor: number): number[] => xs.map((x) => Math.log(x + floor));
    const diff = (xs: number[]): number[] => xs.slice(1).map((x, i) => x - (xs[i] ?? 0));
    let checked = 0;
    for (const a of ARCHETYPES) {
      const resources = byArchetype.get(a.key) ?? [];
      // Idle periods move every metric together; the innovations' couplings show outside them.
      const series = resources.map((r) => {
        const keep = r.isIdle.map((idle) => idle === 0);
        const pick = (xs: number[]): number[] => xs.filter((_, i) => keep[i]);
        return [
          diff(logs(pick(r.cpu), 0.5)),
          diff(logs(pick(r.memory), 0)),
          diff(logs(pick(r.networkIn), 0.01)),
          diff(logs(pick(r.networkOut), 0.01)),
          diff(logs(pick(r.diskIops), 0.1)),
        ];
      });
      for (let i = 0; i < 5; i++) {
        for (let j = i + 1; j < 5; j++) {
          const rho = a.correlation[i]?.[j] ?? 0;
          if (Math.abs(rho) < 0.4) continue;
          const r = mean(series.map((s) => pearson(s[i] ?? [], s[j] ?? [])));
          expect(Math.sign(r), `${a.key} ${METRICS[i]}/${METRICS[j]}: ${r}`).toBe(Math.sign(rho));
          expect(Math.abs(r)).toBeGreaterThan(0.2);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('keeps idle samples in contiguous periods, not scattered one by one', () => {
    for (const key of ['dev', 'ci', 'ml-training', 'gpu-training']) {
      const runs: number[] = [];
      for (const r of byArchetype.get(key) ?? []) {
        let run = 0;
        for (const idle of [...r.isIdle, 0]) {
          if (idle) run++;
          else if (run > 0) {
            runs.push(run);
            run = 0;
          }
        }
      }
      expect(runs.length, key).toBeGreaterThan(0);
      // Mean idle run of at least half an hour at a 5-minute step.
      expect(mean(runs), key).toBeGreaterThan(6);
    }
  });

  it('spreads resource means smoothly instead of splitting them into busy and quiet groups', () => {
    const resources = collect({ fleet: 200, days: 2, interval: '30m', seed: 4, mix: { web: 100 }, anomalyRate: 0 });
    const means = resources.map((r) => mean(r.cpu)).sort((x, y) => x - y);
    // Unimodal and right-skewed like a log-normal: the middle half is not empty.
    const quartile = (q: number): number => means[Math.floor(q * (means.length - 1))] ?? 0;
    const inMiddle = means.filter((m) => m >= quartile(0.25) && m <= quartile(0.75)).length;
    expect(inMiddle).toBeGreaterThanOrEqual(99);
    expect(quartile(0.75) - quartile(0.5)).toBeGreaterThan(quartile(0.5) - quartile(0.25));
    expect(quartile(0.75) / quartile(0.25)).toBeLessThan(3);
  });
});

describe('bursts', () => {
  it('start at each archetype rate, never last longer than the cap, and never exceed the amplitude cap', () => {
    const days = 30;
    for (const a of ARCHETYPES) {
      const resources = collect({ fleet: 20, days, interval: '1h', seed: 8, mix: { [a.key]: 100 }, anomalyRate: 0 });
      const started = resources.reduce((n, r) => n + r.summary.events.burstsStarted, 0);
      const meanMinutes = a.bursts.meanMinutes * (1 - Math.exp(-a.bursts.maxMinutes / a.bursts.meanMinutes));
      // A renewal process: one burst per (mean gap + mean capped length).
      const expected = (resources.length * days) / (1 / a.bursts.perDay + meanMinutes / 1440);
      expect(Math.abs(started - expected), `${a.key}: ${started} vs ${expected}`).toBeLessThan(
        4 * Math.sqrt(expected) + 2,
      );
      for (const r of resources) {
        expect(r.summary.events.longestBurstMs).toBeLessThanOrEqual(a.bursts.maxMinutes * 60_000);
        expect(r.summary.events.longestIdleMs).toBeLessThanOrEqual(a.idle.maxHours * 3_600_000);
        expect(Math.max(...r.cpu)).toBeLessThanOrEqual(100);
      }
    }
  });
});
