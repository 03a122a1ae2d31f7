import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fitSeriesBundle } from '../../../src/models/forecast/index.js';
import { bundleFigures, forecastPlotSvg, writeForecastPlots } from '../../../src/models/plots/index.js';
import { tempDir } from '../../helpers/services.js';

let dir: { path: string; remove: () => void };
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.remove());

const forecast = {
  mean: [5, 6, 7],
  quantiles: Array.from({ length: 9 }, (_, j) => [5, 6, 7].map((v) => v + (j - 4) * 0.5)),
};

describe('forecast plots', () => {
  it('draws history, the point forecast, its 10–90 % band and the observed values', () => {
    const svg = forecastPlotSvg({
      title: 'web <1>',
      history: { x: [0, 1, 2], y: [1, 2, 4] },
      truth: { x: [3, 4, 5], y: [5, 5, Number.NaN] },
      curves: [{ label: 'ets', x: [3, 4, 5], forecast }],
    });
    expect(svg).toMatch(/^<svg xmlns/);
    expect(svg).toContain('web &lt;1&gt;');
    expect(svg.match(/<polygon /g)).toHaveLength(1);
    // History and forecast lines; two observed dots (the NaN is skipped).
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg.match(/<circle /g)).toHaveLength(2);
    expect(svg).toContain('ets (band: 10–90 %)');
  });

  it('writes one file per series of a trained bundle, with dates on the axis', () => {
    const rows = Array.from({ length: 96 }, (_, t) => ({
      id: t % 2 === 0 ? 'a/b' : 'c',
      ts: Date.UTC(2025, 0, 1, Math.floor(t / 2)),
      v: 10 + Math.sin(t / 4),
    }));
    const { bundle, tails } = fitSeriesBundle(rows, {
      idColumn: 'id',
      timeColumn: 'ts',
      valueColumn: 'v',
      horizon: 6,
      model: 'naive',
      keepTail: 12,
    });
    const figures = bundleFigures(bundle, tails!);
    expect(figures.map((f) => f.history.x.length)).toEqual([12, 12]);
    const paths = writeForecastPlots(dir.path, [...figures, figures[0]!]);
    expect(paths.map((p) => p.slice(dir.path.length + 1))).toEqual([
      'a_b_naive_forecast.svg',
      'c_naive_forecast.svg',
      'a_b_naive_forecast-2.svg',
    ]);
    expect(readFileSync(paths[0]!, 'utf8')).toContain('time (UTC)');
  });
});
