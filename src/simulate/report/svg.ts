/**
 * Minimal SVG charts (no dependency): a time-series line chart with shaded bands and a grouped
 * histogram. Enough for a report a person opens in a browser; the dashboard can draw its own.
 */
const WIDTH = 900;
const HEIGHT = 320;
const PAD = { left: 50, right: 20, top: 36, bottom: 40 };

export interface Line {
  name: string;
  color: string;
  values: readonly number[];
}

export interface Band {
  from: number;
  to: number;
  label: string;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function frame(title: string, body: string[], yMax: number, yLabel: string): string {
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const y = PAD.top + plotHeight * (1 - f);
    return `<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y}" y2="${y}" stroke="#ddd"/><text x="${PAD.left - 6}" y="${y + 4}" text-anchor="end" font-size="11">${Math.round(yMax * f)}</text>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${PAD.left}" y="22" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="14" y="${PAD.top + plotHeight / 2}" font-size="11" transform="rotate(-90 14 ${PAD.top + plotHeight / 2})" text-anchor="middle">${escapeXml(yLabel)}</text>`,
    ...ticks,
    ...body,
    '</svg>',
  ].join('\n');
}

/** Lines over sample positions 0 … n−1 (times as labels), with bands shading index ranges. */
export function lineChart(
  title: string,
  lines: readonly Line[],
  bands: readonly Band[],
  xLabels: readonly [string, string],
): string {
  const n = Math.max(1, ...lines.map((l) => l.values.length));
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const x = (i: number): number => PAD.left + (n === 1 ? 0 : (i / (n - 1)) * plotWidth);
  const y = (v: number): number => PAD.top + plotHeight * (1 - Math.min(100, Math.max(0, v)) / 100);
  const body = bands.map(
    (b) =>
      `<rect x="${x(b.from).toFixed(1)}" y="${PAD.top}" width="${Math.max(2, x(b.to) - x(b.from)).toFixed(1)}" height="${plotHeight}" fill="#f4a3a3" opacity="0.45"><title>${escapeXml(b.label)}</title></rect>` +
      `<text x="${x(b.from).toFixed(1)}" y="${PAD.top - 4}" font-size="10" fill="#b33">${escapeXml(b.label)}</text>`,
  );
  for (const line of lines) {
    const points = line.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    body.push(`<polyline fill="none" stroke="${line.color}" stroke-width="1.2" points="${points}"/>`);
  }
  lines.forEach((line, k) => {
    body.push(
      `<text x="${WIDTH - PAD.right - 160 + k * 80}" y="22" font-size="12" fill="${line.color}">■ ${escapeXml(line.name)}</text>`,
    );
  });
  body.push(
    `<text x="${PAD.left}" y="${HEIGHT - 12}" font-size="11">${escapeXml(xLabels[0])}</text>`,
    `<text x="${WIDTH - PAD.right}" y="${HEIGHT - 12}" font-size="11" text-anchor="end">${escapeXml(xLabels[1])}</text>`,
  );
  return frame(title, body, 100, 'percent of instance');
}

/** Side-by-side bars of several histograms over the same bins (`labels`). */
export function histogram(title: string, groups: readonly Line[], labels: readonly string[]): string {
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const max = Math.max(1, ...groups.flatMap((g) => g.values));
  const slot = plotWidth / Math.max(1, labels.length);
  const bar = (slot * 0.8) / Math.max(1, groups.length);
  const body: string[] = [];
  groups.forEach((g, k) => {
    g.values.forEach((v, i) => {
      const h = (v / max) * plotHeight;
      const left = PAD.left + i * slot + slot * 0.1 + k * bar;
      body.push(
        `<rect x="${left.toFixed(1)}" y="${(PAD.top + plotHeight - h).toFixed(1)}" width="${bar.toFixed(1)}" height="${h.toFixed(1)}" fill="${g.color}"><title>${escapeXml(`${g.name} ${labels[i] ?? ''}: ${v}`)}</title></rect>`,
      );
    });
    body.push(
      `<text x="${WIDTH - PAD.right - 200 + k * 100}" y="22" font-size="12" fill="${g.color}">■ ${escapeXml(g.name)}</text>`,
    );
  });
  labels.forEach((label, i) => {
    if (i % 2 === 0) {
      body.push(
        `<text x="${(PAD.left + i * slot + slot / 2).toFixed(1)}" y="${HEIGHT - 22}" font-size="10" text-anchor="middle">${escapeXml(label)}</text>`,
      );
    }
  });
  body.push(
    `<text x="${PAD.left + plotWidth / 2}" y="${HEIGHT - 6}" font-size="11" text-anchor="middle">mean utilisation of a resource (%)</text>`,
  );
  return frame(title, body, max, 'resources');
}
