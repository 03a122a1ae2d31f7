import { describe, expect, it } from 'vitest';
import { Ets, parseSpec } from '../../../src/models/forecast/index.js';
import { createNormal, createRandom } from '../../../src/models/forecast/random.js';
import { coverage } from '../../../src/models/metrics/index.js';
import { additiveHoltWinters, multiplicativeSeasonal, sineSeason } from './synthetic.js';

const truth = {
  level: 100,
  trend: 0.2,
  seasonal: sineSeason(12, 10),
  alpha: 0.3,
  beta: 0.02,
  gamma: 0.15,
  sigma: 1,
};

describe('ETS', () => {
  it('recovers the smoothing parameters of Holt–Winters data', () => {
    const y = additiveHoltWinters(2000, truth, 11);
    const ets = new Ets({ spec: 'AAA' });
    ets.fit(y, { season: 12 });
    const fitted = ets.smoothing!;
    expect(fitted.alpha).toBeCloseTo(truth.alpha, 1);
    expect(Math.abs(fitted.beta - truth.beta)).toBeLessThan(0.015);
    expect(Math.abs(fitted.gamma - truth.gamma)).toBeLessThan(0.05);
  });

  it('selects an additive season for additive seasonal data', () => {
    // Values cross zero, so multiplicative models are not even candidates; with an offset they are.
    for (const offset of [0, 500]) {
      const y = additiveHoltWinters(600, { ...truth, level: truth.level + offset - 100, trend: 0, beta: 0 }, 5);
      const ets = new Ets();
      ets.fit(y, { season: 12 });
      expect(ets.selected).toMatch(/^ETS\(A,(N|A|Ad),A\)$/);
    }
  });

  it('selects a multiplicative season for multiplicative seasonal data', () => {
    const seasonal = sineSeason(12, 0.4).map((s) => 1 + s);
    const y = multiplicativeSeasonal(600, { level: 50, seasonal, alpha: 0.2, gamma: 0.05, sigma: 0.03 }, 9);
    const ets = new Ets();
    ets.fit(y, { season: 12 });
    expect(ets.selected).toMatch(/,M\)$/);
  });

  it('selects a multiplicative trend for exponential growth when allowed to', () => {
    const normal = createNormal(createRandom(3));
    const y = Array.from({ length: 300 }, (_, t) => 10 * 1.01 ** t * (1 + 0.01 * normal()));
    const ets = new Ets({ allowMultiplicativeTrend: true });
    ets.fit(y);
    expect(ets.selected).toBe('ETS(M,M,N)');
    const [first, second] = ets.forecast(2).mean;
    expect(second! / first!).toBeCloseTo(1.01, 3);
    // Off by default (as in R's ets): the same data then gets an additive trend.
    const standard = new Ets();
    standard.fit(y);
    expect(standard.candidates.some((c) => c.model.includes(',M,'))).toBe(false);
  });

  // 80 fits; the timeout allows for a loaded machine.
  it('gives 80% intervals that cover about 80% of simulated futures', { timeout: 120_000 }, () => {
    for (const spec of ['additive', 'multiplicative'] as const) {
      let inside = 0;
      let total = 0;
      for (let seed = 1; seed <= 40; seed++) {
        const y =
          spec === 'additive'
            ? additiveHoltWinters(252, { ...truth, trend: 0, beta: 0 }, seed)
            : multiplicativeSeasonal(
                252,
                { level: 50, seasonal: sineSeason(12, 0.3).map((s) => 1 + s), alpha: 0.2, gamma: 0.05, sigma: 0.05 },
                seed,
              );
        const ets = new Ets();
        ets.fit(y.slice(0, 240), { season: 12 });
        const forecast = ets.forecast(12);
        const future = y.slice(240);
        inside += coverage(future, forecast.quantiles[0]!, forecast.quantiles[8]!) * future.length;
        total += future.length;
      }
      // 480 correlated points: a binomial 3-sigma band is ±0.055; allow a little more for model error.
      expect(inside / total, spec).toBeGreaterThan(0.72);
      expect(inside / total, spec).toBeLessThan(0.88);
    }
  });

  it('gives quantiles in increasing order around the point forecast', () => {
    const y = additiveHoltWinters(300, truth, 3);
    const ets = new Ets();
    ets.fit(y, { season: 12 });
    const forecast = ets.forecast(24);
    for (let h = 0; h < 24; h++) {
      for (let j = 1; j < 9; j++)
        expect(forecast.quantiles[j]![h]!).toBeGreaterThanOrEqual(forecast.quantiles[j - 1]![h]!);
      expect(forecast.quantiles[0]![h]!).toBeLessThan(forecast.mean[h]!);
      expect(forecast.quantiles[8]![h]!).toBeGreaterThan(forecast.mean[h]!);
    }
  });

  it('forecasts a constant series flat with zero-width intervals', () => {
    const ets = new Ets();
    ets.fit(new Array(50).fill(7), { season: 12 });
    const forecast = ets.forecast(5);
    expect(forecast.mean).toEqual([7, 7, 7, 7, 7]);
    for (const q of forecast.quantiles) expect(q).toEqual([7, 7, 7, 7, 7]);
    expect(ets.toJSON().note).toMatch(/constant/);
  });

  it('fits without a season when the series is shorter than two seasons', () => {
    const y = additiveHoltWinters(30, truth, 4);
    const ets = new Ets();
    ets.fit(y, { season: 24 });
    expect(ets.selected).toMatch(/,N\)$/);
    expect(ets.forecast(24).mean.every(Number.isFinite)).toBe(true);
  });

  it('falls back to seasonal naive for a series too short for any ETS model', () => {
    const ets = new Ets();
    ets.fit([1, 2, 3], { season: 1 });
    expect(ets.selected).toBe('naive');
    expect(ets.forecast(2).mean).toEqual([3, 3]);
    expect(ets.toJSON()).toMatchObject({ model: 'naive', fallbackFrom: 'ets' });
  });

  it('rejects NaN and infinite values, a bad season, a bad horizon and a malformed model name', () => {
    expect(() => new Ets().fit([1, 2, Number.NaN, 4])).toThrow(/index 2 is not finite/);
    expect(() => new Ets().fit([1, 2, Number.POSITIVE_INFINITY])).toThrow(/not finite/);
    expect(() => new Ets().fit([1, 2, 3, 4, 5, 6], { season: 0 })).toThrow(/season 0/);
    const ets = new Ets();
    expect(() => ets.forecast(3)).toThrow(/before fit/);
    ets.fit([1, 3, 2, 4, 3, 5, 4, 6, 5, 7]);
    expect(() => ets.forecast(0)).toThrow(/horizon 0/);
    expect(() => parseSpec('AXA')).toThrow(/not of the form/);
    expect(() => new Ets({ spec: 'AAA' }).fit([1, 2, 3, 4, 5, 6, 7], { season: 4 })).toThrow(/cannot be fitted/);
  });
});
