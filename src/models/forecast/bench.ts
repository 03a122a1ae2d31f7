/**
 * The `ets-fit` benchmark of issue 4: series per second for ETS with automatic model selection plus
 * a 24-step forecast, on 2,000-point hourly series (trend + daily season + AR(1) noise, generated
 * here from a seeded PRNG so every run measures the same work). The reference side is seasonal
 * naive on the same series: the floor any forecaster's cost is compared with, in the same run.
 */
import type { Benchmark, BenchSide } from '../../core/bench/harness.js';
import { Ets } from './ets.js';
import { gruBenchmarks } from './gru/bench.js';
import { SeasonalNaive } from './naive.js';
import { createNormal, createRandom } from './random.js';
import type { Forecaster } from './types.js';

export function benchSeries(count: number, length = 2000, seed = 1): number[][] {
  const uniform = createRandom(seed);
  const normal = createNormal(uniform);
  return Array.from({ length: count }, () => {
    const base = 40 + 20 * uniform();
    const amplitude = 5 + 10 * uniform();
    const slope = 0.005 * uniform();
    let noise = 0;
    return Array.from({ length }, (_, t) => {
      noise = 0.8 * noise + normal();
      return base + slope * t + amplitude * Math.sin((2 * Math.PI * t) / 24) + 2 * noise;
    });
  });
}

function side(label: string, make: () => Forecaster, series: number[][]): BenchSide {
  return {
    label,
    open: async () => ({
      iteration: async () => {
        for (const values of series) {
          const model = make();
          model.fit(values, { season: 24 });
          model.forecast(24);
        }
        return series.length;
      },
      close: async () => {},
    }),
  };
}

/** `scale` multiplies the work per repetition (ets-fit: 10 series at scale 1; gru-train: see gru/bench.ts). */
export function forecastBenchmarks(scale = 1): Benchmark[] {
  const series = benchSeries(Math.max(1, Math.round(10 * scale)));
  return [
    {
      name: 'ets-fit',
      description: 'ETS auto-selection fit + 24-step forecast, 2,000-point series (reference: seasonal naive)',
      unit: 'series/s',
      reference: side('seasonal naive', () => new SeasonalNaive(), series),
      subject: side('ETS auto', () => new Ets(), series),
    },
    ...gruBenchmarks(scale),
  ];
}
