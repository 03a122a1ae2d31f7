import { describe, expect, it } from 'vitest';
import {
  coverage,
  geometricMean,
  mae,
  mape,
  mase,
  naiveScale,
  rmse,
  smape,
  wql,
} from '../../src/models/metrics/index.js';

describe('forecast metrics', () => {
  const truth = [10, 20, 30, 40];
  const predicted = [12, 18, 33, 40];

  it('computes MAE, RMSE, MAPE and sMAPE by hand', () => {
    expect(mae(truth, predicted)).toBeCloseTo((2 + 2 + 3 + 0) / 4);
    expect(rmse(truth, predicted)).toBeCloseTo(Math.sqrt((4 + 4 + 9) / 4));
    expect(mape(truth, predicted)).toBeCloseTo(((0.2 + 0.1 + 0.1 + 0) / 4) * 100);
    expect(smape(truth, predicted)).toBeCloseTo((200 / 4) * (2 / 22 + 2 / 38 + 3 / 63));
  });

  it('skips zero truths in MAPE and counts 0/0 as no error in sMAPE', () => {
    expect(mape([0, 10], [5, 11])).toBeCloseTo(10);
    expect(Number.isNaN(mape([0], [1]))).toBe(true);
    expect(smape([0, 0], [0, 0])).toBe(0);
  });

  it('scales MASE by the in-sample seasonal naive error', () => {
    const history = [1, 2, 3, 1, 2, 3, 1, 2, 4];
    expect(naiveScale(history, 3)).toBeCloseTo(1 / 6);
    expect(mase([1, 2], [1.5, 2], history, 3)).toBeCloseTo(0.25 / (1 / 6));
    expect(mase([5], [5], [2, 2, 2])).toBe(0);
    expect(mase([5], [6], [2, 2, 2])).toBe(Number.POSITIVE_INFINITY);
  });

  it('gives WQL 0 for a perfect forecast and the pinball loss otherwise', () => {
    const y = [10, 10];
    expect(wql(y, [y, y], [0.1, 0.9])).toBe(0);
    // q=0.5 forecast 8 for truth 10: pinball 0.5·2 = 1 per point; 2·2/(1·20) = 0.2
    expect(wql(y, [[8, 8]], [0.5])).toBeCloseTo(0.2);
  });

  it('measures interval coverage and geometric means', () => {
    expect(coverage([1, 2, 3, 4], [0, 2.5, 2, 0], [2, 3, 4, 3])).toBe(0.5);
    expect(geometricMean([0.5, 2])).toBeCloseTo(1);
    expect(() => geometricMean([0, 1])).toThrow(/non-positive/);
  });

  it('refuses misaligned or empty inputs', () => {
    expect(() => mae([1, 2], [1])).toThrow(/truth has 2 values, prediction 1/);
    expect(() => rmse([], [])).toThrow(/no values/);
    expect(() => naiveScale([1], 1)).toThrow(/history/);
    expect(() => wql([1], [[1]], [0.1, 0.9])).toThrow(/levels/);
  });
});
