import { describe, expect, it } from 'vitest';
import {
  calibrateWorkload,
  seriesStats,
  simulateWorkload,
  WORKLOAD_TRUTH,
  workloadArchetype,
  workloadObserved,
} from '../../../src/tune/index.js';

describe('the workload simulator as a simulation model', () => {
  it('applies the calibrated parameters to the archetype and keeps the rest', () => {
    const a = workloadArchetype({ archetype: 'web', cpu_level: 30, bursts_per_day: 7, noise_sigma: 0.1 });
    expect(a.key).toBe('web');
    expect(a.cpu.median).toBe(30);
    expect(a.bursts.perDay).toBe(7);
    expect(a.noise.sigma[0]).toBe(0.1);
    expect(a.daily.peakHour).toBe(14);
    expect(() => workloadArchetype({ archetype: 'mainframe' })).toThrow(/no archetype "mainframe"/);
  });

  it('moves the statistics the way its parameters say: level, daily amplitude, bursts', () => {
    const stats = (params: Record<string, number | string>) => {
      const s = simulateWorkload({ days: 14, ...params }, 9n);
      return seriesStats(Array.from(s.timestamp), Array.from(s.cpu), ['mean', 'daily_amplitude', 'burst_fraction']);
    };
    const base = stats({ cpu_level: 20, daily_amplitude: 0.3, bursts_per_day: 2 });
    expect(base[0]).toBeGreaterThan(16);
    expect(base[0]).toBeLessThan(24);
    expect(stats({ cpu_level: 40, daily_amplitude: 0.3, bursts_per_day: 2 })[0]).toBeGreaterThan(1.6 * base[0]!);
    expect(stats({ cpu_level: 20, daily_amplitude: 0.7, bursts_per_day: 2 })[1]).toBeGreaterThan(base[1]! + 0.2);
    expect(stats({ cpu_level: 20, daily_amplitude: 0.3, bursts_per_day: 20 })[2]).toBeGreaterThan(3 * base[2]!);
  });
});

describe('calibrateWorkload', () => {
  it('fits level, daily amplitude and burst rate so the simulated statistics match the observed series', async () => {
    const observed = workloadObserved();
    const result = await calibrateWorkload(observed, { trials: 48, replicates: 2, seed: 3 });
    expect(result.trials).toBe(48);
    expect(Object.keys(result.fitted).sort()).toEqual(['bursts_per_day', 'cpu_level', 'daily_amplitude']);
    expect(result.params).toMatchObject({ archetype: 'web', interval_minutes: 5, start: observed.timestamps[0] });
    // The level is well identified; the statistics it reproduces are close to the observed ones.
    expect(Math.abs(result.fitted.cpu_level! / WORKLOAD_TRUTH.cpu_level - 1)).toBeLessThan(0.15);
    expect(Math.abs(result.simulated.mean! / result.observed.mean! - 1)).toBeLessThan(0.1);
    // Peaks and the daily cycle are noisier statistics of 14 days (and trade off against bursts).
    expect(Math.abs(result.simulated.p99! / result.observed.p99! - 1)).toBeLessThan(0.25);
    expect(Math.abs(result.simulated.daily_amplitude! - result.observed.daily_amplitude!)).toBeLessThan(0.15);
    console.log(
      'calibrateWorkload:',
      JSON.stringify({
        fitted: result.fitted,
        truth: WORKLOAD_TRUTH,
        observed: result.observed,
        simulated: result.simulated,
        seconds: result.seconds,
      }),
    );
  }, 60_000);

  it('refuses series it cannot fit, saying why', async () => {
    await expect(calibrateWorkload({ timestamps: [1, 2], values: [1] })).rejects.toThrow(/2 timestamps for 1 values/);
    await expect(calibrateWorkload({ timestamps: [0, 1], values: [1, 2] })).rejects.toThrow(/too short/);
    const day = workloadObserved();
    await expect(calibrateWorkload(day, { params: ['cpu_level', 'colour'] })).rejects.toThrow(
      /"colour" is not a workload parameter/,
    );
  });
});
