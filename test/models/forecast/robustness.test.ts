import { describe, expect, it } from 'vitest';
import { createForecaster, forecasterNames } from '../../../src/models/forecast/index.js';
import { createNormal, createRandom } from '../../../src/models/forecast/random.js';

const normal = createNormal(createRandom(77));
const shapes: Record<string, (n: number) => number[]> = {
  tiny: (n) => Array.from({ length: n }, (_, t) => 1e-9 * (5 + Math.sin(t) + 0.1 * normal())),
  huge: (n) => Array.from({ length: n }, (_, t) => 1e12 * (5 + Math.sin(t) + 0.1 * normal())),
  negative: (n) => Array.from({ length: n }, (_, t) => -100 + 10 * Math.sin(t / 3) + normal()),
  'with zeros': (n) => Array.from({ length: n }, (_, t) => (t % 5 === 0 ? 0 : Math.abs(normal()))),
  'level shift': (n) => Array.from({ length: n }, (_, t) => (t < n / 2 ? 1 : 1000) + normal()),
  'late spike': (n) => Array.from({ length: n }, (_, t) => (t === n - 3 ? 1e6 : 10 + normal())),
  'nearly flat': (n) => Array.from({ length: n }, (_, t) => (t === 2 ? 5.000001 : 5)),
  counts: (n) => Array.from({ length: n }, () => Math.round(Math.abs(normal()) * 2)),
};

describe('every forecaster on awkward series', () => {
  it('never returns a non-finite forecast or quantile', { timeout: 120_000 }, () => {
    const failures: string[] = [];
    for (const [name, shape] of Object.entries(shapes)) {
      for (const length of [2, 5, 13, 60]) {
        for (const season of [1, 12]) {
          for (const model of forecasterNames()) {
            const forecaster = createForecaster(model);
            forecaster.fit(shape(length), { season });
            const forecast = forecaster.forecast(30);
            const values = [...forecast.mean, ...forecast.quantiles.flat()];
            if (!values.every(Number.isFinite))
              failures.push(`${model} on ${name}, ${length} points, season ${season}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
