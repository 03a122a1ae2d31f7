/**
 * The per-service score table (issue 4, item 6) in markdown, and the flat metric names a saved
 * model's manifest records. The JSON form is `PerformanceScores` itself.
 */
import type { PerformanceScores, TargetScores } from './evaluate.js';

const pct = (v: number): string => (Number.isFinite(v) ? v.toFixed(2) : 'n/a');
const num = (v: number): string => (Number.isFinite(v) ? v.toPrecision(3) : 'n/a');
const row = (name: string, m: TargetScores, r: TargetScores): string =>
  `| ${name} | ${pct(m.response_time)} | ${pct(m.throughput)} | ${pct(m.cpu)} | ${num(r.response_time)} | ${num(r.throughput)} | ${num(r.cpu)} |`;

/** Markdown table: one row per service and a bold mean row; outage polls noted under it. */
export function scoresMarkdown(scores: PerformanceScores): string {
  const lines = [
    '| service | MAPE response time % | MAPE throughput % | MAPE CPU % | RMSE response time (s) | RMSE throughput (req/s) | RMSE CPU (cores) |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const [name, s] of Object.entries(scores.services)) lines.push(row(name, s.mape, s.rmse));
  lines.push(row('**mean**', scores.mean.mape, scores.mean.rmse));
  const excluded = Object.entries(scores.services).filter(([, s]) => s.excluded_rows > 0);
  if (excluded.length > 0) {
    const list = excluded.map(([name, s]) => `${name} ${s.excluded_rows}`).join(', ');
    lines.push('', `outage polls (throughput 0) left out of scoring: ${list}`);
  }
  return lines.join('\n');
}

/** `mean_mape_<target>` and `mean_rmse_<target>` (finite ones only: manifests hold numbers). */
export function meanMetrics(scores: PerformanceScores): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const key of ['response_time', 'throughput', 'cpu'] as const) {
    const { mape, rmse } = scores.mean;
    if (Number.isFinite(mape[key])) metrics[`mean_mape_${key}`] = mape[key];
    if (Number.isFinite(rmse[key])) metrics[`mean_rmse_${key}`] = rmse[key];
  }
  return metrics;
}
