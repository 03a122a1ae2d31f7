/**
 * Figures for a trained fleet forecaster: each series' recent history and its forecast of the next
 * `horizon` steps with the 10–90 % band, as `fleetcast predict` would write it.
 */
import type { SeriesBundle } from '../forecast/bundle.js';
import { forecasterFromJSON } from '../forecast/registry.js';
import type { ForecastFigure } from './forecast.js';

/** At most this many figures: a plot per series of a 10,000-resource fleet helps nobody. */
export const MAX_BUNDLE_FIGURES = 100;

export function bundleFigures(
  bundle: SeriesBundle,
  tails: ReadonlyMap<string, { times: number[]; values: number[] }>,
): ForecastFigure[] {
  const figures: ForecastFigure[] = [];
  for (const [id, entry] of Object.entries(bundle.series).slice(0, MAX_BUNDLE_FIGURES)) {
    const tail = tails.get(id);
    if (!tail) continue;
    const forecast = forecasterFromJSON(entry.params).forecast(bundle.horizon);
    const x = Array.from({ length: bundle.horizon }, (_, h) => entry.lastMs + (h + 1) * bundle.stepMs);
    figures.push({
      title: `${id} — ${entry.params.model} forecast`,
      time: (tail.times[0] ?? 0) > 1e11,
      history: { x: tail.times, y: tail.values },
      curves: [{ label: String(entry.params.model), x, forecast }],
    });
  }
  return figures;
}
