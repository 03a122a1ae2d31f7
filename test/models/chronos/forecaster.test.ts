import { describe, expect, it } from 'vitest';
import { CHRONOS_RUN_BATCH, tinyChronosBoltForward, tinyChronosZ } from '../../../src/models/index.js';
import {
  atLevels,
  closedForm,
  expectClose,
  expectMonotone,
  LEVELS,
  series,
  tinyForecaster,
  window,
} from './helpers.js';

describe('the Chronos-Bolt forecaster on the tiny graph', () => {
  it('forecasts the closed form from the last context_length points, mean = the 0.5 quantile', async () => {
    const { forecaster, calls } = await tinyForecaster({ contextLength: 16, predictionLength: 4 });
    const history = series(40);
    const forecast = await forecaster.forecast(history, 4);
    const expected = tinyChronosBoltForward(history.slice(-16), { contextLength: 16, predictionLength: 4 });
    expectClose(forecast.quantiles, expected);
    expect(forecast.mean).toEqual(forecast.quantiles[4]);
    expect(calls).toEqual([1]);
    // A shorter horizon is the head of the same block.
    const short = await forecaster.forecast(history, 2);
    expectClose(
      short.quantiles,
      forecast.quantiles.map((row) => row.slice(0, 2)),
    );
  });

  it('left-pads a short history with NaN: the model sees only the points given', async () => {
    const { forecaster } = await tinyForecaster({ contextLength: 16, predictionLength: 4 });
    const history = [12, 15, 11, 18, 14];
    const forecast = await forecaster.forecast(history, 4);
    expectClose(forecast.quantiles, tinyChronosBoltForward(history, { predictionLength: 4 }));
    // Padding with zeros would have pulled the level towards 0: it is not what happened.
    const zeroPadded = tinyChronosBoltForward([...new Array(11).fill(0), ...history], { predictionLength: 4 });
    expect(Math.abs(forecast.mean[0]! - zeroPadded[4]![0]!)).toBeGreaterThan(1);
    // Padding it ourselves with NaN gives the same forecast.
    expect(await forecaster.forecast(window(history, 16), 4)).toEqual(forecast);
    // A single observed point: scale 0 → eps, the forecast is that point.
    const single = await forecaster.forecast([7], 4);
    for (const v of single.quantiles.flat()) expect(v).toBeCloseTo(7, 3);
  });

  it('treats NaN and ±Infinity as missing, and refuses a window with nothing observed', async () => {
    const { forecaster } = await tinyForecaster({ contextLength: 16, predictionLength: 4 });
    const history = series(30);
    const gappy = history.map((v, i) => (i % 5 === 2 ? Number.NaN : i % 7 === 3 ? Number.POSITIVE_INFINITY : v));
    const forecast = await forecaster.forecast(gappy, 4);
    expectClose(forecast.quantiles, tinyChronosBoltForward(window(gappy, 16), { predictionLength: 4 }));
    await expect(forecaster.forecast([Number.NaN, Number.NEGATIVE_INFINITY], 4)).rejects.toThrow(
      /series 0: no observed value in its 2 point\(s\)/,
    );
    // Observed points older than the context do not count: the model would not see them.
    const stale = [...series(10), ...new Array(16).fill(Number.NaN)];
    await expect(forecaster.forecast(stale, 4)).rejects.toThrow(/no observed value in its last 16 points/);
    await expect(forecaster.forecast([], 4)).rejects.toThrow(/no observed value/);
    await expect(forecaster.forecast([1, 4e38], 4)).rejects.toThrow(/exceeds float32/);
  });

  it('batches many series in one session.run and answers exactly as one by one', async () => {
    const { forecaster, calls } = await tinyForecaster({ contextLength: 16, predictionLength: 4 });
    const histories = [series(40, 1), series(5, 2), [3, Number.NaN, 9], series(16, 4), series(100, 5)];
    const horizons = [4, 3, 4, 1, 2];
    const together = await forecaster.forecastMany(histories.map((history, i) => ({ history, horizon: horizons[i]! })));
    expect(calls).toEqual([5]);
    for (const [i, history] of histories.entries()) {
      expect(await forecaster.forecast(history, horizons[i]!)).toEqual(together[i]);
    }
    // More series than one run takes are split into runs of CHRONOS_RUN_BATCH.
    calls.length = 0;
    const many = Array.from({ length: CHRONOS_RUN_BATCH + 10 }, (_, i) => ({ history: series(20, i + 1), horizon: 4 }));
    const answers = await forecaster.forecastMany(many);
    expect(answers).toHaveLength(many.length);
    expectClose(answers[70]!.quantiles, tinyChronosBoltForward(series(20, 71).slice(-16), { predictionLength: 4 }));
    expect(await forecaster.forecastMany([])).toEqual([]);
  });

  it('reaches horizons beyond prediction_length by feeding every quantile path back (default)', async () => {
    const options = { contextLength: 8, predictionLength: 3, quantiles: [0.1, 0.5, 0.9] };
    const { forecaster, calls } = await tinyForecaster(options);
    const history = series(12);
    const forecast = await forecaster.forecast(history, 7);
    // Blocks of 3: the first from the history, then two from 3 paths each (one per quantile).
    expect(calls).toEqual([1, 3, 3]);
    const expected = closedForm(history, 7, options);
    expectClose(forecast.quantiles, atLevels(options.quantiles, expected));
    expectMonotone(forecast.quantiles);
    // Past the first block its intervals are wider than those of the median feedback, which collapse.
    const median = await (await tinyForecaster({ ...options, extension: 'median' })).forecaster.forecast(history, 7);
    const width = (f: typeof forecast, h: number) => f.quantiles[8]![h]! - f.quantiles[0]![h]!;
    expect(width(forecast, 0)).toBeCloseTo(width(median, 0), 6);
    expect(width(forecast, 3)).toBeGreaterThan(width(median, 3));
  });

  it('feeds the median back with extension "median", as the first Chronos-Bolt pipeline did', async () => {
    const options = { contextLength: 8, predictionLength: 3, quantiles: [0.1, 0.5, 0.9], extension: 'median' as const };
    const { forecaster, calls } = await tinyForecaster(options);
    const history = series(12);
    const forecast = await forecaster.forecast(history, 7);
    expect(calls).toEqual([1, 1, 1]);
    expectClose(forecast.quantiles, atLevels(options.quantiles, closedForm(history, 7, options)));
    // Batched with series that need fewer blocks, each series still gets its own answer.
    calls.length = 0;
    const [long, short] = await forecaster.forecastMany([
      { history, horizon: 7 },
      { history: series(6, 3), horizon: 2 },
    ]);
    expect(calls).toEqual([2, 1, 1]);
    expect(long).toEqual(forecast);
    expectClose(short!.quantiles, atLevels(options.quantiles, closedForm(series(6, 3), 2, options)));
  });

  it('maps other quantile sets onto 0.1…0.9 by interpolation, in any output order', async () => {
    const quantiles = [0.9, 0.05, 0.5, 0.25, 0.75, 0.95, 0.1];
    const options = { contextLength: 16, predictionLength: 4, quantiles };
    const { forecaster } = await tinyForecaster(options);
    const history = series(30);
    const forecast = await forecaster.forecast(history, 4);
    const raw = tinyChronosBoltForward(history.slice(-16), options);
    const order = quantiles.map((_, i) => i).sort((a, b) => quantiles[a]! - quantiles[b]!);
    const expected = atLevels(
      order.map((i) => quantiles[i]!),
      order.map((i) => raw[i]!),
    );
    expectClose(forecast.quantiles, expected);
    expectMonotone(forecast.quantiles);
    // 0.3 sits between the model's 0.25 and 0.5, a fifth of the way.
    const q25 = raw[3]![0]!;
    const q50 = raw[2]![0]!;
    expect(forecast.quantiles[2]![0]).toBeCloseTo(q25 + 0.2 * (q50 - q25), 4);
  });

  it('keeps the quantiles monotone when the model crosses them', async () => {
    const z = tinyChronosZ(LEVELS, 4).reverse(); // 0.1 answers what 0.9 should, and so on
    const { forecaster } = await tinyForecaster({ contextLength: 16, predictionLength: 4, z });
    const forecast = await forecaster.forecast(series(30), 4);
    expectMonotone(forecast.quantiles);
    const straight = await (await tinyForecaster({ contextLength: 16, predictionLength: 4 })).forecaster.forecast(
      series(30),
      4,
    );
    expectClose(forecast.quantiles, straight.quantiles);
  });

  it('refuses horizons outside 1…max_horizon', async () => {
    const { forecaster } = await tinyForecaster({ contextLength: 8, predictionLength: 2, maxHorizon: 6 });
    await expect(forecaster.forecast(series(10), 0)).rejects.toThrow(/horizon 0 is not an integer between 1 and 6/);
    await expect(forecaster.forecast(series(10), 7)).rejects.toThrow(/between 1 and 6/);
    await expect(forecaster.forecast(series(10), 1.5)).rejects.toThrow(/between 1 and 6/);
    expect((await forecaster.forecast(series(10), 6)).mean).toHaveLength(6);
  });

  it('runs a graph whose context axis is dynamic, always fed context_length points', async () => {
    const { forecaster } = await tinyForecaster({ contextLength: 16, predictionLength: 4, dynamicContext: true });
    const forecast = await forecaster.forecast(series(5), 4);
    expectClose(forecast.quantiles, tinyChronosBoltForward(series(5), { predictionLength: 4 }));
  });
});
