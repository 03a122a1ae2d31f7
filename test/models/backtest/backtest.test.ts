import { describe, expect, it } from 'vitest';
import { AutoForecaster, rollingFolds, runBacktest } from '../../../src/models/backtest/index.js';
import {
  Ets,
  type Forecaster,
  type ForecasterParams,
  GaussianProcess,
  registerForecaster,
  SeasonalNaive,
} from '../../../src/models/forecast/index.js';
import { trendSeasonAr } from '../forecast/synthetic.js';

/** A forecaster that records what it was fitted on (a seasonal naive underneath). */
const seen: number[][] = [];
class Spy implements Forecaster {
  readonly name = 'spy';
  private inner = new SeasonalNaive();
  fit(series: readonly number[], options?: { season?: number }) {
    seen.push(series.slice());
    this.inner.fit(series, options);
  }
  forecast(horizon: number) {
    return this.inner.forecast(horizon);
  }
  toJSON(): ForecasterParams {
    return this.inner.toJSON();
  }
}
registerForecaster(
  'spy',
  () => new Spy(),
  () => new Spy(),
);

describe('backtest', () => {
  it('places K back-to-back folds of H steps at the end of the series', () => {
    expect(rollingFolds(100, 10, 3)).toEqual([
      { origin: 70, end: 80 },
      { origin: 80, end: 90 },
      { origin: 90, end: 100 },
    ]);
  });

  it('never shows a model the window it is scored on', () => {
    seen.length = 0;
    const values = trendSeasonAr(24 * 12, 1);
    runBacktest([{ id: 's', values }], { horizon: 24, folds: 3, season: 24, models: ['spy'] });
    expect(seen.map((s) => s.length)).toEqual([216, 240, 264]);
    for (const s of seen) expect(s).toEqual(values.slice(0, s.length));
  });

  it('auto chooses on inner folds of the training part only', () => {
    seen.length = 0;
    const values = trendSeasonAr(24 * 12, 2);
    runBacktest([{ id: 's', values }], {
      horizon: 24,
      folds: 2,
      season: 24,
      models: ['auto'],
      autoCandidates: ['spy'],
      innerFolds: 2,
    });
    // Per outer fold (origins 240 and 264): inner fits at origin − 48 and origin − 24, then the refit.
    expect(seen.map((s) => s.length)).toEqual([192, 216, 240, 216, 240, 264]);
  });

  it('is not moved by a poisoned future', () => {
    const values = trendSeasonAr(24 * 12, 3);
    const origin = values.length - 24;
    // The evaluated window holds absurd values; a model that saw them would forecast near 1e9.
    const poisoned = values.slice();
    for (let t = origin; t < values.length; t++) poisoned[t] = 1e9;
    const candidates = ['naive', 'ets', 'gp'];
    const options = { horizon: 24, folds: 1, season: 24, models: ['auto', 'ets', 'gp'], autoCandidates: candidates };
    const clean = runBacktest([{ id: 's', values }], options);
    const dirty = runBacktest([{ id: 's', values: poisoned }], options);
    const fits: Record<string, Forecaster> = {
      naive: new SeasonalNaive(),
      ets: new Ets(),
      gp: new GaussianProcess(),
      auto: new AutoForecaster({ candidates, horizon: 24 }),
    };
    for (const [model, forecaster] of Object.entries(fits)) {
      forecaster.fit(values.slice(0, origin), { season: 24 });
      const meanForecast = forecaster.forecast(24).mean.reduce((a, b) => a + b, 0) / 24;
      const after = dirty.series[0]!.scores[model]!;
      const before = clean.series[0]!.scores[model]!;
      // Every forecast lies below 1e9, so the poisoned MAE is 1e9 minus the mean forecast: the same
      // forecasts as a model fitted on the clean training part alone.
      expect(1e9 - after.mae!, model).toBeCloseTo(meanForecast, 4);
      // The MASE scale comes from the training part, which the poison does not touch.
      expect(after.mase! / after.mae!, model).toBeCloseTo(before.mase! / before.mae!, 12);
    }
  });

  // About 6 s of CPU (72 GP and ETS fits in the inner folds); the timeout allows for a loaded machine.
  it('auto beats seasonal naive on trend + daily season + AR noise', { timeout: 180_000 }, () => {
    const series = Array.from({ length: 6 }, (_, k) => ({ id: `s${k}`, values: trendSeasonAr(24 * 28, 100 + k) }));
    const report = runBacktest(series, {
      horizon: 24,
      folds: 3,
      season: 24,
      models: ['auto'],
      autoCandidates: ['naive', 'ets', 'gp'],
    });
    const auto = report.models.find((m) => m.model === 'auto')!;
    expect(auto.relativeSeries).toBe(6);
    expect(auto.relativeMase!).toBeLessThan(0.9);
    expect(auto.relativeWql!).toBeLessThan(0.9);
    const naive = report.models.find((m) => m.model === 'naive')!;
    expect(naive.relativeMase).toBeCloseTo(1, 12);
    for (const s of report.series) expect(s.autoChoices).toHaveLength(3);
  });

  it('reports every metric per model and per series', () => {
    const report = runBacktest([{ id: 'a', values: trendSeasonAr(24 * 10, 4) }], {
      horizon: 12,
      folds: 2,
      season: 24,
      models: ['naive', 'ets'],
    });
    expect(report.models.map((m) => m.model)).toEqual(['naive', 'ets']);
    for (const metric of ['mae', 'rmse', 'mape', 'smape', 'mase', 'wql', 'coverage80'] as const) {
      expect(Number.isFinite(report.series[0]!.scores.ets![metric]!), metric).toBe(true);
    }
    expect(report.series[0]!.scores.ets!.coverage80!).toBeGreaterThanOrEqual(0);
    expect(report.series[0]!.scores.ets!.coverage80!).toBeLessThanOrEqual(1);
  });

  it('skips a constant or too-short series with a reason, and fails when nothing is left', () => {
    const good = { id: 'good', values: trendSeasonAr(24 * 8, 5) };
    const report = runBacktest(
      [good, { id: 'flat', values: new Array(24 * 8).fill(3) }, { id: 'short', values: trendSeasonAr(60, 6) }],
      { horizon: 24, folds: 2, season: 24, models: ['naive'] },
    );
    expect(report.series.map((s) => s.id)).toEqual(['good']);
    expect(report.skipped).toEqual([
      { id: 'flat', reason: expect.stringMatching(/constant series/) },
      { id: 'short', reason: '60 rows, but 2 folds × horizon 24 plus 48 training rows (two seasons of 24) need 96' },
    ]);
    expect(() =>
      runBacktest([{ id: 'short', values: trendSeasonAr(60, 6) }], {
        horizon: 24,
        folds: 2,
        season: 24,
        models: ['ets'],
      }),
    ).toThrow(/no series can be backtested: series "short": 60 rows/);
  });

  it('rejects an unknown model, a bad horizon and an auto without candidates', () => {
    const values = trendSeasonAr(200, 7);
    expect(() => runBacktest([{ id: 's', values }], { horizon: 5, folds: 2, models: ['prophet'] })).toThrow(
      /unknown model "prophet"/,
    );
    expect(() => runBacktest([{ id: 's', values }], { horizon: 0, folds: 2, models: ['naive'] })).toThrow(
      /horizon 0 is not a positive integer/,
    );
    expect(() => new AutoForecaster({ candidates: [], horizon: 3 })).toThrow(/candidate/);
    expect(() => new AutoForecaster({ candidates: ['naive', 'arima'], horizon: 3 })).toThrow(
      /unknown forecaster "arima"/,
    );
    expect(() => new AutoForecaster({ candidates: ['naive'], horizon: 3 }).forecast(3)).toThrow(/before fit/);
  });

  it('auto saves as the forecaster it chose', () => {
    const auto = new AutoForecaster({ candidates: ['naive', 'ets'], horizon: 24 });
    auto.fit(trendSeasonAr(24 * 10, 8), { season: 24 });
    expect(['naive', 'ets']).toContain(auto.selected);
    expect(auto.toJSON()).toMatchObject({ model: auto.selected, selectedBy: 'auto' });
    expect(Object.keys(auto.innerScores).sort()).toEqual(['ets', 'naive']);
  });
});
