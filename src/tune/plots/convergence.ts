/**
 * The convergence plot of a study: every completed trial's loss (dots) and the best loss so far (a
 * step line) against the trial number; failed and timed-out trials as red ticks on the axis. Losses
 * spanning more than two decades (all positive) are drawn on a log scale, where early and late
 * progress are both visible. Plain SVG, no dependencies: it opens in any browser and diffs as text.
 */
import { writeFileSync } from 'node:fs';

export interface ConvergencePoint {
  number: number;
  state: string;
  loss?: number;
}

const WIDTH = 640;
const HEIGHT = 360;
const MARGIN = { left: 72, right: 16, top: 40, bottom: 48 };

const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

const label = (v: number): string =>
  Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(1) : `${Number(v.toPrecision(4))}`;

/** Best loss so far after each trial number (undefined until the first completed trial). */
export function bestSoFar(points: readonly ConvergencePoint[]): Array<{ number: number; best: number }> {
  const sorted = [...points].sort((a, b) => a.number - b.number);
  const out: Array<{ number: number; best: number }> = [];
  let best = Number.POSITIVE_INFINITY;
  for (const p of sorted) {
    if (p.state === 'completed' && p.loss !== undefined && p.loss < best) best = p.loss;
    if (Number.isFinite(best)) out.push({ number: p.number, best });
  }
  return out;
}

export function convergenceSvg(title: string, points: readonly ConvergencePoint[]): string {
  const completed = points.filter((p) => p.state === 'completed' && p.loss !== undefined && Number.isFinite(p.loss));
  const failed = points.filter((p) => p.state === 'failed' || p.state === 'timeout');
  const losses = completed.map((p) => p.loss!);
  const positive = losses.length > 0 && losses.every((l) => l > 0);
  const log = positive && Math.max(...losses) / Math.min(...losses) > 100;
  const f = (v: number) => (log ? Math.log10(v) : v);
  const ys = losses.map(f);
  let y0 = ys.length > 0 ? Math.min(...ys) : 0;
  let y1 = ys.length > 0 ? Math.max(...ys) : 1;
  if (y0 === y1) {
    y0 -= Math.abs(y0) * 0.1 || 1;
    y1 += Math.abs(y1) * 0.1 || 1;
  }
  const pad = (y1 - y0) * 0.05;
  y0 -= pad;
  y1 += pad;
  const numbers = points.map((p) => p.number);
  const x0 = numbers.length > 0 ? Math.min(...numbers) : 0;
  const x1 = Math.max(x0 + 1, ...numbers);
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const sx = (x: number) => MARGIN.left + ((x - x0) / (x1 - x0)) * plotW;
  const sy = (y: number) => MARGIN.top + (1 - (y - y0) / (y1 - y0)) * plotH;
  const parts: string[] = [];
  parts.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
  );
  for (const t of niceTicks(x0, x1)) {
    parts.push(
      `<text x="${sx(t).toFixed(1)}" y="${HEIGHT - MARGIN.bottom + 14}" text-anchor="middle">${label(t)}</text>`,
    );
  }
  const yTicks = log
    ? Array.from({ length: Math.floor(y1) - Math.ceil(y0) + 1 }, (_, i) => Math.ceil(y0) + i)
    : niceTicks(y0, y1);
  for (const t of yTicks) {
    const text = log ? label(10 ** t) : label(t);
    parts.push(`<text x="${MARGIN.left - 4}" y="${(sy(t) + 4).toFixed(1)}" text-anchor="end">${text}</text>`);
  }
  parts.push(
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 10}" text-anchor="middle">trial number</text>`,
    `<text transform="translate(16,${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">loss${log ? ' (log scale)' : ''}</text>`,
  );
  for (const p of completed) {
    parts.push(
      `<circle cx="${sx(p.number).toFixed(1)}" cy="${sy(f(p.loss!)).toFixed(1)}" r="2" fill="#9aa9bd" fill-opacity="0.8"/>`,
    );
  }
  for (const p of failed) {
    const x = sx(p.number).toFixed(1);
    parts.push(
      `<line x1="${x}" x2="${x}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH - 6}" stroke="#c0392b"/>`,
    );
  }
  const best = bestSoFar(points);
  if (best.length > 0) {
    let path = `M${sx(best[0]!.number).toFixed(1)},${sy(f(best[0]!.best)).toFixed(1)}`;
    for (let i = 1; i < best.length; i++) {
      path += `H${sx(best[i]!.number).toFixed(1)}V${sy(f(best[i]!.best)).toFixed(1)}`;
    }
    parts.push(`<path d="${path}" fill="none" stroke="#1b4f9c" stroke-width="1.8"/>`);
  }
  const summary =
    best.length > 0
      ? `${completed.length} completed, ${failed.length} failed; best ${label(best.at(-1)!.best)}`
      : 'no completed trial';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="10">
<rect width="100%" height="100%" fill="white"/>
<text x="8" y="16" font-size="12" font-weight="bold">${escapeXml(title)}</text>
<text x="8" y="30">${escapeXml(summary)}</text>
<text x="${WIDTH - 8}" y="16" text-anchor="end"><tspan fill="#9aa9bd">● trial loss</tspan>  <tspan fill="#1b4f9c">— best so far</tspan>  <tspan fill="#c0392b">| failed</tspan></text>
${parts.join('\n')}
</svg>
`;
}

export function writeConvergencePlot(path: string, title: string, points: readonly ConvergencePoint[]): void {
  writeFileSync(path, convergenceSvg(title, points));
}
