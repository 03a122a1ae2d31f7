import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkQueue, type WorkQueue } from '../../../src/core/queue/index.js';
import {
  createSampler,
  MemoryStudy,
  poisson,
  Rng,
  runCalibration,
  runSeir,
  SEIR_TRUTH,
  samplerSpec,
  seirExample,
} from '../../../src/tune/index.js';

describe('the stochastic SEIR model (facts §5)', () => {
  it('peaks near 3,100 infectious with an attack rate of about 0.99 at β 0.5, σ 0.2, γ 0.1, N 10,000', () => {
    for (const seed of [1n, 2n, 3n, 4n]) {
      const run = runSeir(
        { beta: 0.5, sigma: 0.2, gamma: 0.1, population: 10_000, initialInfectious: 10, days: 100 },
        seed,
      );
      const peak = Math.max(...run.prevalence);
      const attack = run.incidence.reduce((s, x) => s + x, 0) / 10_000;
      expect(peak).toBeGreaterThan(2_900);
      expect(peak).toBeLessThan(3_300);
      expect(attack).toBeGreaterThan(0.98);
      expect(attack).toBeLessThan(1);
    }
  });

  it('replays a replicate exactly from its seed, and differs between seeds', () => {
    const p = { beta: 0.5, sigma: 0.2, gamma: 0.1, population: 10_000, initialInfectious: 10, days: 30 };
    expect(runSeir(p, 7n)).toEqual(runSeir(p, 7n));
    expect(runSeir(p, 7n).incidence).not.toEqual(runSeir(p, 8n).incidence);
  });

  it('draws Poisson variates with the right mean and variance, small and large', () => {
    const rng = new Rng(3);
    for (const mean of [0.3, 4, 25, 2_000]) {
      const n = 20_000;
      let sum = 0;
      let squares = 0;
      for (let i = 0; i < n; i++) {
        const x = poisson(rng, mean);
        sum += x;
        squares += x * x;
      }
      const m = sum / n;
      const v = squares / n - m * m;
      // Standard errors: √(λ/n) for the mean; the variance estimate is within ~5% at n = 20,000.
      expect(Math.abs(m - mean)).toBeLessThan(4 * Math.sqrt(mean / n));
      expect(v / mean).toBeGreaterThan(0.93);
      expect(v / mean).toBeLessThan(1.07);
    }
  });
});

describe('calibrating SEIR to data made with known rates', () => {
  let queue: WorkQueue;
  beforeAll(() => {
    queue = openWorkQueue({ concurrency: 2 });
  });
  afterAll(() => queue.close());

  // One ask at a time, so the study is the same whatever the workers' timing (CMA-ES generations
  // depend on which trials have finished when the next is asked).
  it('recovers β, σ and γ within 10% in 200 trials (8 replicates each), seeded', async () => {
    const example = seirExample();
    const errors: Record<string, number>[] = [];
    for (const seed of [1, 2]) {
      const study = new MemoryStudy({
        name: `seir-${seed}`,
        space: example.space,
        sampler: createSampler(samplerSpec('cmaes', seed, example.sampler.settings)),
      });
      const result = await runCalibration(
        study,
        queue,
        { module: example.module, targets: example.targets },
        // The replicate seeds `fleetcast calibrate --example seir --seed N` uses.
        { trials: 200, replicates: example.replicates, maxInFlight: 1, seedRun: `seed-${seed}` },
      );
      expect(result.summary).toMatchObject({ told: 200, completed: 200, failed: 0 });
      const best = result.best!.params;
      const error = Object.fromEntries(
        Object.entries(SEIR_TRUTH).map(([name, truth]) => [name, ((best[name] as number) - truth) / truth]),
      );
      errors.push(error);
      for (const e of Object.values(error)) expect(Math.abs(e)).toBeLessThan(0.1);
      // Each trial's loss is the sum of its three targets' losses, kept in its history.
      expect(result.history).toHaveLength(200);
    }
    console.log('SEIR relative errors per seed:', JSON.stringify(errors));
  }, 60_000);
});
