/**
 * Small SVG charts for the dashboard, written for it: time and linear axes with round ticks, lines,
 * dots, shaded bands and windows, bars and histograms. No library and no CDN: the page must work
 * offline, and the pictures must be plain SVG that a test can read back.
 */
const SVG = 'http://www.w3.org/2000/svg';

export interface XY {
  x: number;
  y: number;
}

export interface Layer {
  kind: 'line' | 'dots' | 'band' | 'step';
  label: string;
  color: string;
  points?: XY[];
  /** For bands: lower and upper edges on the same x. */
  band?: Array<{ x: number; lo: number; hi: number }>;
}

export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  time?: boolean;
  layers: Layer[];
  /** Shaded x windows (anomalies), and labelled vertical marks (the capacity knee). */
  windows?: Array<{ from: number; to: number; label: string }>;
  marks?: Array<{ x: number; label: string }>;
  width?: number;
  height?: number;
  testId?: string;
}

const MARGIN = { top: 28, right: 16, bottom: 40, left: 56 };

function el<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

function text(x: number, y: number, content: string, attrs: Record<string, string | number> = {}): SVGTextElement {
  const node = el('text', { x, y, 'font-size': 11, fill: '#44505c', ...attrs });
  node.textContent = content;
  return node;
}

/** Round tick values covering [lo, hi] (1, 2, 5 × 10^k steps). */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

export function formatNumber(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${(v / 1e3).toFixed(0)}k`;
  if (a >= 100) return v.toFixed(0);
  if (a >= 1) return v.toFixed(1).replace(/\.0$/, '');
  if (a === 0) return '0';
  return v.toPrecision(2);
}

function formatTime(ms: number, spanMs: number): string {
  const d = new Date(ms);
  if (spanMs > 3 * 86_400_000) return d.toISOString().slice(5, 10);
  return d.toISOString().slice(11, 16);
}

function extent(values: number[]): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (!Number.isFinite(lo)) return [0, 1];
  if (lo === hi) return [lo - 1, hi + 1];
  return [lo, hi];
}

export function chart(spec: ChartSpec): SVGSVGElement {
  const width = spec.width ?? 720;
  const height = spec.height ?? 260;
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'chart' });
  if (spec.testId) svg.setAttribute('data-testid', spec.testId);
  const title = el('title', {});
  title.textContent = spec.title;
  svg.append(title);
  const xs: number[] = [];
  const ys: number[] = [];
  for (const layer of spec.layers) {
    for (const p of layer.points ?? []) {
      xs.push(p.x);
      ys.push(p.y);
    }
    for (const b of layer.band ?? []) {
      xs.push(b.x);
      ys.push(b.lo, b.hi);
    }
  }
  for (const m of spec.marks ?? []) xs.push(m.x);
  const [x0, x1] = extent(xs);
  let [y0, y1] = extent(ys);
  if (y0 > 0 && y0 < (y1 - y0) * 0.5) y0 = 0;
  y1 += (y1 - y0) * 0.05;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const sx = (x: number) => MARGIN.left + ((x - x0) / (x1 - x0)) * plotW;
  const sy = (y: number) => MARGIN.top + plotH - ((y - y0) / (y1 - y0)) * plotH;

  svg.append(text(MARGIN.left, 16, spec.title, { 'font-size': 13, 'font-weight': 600, fill: '#1b2733' }));
  for (const w of spec.windows ?? []) {
    const a = sx(w.from);
    const b = Math.max(sx(w.to), a + 2);
    const rect = el('rect', { x: a, y: MARGIN.top, width: b - a, height: plotH, fill: '#f4b4b4', opacity: 0.45 });
    const tip = el('title', {});
    tip.textContent = w.label;
    rect.append(tip);
    svg.append(rect);
  }
  for (const t of ticks(y0, y1)) {
    svg.append(el('line', { x1: MARGIN.left, x2: width - MARGIN.right, y1: sy(t), y2: sy(t), stroke: '#e3e8ee' }));
    svg.append(text(MARGIN.left - 6, sy(t) + 4, formatNumber(t), { 'text-anchor': 'end' }));
  }
  for (const t of ticks(x0, x1, 6)) {
    svg.append(
      el('line', { x1: sx(t), x2: sx(t), y1: MARGIN.top + plotH, y2: MARGIN.top + plotH + 4, stroke: '#8a96a3' }),
    );
    const label = spec.time ? formatTime(t, x1 - x0) : formatNumber(t);
    svg.append(text(sx(t), MARGIN.top + plotH + 16, label, { 'text-anchor': 'middle' }));
  }
  svg.append(
    el('line', {
      x1: MARGIN.left,
      x2: width - MARGIN.right,
      y1: MARGIN.top + plotH,
      y2: MARGIN.top + plotH,
      stroke: '#8a96a3',
    }),
  );
  svg.append(text(MARGIN.left + plotW / 2, height - 6, spec.xLabel, { 'text-anchor': 'middle' }));
  svg.append(
    text(12, MARGIN.top + plotH / 2, spec.yLabel, {
      'text-anchor': 'middle',
      transform: `rotate(-90 12 ${MARGIN.top + plotH / 2})`,
    }),
  );

  for (const layer of spec.layers) {
    if (layer.kind === 'band' && layer.band?.length) {
      const upper = layer.band.map((b) => `${sx(b.x)},${sy(b.hi)}`);
      const lower = [...layer.band].reverse().map((b) => `${sx(b.x)},${sy(b.lo)}`);
      svg.append(
        el('polygon', {
          points: [...upper, ...lower].join(' '),
          fill: layer.color,
          opacity: 0.25,
          'data-layer': layer.label,
        }),
      );
    } else if ((layer.kind === 'line' || layer.kind === 'step') && layer.points?.length) {
      const pts = layer.points.filter((p) => Number.isFinite(p.y));
      let d = '';
      pts.forEach((p, i) => {
        if (i === 0) d = `M${sx(p.x)},${sy(p.y)}`;
        else if (layer.kind === 'step') d += `H${sx(p.x)}V${sy(p.y)}`;
        else d += `L${sx(p.x)},${sy(p.y)}`;
      });
      svg.append(el('path', { d, fill: 'none', stroke: layer.color, 'stroke-width': 1.6, 'data-layer': layer.label }));
    } else if (layer.kind === 'dots' && layer.points?.length) {
      const group = el('g', { fill: layer.color, 'data-layer': layer.label });
      for (const p of layer.points) {
        if (Number.isFinite(p.y)) group.append(el('circle', { cx: sx(p.x), cy: sy(p.y), r: 3 }));
      }
      svg.append(group);
    }
  }
  for (const m of spec.marks ?? []) {
    svg.append(
      el('line', {
        x1: sx(m.x),
        x2: sx(m.x),
        y1: MARGIN.top,
        y2: MARGIN.top + plotH,
        stroke: '#c0392b',
        'stroke-dasharray': '4 3',
        'data-mark': m.label,
      }),
    );
    svg.append(text(sx(m.x) + 4, MARGIN.top + 12, m.label, { fill: '#c0392b' }));
  }
  // Legend, top right.
  let lx = width - MARGIN.right;
  for (const layer of [...spec.layers].reverse()) {
    const label = text(lx, 16, layer.label, { 'text-anchor': 'end' });
    svg.append(label);
    lx -= layer.label.length * 7 + 8;
    svg.append(
      el('rect', { x: lx, y: 8, width: 10, height: 10, fill: layer.color, opacity: layer.kind === 'band' ? 0.4 : 1 }),
    );
    lx -= 10;
  }
  return svg;
}

export interface Bar {
  label: string;
  value: number;
  color?: string;
  secondary?: number;
}

/** Vertical bars (histograms, costs); `secondary` draws a second, narrower bar inside (e.g. saving of cost). */
export function bars(spec: {
  title: string;
  yLabel: string;
  bars: Bar[];
  testId?: string;
  width?: number;
  height?: number;
  secondaryLabel?: string;
}): SVGSVGElement {
  const width = spec.width ?? 720;
  const height = spec.height ?? 240;
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'chart' });
  if (spec.testId) svg.setAttribute('data-testid', spec.testId);
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const max = Math.max(1e-9, ...spec.bars.map((b) => Math.max(b.value, b.secondary ?? 0)));
  const top = ticks(0, max).at(-1) ?? max;
  const sy = (y: number) => MARGIN.top + plotH - (y / Math.max(top, max)) * plotH;
  svg.append(text(MARGIN.left, 16, spec.title, { 'font-size': 13, 'font-weight': 600, fill: '#1b2733' }));
  for (const t of ticks(0, Math.max(top, max))) {
    svg.append(el('line', { x1: MARGIN.left, x2: width - MARGIN.right, y1: sy(t), y2: sy(t), stroke: '#e3e8ee' }));
    svg.append(text(MARGIN.left - 6, sy(t) + 4, formatNumber(t), { 'text-anchor': 'end' }));
  }
  svg.append(
    text(12, MARGIN.top + plotH / 2, spec.yLabel, {
      'text-anchor': 'middle',
      transform: `rotate(-90 12 ${MARGIN.top + plotH / 2})`,
    }),
  );
  const slot = plotW / Math.max(1, spec.bars.length);
  spec.bars.forEach((b, i) => {
    const x = MARGIN.left + i * slot + slot * 0.15;
    const w = slot * 0.7;
    const rect = el('rect', {
      x,
      y: sy(b.value),
      width: w,
      height: MARGIN.top + plotH - sy(b.value),
      fill: b.color ?? '#3b7dd8',
      'data-value': b.value,
    });
    const tip = el('title', {});
    tip.textContent = `${b.label}: ${formatNumber(b.value)}`;
    rect.append(tip);
    svg.append(rect);
    if (b.secondary !== undefined) {
      svg.append(
        el('rect', {
          x: x + w * 0.25,
          y: sy(b.secondary),
          width: w * 0.5,
          height: MARGIN.top + plotH - sy(b.secondary),
          fill: '#e67e22',
        }),
      );
    }
    const label = b.label.length > 14 ? `${b.label.slice(0, 13)}…` : b.label;
    svg.append(
      text(x + w / 2, MARGIN.top + plotH + 14, label, {
        'text-anchor': 'middle',
        'font-size': spec.bars.length > 10 ? 9 : 11,
      }),
    );
  });
  if (spec.secondaryLabel) {
    svg.append(el('rect', { x: width - MARGIN.right - 150, y: 8, width: 10, height: 10, fill: '#e67e22' }));
    svg.append(text(width - MARGIN.right - 136, 17, spec.secondaryLabel));
  }
  return svg;
}
