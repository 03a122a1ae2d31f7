/**
 * Forecast figures (issue 4, item 6): one SVG per series with the recent history as a line, the
 * observed values of the forecast window (when known, as in a backtest) as dots, and each model's
 * point forecast with its 10–90 % prediction interval as a shaded band. Dependency-free like svg.ts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeFolderSync } from '../../core/folders.js';
import type { Forecast } from '../forecast/types.js';
import { escapeXml, format, range, ticks } from './svg.js';

export interface ForecastCurve {
  label: string;
  /** x of each forecast step (step index, or epoch ms when `time` is set on the figure). */
  x: number[];
  forecast: Forecast;
}

export interface ForecastFigure {
  title: string;
  /** Recent history, drawn as a line. */
  history: { x: number[]; y: number[] };
  /** Observed values of the forecast window, when known. */
  truth?: { x: number[]; y: number[] };
  curves: ForecastCurve[];
  /** Label the x axis with UTC dates (x in epoch ms) instead of step numbers. */
  time?: boolean;
}

const WIDTH = 720;
const HEIGHT = 300;
const MARGIN = { left: 64, right: 16, top: 40, bottom: 40 };
const COLOURS = ['#1b4f9c', '#1b9e77', '#7570b3', '#e7298a', '#66a61e'];

const label = (x: number, time: boolean): string =>
  time ? new Date(x).toISOString().slice(5, 16).replace('T', ' ') : format(x);

/** The 10–90 % band is the first and last quantile rows (FORECAST_QUANTILES 0.1 … 0.9). */
export function forecastPlotSvg(figure: ForecastFigure): string {
  const time = figure.time ?? false;
  const xs = [...figure.history.x, ...(figure.truth?.x ?? []), ...figure.curves.flatMap((c) => c.x)];
  const ys = [
    ...figure.history.y,
    ...(figure.truth?.y ?? []),
    ...figure.curves.flatMap((c) => [...c.forecast.mean, ...c.forecast.quantiles[0]!, ...c.forecast.quantiles.at(-1)!]),
  ];
  const [x0, x1] = range(xs);
  const [y0, y1] = range(ys);
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const sx = (x: number) => (MARGIN.left + ((x - x0) / (x1 - x0)) * plotW).toFixed(1);
  const sy = (y: number) => (MARGIN.top + (1 - (y - y0) / (y1 - y0)) * plotH).toFixed(1);
  const finite = (x: number, y: number) => Number.isFinite(x) && Number.isFinite(y);
  const path = (x: number[], y: number[]) =>
    x
      .map((xi, i) => [xi, y[i]!] as const)
      .filter(([a, b]) => finite(a, b))
      .map(([a, b], i) => `${i === 0 ? 'M' : 'L'}${sx(a)},${sy(b)}`)
      .join('');
  const parts: string[] = [
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
  ];
  for (const t of ticks(x0, x1, time ? 4 : 6)) {
    parts.push(
      `<text x="${sx(t)}" y="${HEIGHT - MARGIN.bottom + 14}" text-anchor="middle">${escapeXml(label(t, time))}</text>`,
    );
  }
  for (const t of ticks(y0, y1)) {
    parts.push(
      `<text x="${MARGIN.left - 4}" y="${(Number(sy(t)) + 4).toFixed(1)}" text-anchor="end">${format(t)}</text>`,
    );
  }
  parts.push(
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 8}" text-anchor="middle">${time ? 'time (UTC)' : 'step'}</text>`,
  );
  const historyPath = path(figure.history.x, figure.history.y);
  if (historyPath) parts.push(`<path d="${historyPath}" fill="none" stroke="#777" stroke-width="1.2"/>`);
  const legend: string[] = ['<tspan fill="#777">— history</tspan>'];
  figure.curves.forEach((curve, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    const low = curve.forecast.quantiles[0]!;
    const high = curve.forecast.quantiles.at(-1)!;
    const upper = curve.x.map((x, h) => [x, high[h]!] as const).filter(([a, b]) => finite(a, b));
    const lower = curve.x.map((x, h) => [x, low[h]!] as const).filter(([a, b]) => finite(a, b));
    if (upper.length > 0 && lower.length > 0) {
      const outline = [...upper, ...lower.reverse()].map(([a, b]) => `${sx(a)},${sy(b)}`).join(' ');
      parts.push(`<polygon points="${outline}" fill="${colour}" fill-opacity="0.18" stroke="none"/>`);
    }
    const meanPath = path(curve.x, curve.forecast.mean);
    if (meanPath) parts.push(`<path d="${meanPath}" fill="none" stroke="${colour}" stroke-width="1.8"/>`);
    legend.push(`<tspan fill="${colour}">— ${escapeXml(curve.label)} (band: 10–90 %)</tspan>`);
  });
  if (figure.truth) {
    for (const [i, x] of figure.truth.x.entries()) {
      const y = figure.truth.y[i]!;
      if (finite(x, y)) parts.push(`<circle cx="${sx(x)}" cy="${sy(y)}" r="2" fill="#d95f02"/>`);
    }
    legend.push('<tspan fill="#d95f02">● observed</tspan>');
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="10">
<rect width="100%" height="100%" fill="white"/>
<text x="8" y="16" font-size="12" font-weight="bold">${escapeXml(figure.title)}</text>
<text x="8" y="30">${legend.join('  ')}</text>
${parts.join('\n')}
</svg>
`;
}

/** A file-system-safe name (series ids come from data). */
export const plotFileName = (name: string): string => `${name.replace(/[^A-Za-z0-9._-]+/g, '_')}.svg`;

/** Writes one SVG per figure into `dir` (named after its title) and returns their paths. */
export function writeForecastPlots(dir: string, figures: readonly ForecastFigure[]): string[] {
  makeFolderSync(dir);
  const used = new Set<string>();
  return figures.map((figure) => {
    let name = plotFileName(figure.title);
    for (let k = 2; used.has(name); k++) name = plotFileName(`${figure.title}-${k}`);
    used.add(name);
    const path = join(dir, name);
    writeFileSync(path, forecastPlotSvg(figure));
    return path;
  });
}
