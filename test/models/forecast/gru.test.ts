import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../../src/models/backtest/index.js';
import { buildWindows, phaseProfile } from '../../../src/models/forecast/gru/features.js';
import {
  forecasterFromJSON,
  GruForecaster,
  type GruOptions,
  registerForecaster,
  SeasonalNaive,
} from '../../../src/models/forecast/index.js';
import { mase } from '../../../src/models/metrics/index.js';
import { trendSeasonAr } from './synthetic.js';

/** Small enough for a unit test; the 2×64 default is exercised by the gru-train benchmark. */
const SMALL: GruOptions = { hidden: 16, layers: 1, epochs: 40 };

registerForecaster(
  'gru-small',
  () => new GruForecaster({ hidden: 8, layers: 1, epochs: 8 }),
  (params) => GruForecaster.fromJSON(params),
);

describe('GRU forecaster', () => {
  // About 4 s of CPU: four fits of a 16-unit GRU on 672 points.
  it('beats seasonal naive on trend + daily season + autocorrelated noise', { timeout: 120_000 }, () => {
    const scores = { naive: [] as number[], gru: [] as number[] };
    let inside = 0;
    for (let k = 0; k < 4; k++) {
      const y = trendSeasonAr(24 * 28 + 24, 100 + k);
      const train = y.slice(0, -24);
      const test = y.slice(-24);
      const naive = new SeasonalNaive();
      naive.fit(train, { season: 24 });
      const gru = new GruForecaster(SMALL);
      gru.fit(train, { season: 24 });
      expect(gru.fallbackReason).toBeUndefined();
      const forecast = gru.forecast(24);
      scores.naive.push(mase(test, naive.forecast(24).mean, train, 24));
      scores.gru.push(mase(test, forecast.mean, train, 24));
      test.forEach((v, h) => {
        if (v >= forecast.quantiles[0]![h]! && v <= forecast.quantiles[8]![h]!) inside++;
      });
    }
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    // Measured: GRU 0.61, seasonal naive 1.06 (ETS 0.85 on the same series).
    expect(mean(scores.gru)).toBeLessThan(0.8 * mean(scores.naive));
    // 96 correlated points: a loose check that the validation-residual band is about 80%.
    expect(inside / 96).toBeGreaterThan(0.5);
    expect(inside / 96).toBeLessThan(0.99);
  });

  it('gives ordered, finite quantiles and reloads from JSON to identical forecasts', () => {
    const y = trendSeasonAr(24 * 12, 3);
    const model = new GruForecaster({ hidden: 8, layers: 2, epochs: 5 });
    model.fit(y, { season: 24 });
    const forecast = model.forecast(60);
    for (let h = 0; h < 60; h++) {
      const column = forecast.quantiles.map((q) => q[h]!);
      expect(column.every(Number.isFinite)).toBe(true);
      for (let j = 1; j < column.length; j++) expect(column[j]!).toBeGreaterThanOrEqual(column[j - 1]!);
    }
    const json = JSON.parse(JSON.stringify(model.toJSON()));
    expect(json).toMatchObject({ model: 'gru', season: 24, hidden: 8, layers: 2 });
    expect(forecasterFromJSON(json).forecast(60)).toEqual(forecast);
    expect(() => forecasterFromJSON({ ...json, weights: 'AAAAAA==' })).toThrow(/parameters given/);
    expect(() => forecasterFromJSON({ ...json, weights: 'AAAA' })).toThrow(/float32/);
    expect(() => forecasterFromJSON({ ...json, tail: [1, 2] })).toThrow(/tail/);
  });

  it('falls back to seasonal naive for a short or constant series, and says why', () => {
    const short = new GruForecaster(SMALL);
    short.fit(trendSeasonAr(60, 1), { season: 12 });
    expect(short.fallbackReason).toMatch(/too few/);
    expect(short.toJSON()).toMatchObject({ model: 'naive', fallbackFrom: 'gru' });
    const flat = new GruForecaster(SMALL);
    flat.fit(new Array(400).fill(7), { season: 24 });
    expect(flat.fallbackReason).toMatch(/constant/);
    expect(flat.forecast(3).mean).toEqual([7, 7, 7]);
  });

  it('never returns a non-finite forecast on awkward series long enough to train on', () => {
    const normal = (t: number) => Math.sin(t * 12.9898) * 0.5;
    const shapes: Record<string, (t: number) => number> = {
      tiny: (t) => 1e-9 * (5 + Math.sin(t) + normal(t)),
      huge: (t) => 1e12 * (5 + Math.sin(t) + normal(t)),
      'level shift': (t) => (t < 60 ? 1 : 1000) + normal(t),
      'late spike': (t) => (t === 117 ? 1e6 : 10 + normal(t)),
      counts: (t) => Math.round(Math.abs(normal(t)) * 4),
    };
    for (const [name, shape] of Object.entries(shapes)) {
      for (const season of [1, 12]) {
        const model = new GruForecaster({ hidden: 4, layers: 2, epochs: 3 });
        model.fit(
          Array.from({ length: 120 }, (_, t) => shape(t)),
          { season },
        );
        const forecast = model.forecast(30);
        expect(
          [...forecast.mean, ...forecast.quantiles.flat()].every(Number.isFinite),
          `${name}, season ${season}`,
        ).toBe(true);
      }
    }
  });

  it('builds training windows inside one split and one gap-free segment only', () => {
    const d = Array.from({ length: 100 }, (_, t) => t);
    const spec = { season: 1, window: 8, burnIn: 3 };
    const segments = [
      { start: 0, end: 40 },
      { start: 55, end: 100 },
    ];
    const set = buildWindows(d, spec, segments, 0, 80, 2, 1000);
    // Inputs are d[t − 1] (= t − 1 here), targets d[t]: every index a window touches is in a segment
    // and before the split at 80.
    for (let w = 0; w < set.count; w++) {
      const inputs = Array.from(set.x.subarray(w * 8, w * 8 + 8));
      const touched = [...inputs, ...Array.from(set.y.subarray(w * 5, w * 5 + 5))];
      const lo = Math.min(...touched);
      const hi = Math.max(...touched);
      expect(hi).toBeLessThan(80);
      expect(segments.some((s) => lo >= s.start && hi < s.end)).toBe(true);
      // Targets are the last 5 steps: inputs shifted by one.
      expect(set.y[w * 5]).toBe(inputs[3]! + 1);
    }
    expect(set.count).toBeGreaterThan(10);
    expect(phaseProfile([1, 3, 1, 3, 1, 3], 2, 6)).toEqual([-1, 1]);
  });

  it('takes part in backtests and in auto selection', { timeout: 120_000 }, () => {
    const values = trendSeasonAr(24 * 12, 9);
    const report = runBacktest([{ id: 's', values }], {
      horizon: 24,
      folds: 1,
      season: 24,
      models: ['gru-small', 'auto'],
      autoCandidates: ['naive', 'gru-small'],
      innerFolds: 1,
    });
    const gru = report.models.find((m) => m.model === 'gru-small')!;
    expect(Number.isFinite(gru.mean.mase!)).toBe(true);
    expect(['naive', 'gru']).toContain(report.series[0]!.autoChoices![0]);
  });
});
