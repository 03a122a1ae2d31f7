import { describe, expect, it } from 'vitest';
import { ANOMALY_TYPES, anomalyLabel, IDLE_CPU_PCT, IDLE_NETWORK_MBPS } from '../../src/simulate/index.js';
import { collect, mean } from './series-helpers.js';

describe('labelled anomalies', () => {
  const resources = collect({ fleet: 40, days: 10, interval: '5m', seed: 13, anomalyRate: 0.5 });
  const windows = resources.flatMap((r) => r.summary.plan.anomalies.map((w) => ({ r, w })));

  it('injects every kind of anomaly at a high rate', () => {
    const kinds = new Set(windows.map(({ w }) => w.type));
    expect([...kinds].sort()).toEqual([...ANOMALY_TYPES].sort());
  });

  it('labels exactly the samples inside an anomaly window, with that window type', () => {
    let labelled = 0;
    let wrong = 0;
    for (const r of resources) {
      r.timestampMs.forEach((t, i) => {
        const window = r.summary.plan.anomalies.find((w) => t >= w.startMs && t < w.endMs);
        const code = r.anomaly[i] ?? 0;
        if (code !== (window ? window.code : 0)) wrong++;
        if (window) {
          if (anomalyLabel(code) !== window.type) wrong++;
          labelled++;
        }
      });
      expect(r.summary.anomalyRows).toBe(r.anomaly.filter((c) => c > 0).length);
    }
    expect(wrong).toBe(0);
    expect(labelled).toBeGreaterThan(1000);
  });

  it('keeps windows of one resource apart, so each labelled sample has one cause', () => {
    for (const r of resources) {
      const ws = r.summary.plan.anomalies;
      for (let i = 1; i < ws.length; i++) expect(ws[i]?.startMs).toBeGreaterThanOrEqual(ws[i - 1]?.endMs ?? 0);
    }
  });

  it('changes the samples the way each anomaly kind should', () => {
    const inside = (type: string, pick: (r: (typeof resources)[number], i: number) => number): number[] =>
      windows
        .filter(({ w }) => w.type === type)
        .flatMap(({ r, w }) => r.timestampMs.flatMap((t, i) => (t >= w.startMs && t < w.endMs ? [pick(r, i)] : [])));
    expect(Math.min(...inside('cpu_spike', (r, i) => r.cpu[i] ?? 0))).toBeGreaterThanOrEqual(80);
    expect(Math.min(...inside('scaling_failure', (r, i) => r.cpu[i] ?? 0))).toBeGreaterThanOrEqual(90);
    expect(mean(inside('idle_waste', (r, i) => r.isIdle[i] ?? 0))).toBe(1);
    // A leak ends near its level: the last labelled sample of each leak is within a few points.
    for (const { r, w } of windows.filter(({ w }) => w.type === 'memory_leak')) {
      const last = r.timestampMs.findLastIndex((t) => t >= w.startMs && t < w.endMs);
      if (last < 0 || w.endMs - w.startMs < 6 * 3_600_000) continue;
      expect(r.memory[last] ?? 0).toBeGreaterThan(w.magnitude - 8);
    }
  });

  it('recomputes the idle flag from the final values, after injection', () => {
    let wrong = 0;
    let idleSamples = 0;
    for (const r of resources) {
      r.cpu.forEach((cpu, i) => {
        const idle = cpu < IDLE_CPU_PCT && (r.networkIn[i] ?? 0) + (r.networkOut[i] ?? 0) < IDLE_NETWORK_MBPS;
        if (r.isIdle[i] !== (idle ? 1 : 0)) wrong++;
        if (idle) idleSamples++;
      });
    }
    expect(wrong).toBe(0);
    expect(idleSamples).toBeGreaterThan(0);
  });

  it('does not change the underlying series when anomalies are switched off', () => {
    const without = collect({ fleet: 40, days: 10, interval: '5m', seed: 13, anomalyRate: 0 });
    let differing = 0;
    let compared = 0;
    without.forEach((r, k) => {
      const other = resources[k];
      expect(r.summary.plan.id).toBe(other?.summary.plan.id);
      r.cpu.forEach((cpu, i) => {
        if ((other?.anomaly[i] ?? 0) !== 0) return;
        compared++;
        if (cpu !== other?.cpu[i] || r.memory[i] !== other?.memory[i]) differing++;
      });
    });
    expect(compared).toBeGreaterThan(50_000);
    expect(differing).toBe(0);
  });
});
