/** The readable form of a backtest report: a per-model table, then a per-series table. */
import type { BacktestReport } from './run.js';
import { METRICS } from './score.js';

const cell = (value: number | null | undefined, digits = 3): string =>
  value === null || value === undefined ? '—' : value.toFixed(digits);

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function formatBacktest(report: BacktestReport): string {
  const parts: string[] = [];
  parts.push(
    `backtest: ${report.series.length} series, ${report.folds} folds × horizon ${report.horizon}, season ${report.season}`,
  );
  parts.push(
    table(
      ['model', ...METRICS, 'rel MASE', 'rel WQL'],
      report.models.map((m) => [
        m.model,
        ...METRICS.map((metric) => cell(m.mean[metric])),
        cell(m.relativeMase),
        cell(m.relativeWql),
      ]),
    ),
  );
  const models = report.models.map((m) => m.model);
  parts.push(
    table(
      [
        'series',
        'rows',
        ...models.map((m) => `${m} MASE`),
        ...(report.series.some((s) => s.autoChoices) ? ['auto chose'] : []),
      ],
      report.series.map((s) => [
        s.id,
        String(s.length),
        ...models.map((m) => cell(s.scores[m]?.mase)),
        ...(s.autoChoices ? [s.autoChoices.join(',')] : []),
      ]),
    ),
  );
  for (const s of report.skipped) parts.push(`skipped ${s.id}: ${s.reason}`);
  parts.push("rel = geometric mean over series of the score divided by seasonal naive's (below 1 is better)");
  return parts.join('\n\n');
}
