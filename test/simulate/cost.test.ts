import { describe, expect, it } from 'vitest';
import {
  cheapestFit,
  INSTANCE_TYPES,
  type InstanceType,
  recommend,
  resolveFleetSpec,
  simulateFleet,
  UsageStats,
} from '../../src/simulate/index.js';

function instance(name: string): InstanceType {
  const found = INSTANCE_TYPES.find((t) => t.name === name);
  if (!found) throw new Error(`no ${name}`);
  return found;
}

function usage(cpu: (i: number) => number, memory: (i: number) => number, n = 4032): UsageStats {
  const stats = new UsageStats();
  for (let i = 0; i < n; i++) stats.add(Date.UTC(2025, 0, 6) + i * 300_000, cpu(i), memory(i));
  return stats;
}

describe('instance catalogue', () => {
  it('lists general, compute, memory, burstable and GPU types with prices for AWS, Azure and GCP', () => {
    for (const provider of ['aws', 'azure', 'gcp']) {
      const types = INSTANCE_TYPES.filter((t) => t.provider === provider);
      expect(new Set(types.map((t) => t.family))).toEqual(
        new Set(['general', 'compute', 'memory', 'burstable', 'gpu']),
      );
      for (const t of types) {
        expect(t.vcpus).toBeGreaterThan(0);
        expect(t.memoryGiB).toBeGreaterThan(0);
        expect(t.hourlyUsd).toBeGreaterThan(0);
      }
    }
  });
});

describe('rightsizing and waste', () => {
  it('finds no waste when CPU peaks near capacity', () => {
    const stats = usage(
      (i) => (i % 100 === 0 ? 95 : 40),
      () => 60,
    );
    expect(recommend(stats, instance('m6i.2xlarge'), 'conservative').wastePct).toBe(0);
  });

  it('moves a lightly used instance to a smaller one and reports the saving as waste', () => {
    const stats = usage(
      (i) => 8 + (i % 10),
      () => 15,
    );
    const rec = recommend(stats, instance('m6i.4xlarge'), 'conservative');
    // P99.5 = 17% (the top of the 0.05-point bin) of 16 vCPUs + 20% → 3.3 vCPUs; memory 15% of 64 GiB + 20%.
    expect(rec.requirement.vcpus).toBeCloseTo(0.1705 * 16 * 1.2, 6);
    expect(rec.target.vcpus).toBeGreaterThanOrEqual(4);
    expect(rec.target.memoryGiB).toBeGreaterThanOrEqual(11.5);
    expect(rec.target.hourlyUsd).toBeLessThan(0.768 / 3);
    expect(rec.wastePct).toBeCloseTo((1 - rec.target.hourlyUsd / 0.768) * 100, 6);
  });

  it('sizes the conservative convention on P99.5 and the memory peak, the aggressive on P90', () => {
    // CPU at 10% except 1% of samples at 60%: P99.5 sees the peaks, P90 does not.
    const stats = usage(
      (i) => (i % 100 === 0 ? 60 : 10),
      () => 20,
    );
    const current = instance('c6i.4xlarge');
    const conservative = recommend(stats, current, 'conservative');
    const aggressive = recommend(stats, current, 'aggressive');
    expect(conservative.requirement.vcpus).toBeCloseTo(0.6 * 16 * 1.2, 0);
    expect(aggressive.requirement.vcpus).toBeCloseTo(0.1 * 16 * 1.15, 0);
    expect(aggressive.savingHourly).toBeGreaterThan(conservative.savingHourly);
  });

  it('keeps GPU workloads on GPU types and CPU workloads off them', () => {
    const need = { vcpus: 1, memoryGiB: 2, meanVcpus: 0.1 };
    expect(cheapestFit(instance('g5.4xlarge'), need).family).toBe('gpu');
    expect(cheapestFit(instance('m6i.4xlarge'), need).family).not.toBe('gpu');
  });

  it('uses a burstable type only when the mean demand fits its baseline', () => {
    expect(cheapestFit(instance('m6i.large'), { vcpus: 1, memoryGiB: 3, meanVcpus: 0.2 }).family).toBe('burstable');
    expect(cheapestFit(instance('m6i.large'), { vcpus: 1, memoryGiB: 3, meanVcpus: 0.9 }).family).not.toBe('burstable');
  });

  it('derives waste and the over-provisioned flag from simulated usage, aggressive never below conservative', () => {
    const spec = resolveFleetSpec({ fleet: 60, days: 3, interval: '10m', seed: 2 });
    let over = 0;
    for (const { summary } of simulateFleet(spec)) {
      expect(summary.aggressive.savingHourly).toBeGreaterThanOrEqual(summary.conservative.savingHourly);
      expect(summary.overprovisioned).toBe(summary.conservative.savingHourly > 0);
      expect(summary.conservative.target.provider).toBe(summary.plan.provider);
      if (summary.overprovisioned) over++;
    }
    expect(over).toBeGreaterThan(0);
    expect(over).toBeLessThan(60);
  });
});

describe('lookbacks of the two conventions', () => {
  const start = Date.UTC(2025, 0, 6);
  const end = start + 30 * 86_400_000;

  it('sizes the conservative convention on the last 14 days only', () => {
    // A saturated first fortnight, then a quiet one: Compute Optimizer looks at the quiet one.
    const stats = new UsageStats(end);
    for (let t = start; t < end; t += 300_000) {
      const old = t < end - 15 * 86_400_000;
      stats.add(t, old ? 95 : 10, old ? 90 : 20);
    }
    expect(stats.cpuQuantile(0.995)).toBeCloseTo(10.05, 6);
    expect(stats.memoryPeak).toBe(20);
    expect(stats.count).toBe(14 * 288);
  });

  it('weighs recent CPU more in the aggressive convention and takes memory peaks of the last 8 days', () => {
    const stats = new UsageStats(end);
    for (let t = start; t < end; t += 300_000) {
      // 80% CPU until two days before the end, then 5%; memory 60% until day 20, then 30%.
      stats.add(t, t < end - 2 * 86_400_000 ? 80 : 5, t < start + 20 * 86_400_000 ? 60 : 30);
    }
    // Two recent days hold 75% of the decayed weight, but not 90%.
    expect(stats.cpuDecayedQuantile(0.5)).toBeCloseTo(5.05, 6);
    expect(stats.cpuDecayedQuantile(0.9)).toBeCloseTo(80.05, 6);
    expect(stats.dailyPeakQuantile(0.9)).toBe(30);
  });
});
