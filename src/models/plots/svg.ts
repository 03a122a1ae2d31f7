/**
 * Dependency-free SVG line/scatter panels: enough for "prediction vs truth" figures that open in any
 * browser and diff as text. Axes are linear with round ticks; points and lines are clipped to the
 * panel by the axis ranges, which cover both truth and prediction.
 */

export interface Point {
  x: number;
  y: number;
}

export interface Panel {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Observations, drawn as dots. */
  points: Array<Point & { group?: 'train' | 'test' }>;
  /** Model output, drawn as a line (sorted by x). */
  line: Point[];
}

const WIDTH = 360;
const HEIGHT = 260;
const MARGIN = { left: 64, right: 12, top: 28, bottom: 44 };

export const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** About five round tick values covering [lo, hi]. */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const result: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) result.push(Number(v.toPrecision(12)));
  return result;
}

export const format = (v: number): string =>
  Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(1) : `${Number(v.toPrecision(4))}`;

/** A padded [lo, hi] covering the finite values (a unit range around a constant). */
export function range(values: number[]): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (lo === hi) {
    lo -= Math.abs(lo) * 0.1 || 1;
    hi += Math.abs(hi) * 0.1 || 1;
  }
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

function panelSvg(panel: Panel, offsetX: number): string {
  const all = [...panel.points, ...panel.line];
  const [x0, x1] = range(all.map((p) => p.x));
  const [y0, y1] = range(all.map((p) => p.y));
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const sx = (x: number) => offsetX + MARGIN.left + ((x - x0) / (x1 - x0)) * plotW;
  const sy = (y: number) => MARGIN.top + (1 - (y - y0) / (y1 - y0)) * plotH;
  const parts: string[] = [];
  parts.push(
    `<text x="${offsetX + WIDTH / 2}" y="18" text-anchor="middle" font-weight="bold">${escapeXml(panel.title)}</text>`,
  );
  parts.push(
    `<rect x="${offsetX + MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
  );
  for (const t of ticks(x0, x1)) {
    parts.push(
      `<text x="${sx(t).toFixed(1)}" y="${HEIGHT - MARGIN.bottom + 14}" text-anchor="middle">${format(t)}</text>`,
    );
  }
  for (const t of ticks(y0, y1)) {
    parts.push(
      `<text x="${offsetX + MARGIN.left - 4}" y="${(sy(t) + 4).toFixed(1)}" text-anchor="end">${format(t)}</text>`,
    );
  }
  parts.push(
    `<text x="${offsetX + MARGIN.left + plotW / 2}" y="${HEIGHT - 8}" text-anchor="middle">${escapeXml(panel.xLabel)}</text>`,
  );
  parts.push(
    `<text transform="translate(${offsetX + 12},${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(panel.yLabel)}</text>`,
  );
  for (const p of panel.points) {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) continue;
    const colour = p.group === 'train' ? '#9aa9bd' : '#d95f02';
    parts.push(
      `<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="1.6" fill="${colour}" fill-opacity="0.6"/>`,
    );
  }
  const path = panel.line
    .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y))
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`)
    .join('');
  if (path) parts.push(`<path d="${path}" fill="none" stroke="#1b4f9c" stroke-width="1.6"/>`);
  return parts.join('\n');
}

/** Panels side by side in one SVG document, with a legend line under the title. */
export function panelsSvg(title: string, panels: readonly Panel[]): string {
  const width = WIDTH * panels.length;
  const height = HEIGHT + 24;
  const body = panels.map((panel, i) => `<g transform="translate(0,24)">${panelSvg(panel, i * WIDTH)}</g>`).join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="10">
<rect width="100%" height="100%" fill="white"/>
<text x="8" y="16" font-size="12" font-weight="bold">${escapeXml(title)}</text>
<text x="${width - 8}" y="16" text-anchor="end"><tspan fill="#9aa9bd">● training polls</tspan>  <tspan fill="#d95f02">● test polls</tspan>  <tspan fill="#1b4f9c">— model</tspan></text>
${body}
</svg>
`;
}
