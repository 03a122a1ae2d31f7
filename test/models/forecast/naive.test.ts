import { describe, expect, it } from 'vitest';
import { SeasonalNaive } from '../../../src/models/forecast/index.js';

describe('seasonal naive', () => {
  it('repeats the last season', () => {
    const naive = new SeasonalNaive();
    naive.fit([1, 2, 3, 4, 5, 6, 7, 8, 9], { season: 3 });
    expect(naive.forecast(5).mean).toEqual([7, 8, 9, 7, 8]);
  });

  it('widens intervals by the square root of the number of seasons ahead', () => {
    // Residuals y_t − y_{t−2}: alternating ±1 around a flat series give symmetric quantiles.
    const y = Array.from({ length: 41 }, (_, t) => 10 + (Math.floor(t / 2) % 2 === 0 ? 0.5 : -0.5));
    const naive = new SeasonalNaive();
    naive.fit(y, { season: 2 });
    const forecast = naive.forecast(8);
    const width = (h: number) => forecast.quantiles[8]![h]! - forecast.quantiles[0]![h]!;
    expect(width(0)).toBeGreaterThan(0);
    expect(width(1)).toBeCloseTo(width(0), 12);
    expect(width(2)).toBeCloseTo(width(0) * Math.SQRT2, 12);
    expect(width(7)).toBeCloseTo(width(0) * 2, 12);
  });

  it('uses the plain naive forecast when the series is shorter than a season plus one point', () => {
    const naive = new SeasonalNaive();
    naive.fit([4, 5, 6], { season: 12 });
    expect(naive.forecast(3).mean).toEqual([6, 6, 6]);
  });

  it('gives the point itself as every quantile for a single observation', () => {
    const naive = new SeasonalNaive();
    naive.fit([4]);
    expect(naive.forecast(2).quantiles.every((q) => q[0] === 4 && q[1] === 4)).toBe(true);
  });

  it('round-trips through its JSON parameters and rejects damaged ones', () => {
    const naive = new SeasonalNaive();
    naive.fit([3, 1, 4, 1, 5, 9, 2, 6], { season: 2 });
    const copy = SeasonalNaive.fromJSON(JSON.parse(JSON.stringify(naive.toJSON())));
    expect(copy.forecast(6)).toEqual(naive.forecast(6));
    expect(() => SeasonalNaive.fromJSON({ ...naive.toJSON(), last: [1] })).toThrow(/no full season/);
    expect(() => SeasonalNaive.fromJSON({ ...naive.toJSON(), residualQuantiles: 'x' })).toThrow(/not an array/);
  });
});
