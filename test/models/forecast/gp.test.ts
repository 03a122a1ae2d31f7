import { describe, expect, it } from 'vitest';
import { GaussianProcess } from '../../../src/models/forecast/index.js';
import { createNormal, createRandom } from '../../../src/models/forecast/random.js';
import { coverage, mae } from '../../../src/models/metrics/index.js';
import { trendSeasonAr } from './synthetic.js';

describe('Gaussian-process forecaster', () => {
  it('continues a season of any shape from the periodic kernel', () => {
    // A sawtooth season (not a sine) with a little white noise.
    const normal = createNormal(createRandom(4));
    const shape = (t: number) => 10 + ((t % 12) / 12) * 6;
    const y = Array.from({ length: 240 }, (_, t) => shape(t) + 0.1 * normal());
    const gp = new GaussianProcess();
    gp.fit(y, { season: 12 });
    const forecast = gp.forecast(24);
    const truth = Array.from({ length: 24 }, (_, h) => shape(240 + h));
    expect(mae(truth, forecast.mean)).toBeLessThan(0.3);
  });

  // 40 fits; the timeout allows for a loaded machine.
  it('gives 80% intervals that cover about 80% of simulated futures (calibrated)', { timeout: 120_000 }, () => {
    let inside = 0;
    let total = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const y = trendSeasonAr(24 * 10, 500 + seed);
      const gp = new GaussianProcess();
      gp.fit(y.slice(0, 216), { season: 24 });
      const forecast = gp.forecast(24);
      const future = y.slice(216);
      inside += coverage(future, forecast.quantiles[0]!, forecast.quantiles[8]!) * future.length;
      total += future.length;
    }
    expect(inside / total).toBeGreaterThan(0.72);
    expect(inside / total).toBeLessThan(0.88);
  });

  it('widens its intervals with the horizon when the series has short-lived departures', () => {
    const gp = new GaussianProcess();
    gp.fit(trendSeasonAr(24 * 8, 3), { season: 24 });
    const forecast = gp.forecast(24);
    const width = (h: number) => forecast.quantiles[8]![h]! - forecast.quantiles[0]![h]!;
    expect(width(23)).toBeGreaterThan(width(0));
    for (let j = 1; j < 9; j++) expect(forecast.quantiles[j]![5]!).toBeGreaterThan(forecast.quantiles[j - 1]![5]!);
  });

  it('forecasts without a season and a constant window flat', () => {
    const gp = new GaussianProcess();
    gp.fit(
      Array.from({ length: 60 }, (_, t) => Math.sin(t / 5)),
      { season: 1 },
    );
    expect(gp.forecast(10).mean.every(Number.isFinite)).toBe(true);
    expect(gp.hyperparameters?.periodicAmplitude).toBe(1);
    const flat = new GaussianProcess();
    flat.fit(new Array(30).fill(2), { season: 7 });
    const forecast = flat.forecast(3);
    expect(forecast.mean).toEqual([2, 2, 2]);
    expect(forecast.quantiles[0]).toEqual([2, 2, 2]);
  });

  it('falls back to seasonal naive below 5 points and rejects non-finite values', () => {
    const gp = new GaussianProcess();
    gp.fit([1, 2, 3], { season: 1 });
    expect(gp.forecast(2).mean).toEqual([3, 3]);
    expect(gp.toJSON()).toMatchObject({ model: 'naive', fallbackFrom: 'gp' });
    expect(() => gp.fit([1, Number.NaN, 3, 4, 5, 6])).toThrow(/index 1 is not finite/);
    expect(() => new GaussianProcess().forecast(1)).toThrow(/before fit/);
  });

  it('rebuilds from its JSON parameters with identical forecasts', () => {
    const gp = new GaussianProcess();
    gp.fit(trendSeasonAr(24 * 6, 9), { season: 24 });
    const copy = GaussianProcess.fromJSON(JSON.parse(JSON.stringify(gp.toJSON())));
    expect(copy.forecast(24)).toEqual(gp.forecast(24));
    expect(() => GaussianProcess.fromJSON({ ...gp.toJSON(), hyper: { noise: 1 } })).toThrow(/hyper.periodicAmplitude/);
  });
});
