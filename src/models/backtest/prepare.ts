/**
 * From CSV series to backtest input: each series on its own regular grid (its median step), with
 * gaps filled by the rule of data/gaps.ts — short gaps interpolated, long ones filled from a season
 * earlier — and counted, so a report can say what was repaired.
 */
import { regularize } from '../data/gaps.js';
import type { SeriesData } from './csv.js';
import type { SeriesInput } from './run.js';

export interface PreparedSeries extends SeriesInput {
  /** Time of each value on the regular grid. */
  times: number[];
}

export interface Repair {
  series: string;
  interpolated: number;
  longGapFilled: number;
}

export function prepareSeries(
  data: readonly SeriesData[],
  season = 1,
): { series: PreparedSeries[]; repaired: Repair[] } {
  const series: PreparedSeries[] = [];
  const repaired: Repair[] = [];
  for (const s of data) {
    const grid = regularize(s.times, s.values, { season });
    let interpolated = 0;
    let longGapFilled = 0;
    for (const flag of grid.filled) {
      if (flag === 1) interpolated++;
      else if (flag === 2) longGapFilled++;
    }
    if (interpolated + longGapFilled > 0) repaired.push({ series: s.id, interpolated, longGapFilled });
    series.push({
      id: s.id,
      values: grid.values,
      times: grid.values.map((_, k) => grid.start + k * grid.step),
      ...(s.group !== undefined ? { group: s.group } : {}),
    });
  }
  return { series, repaired };
}
