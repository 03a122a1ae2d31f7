/**
 * The published evaluation protocol (facts §4): per service, MAPE (percent) and RMSE (the data's
 * units) of response time, throughput and CPU on every test poll, then the plain mean over services.
 *
 * Scoring rules, fixed before looking at any score:
 *  - test rows go through the same duplicate merging as training rows;
 *  - a poll whose throughput is 0 is an outage (the service answered nothing, so its response time is
 *    `nan`): it is not a load-performance measurement and is left out of all three targets, and
 *    counted in `excluded_rows`;
 *  - a target missing (`nan`) in a poll is left out for that target only;
 *  - MAPE skips zero truths (as `mape` in models/metrics does).
 */
import { aggregateDuplicates } from '../data/aggregate.js';
import type { LoadStepRow } from '../data/types.js';
import { mape, rmse } from '../metrics/index.js';
import type { PerformanceModel } from './model.js';

export interface TargetScores {
  response_time: number;
  throughput: number;
  cpu: number;
}

export interface ServiceScores {
  mape: TargetScores;
  rmse: TargetScores;
  rows: number;
  excluded_rows: number;
}

export interface PerformanceScores {
  services: Record<string, ServiceScores>;
  mean: { mape: TargetScores; rmse: TargetScores };
}

const FIELDS = [
  ['response_time', 'responseTime'],
  ['throughput', 'throughput'],
  ['cpu', 'cpu'],
] as const;

interface Score {
  mape: number;
  rmse: number;
}

function scoreTarget(truth: number[], predicted: number[]): Score {
  const keep = truth.map((t, i) => (Number.isFinite(t) ? i : -1)).filter((i) => i >= 0);
  if (keep.length === 0) return { mape: Number.NaN, rmse: Number.NaN };
  const t = keep.map((i) => truth[i]!);
  const p = keep.map((i) => predicted[i]!);
  return { mape: mape(t, p), rmse: rmse(t, p) };
}

const meanOf = (values: number[]): number => {
  const finite = values.filter(Number.isFinite);
  return finite.length === 0 ? Number.NaN : finite.reduce((a, b) => a + b, 0) / finite.length;
};

/** Scores a model on raw test polls. */
export function scorePerformance(
  model: PerformanceModel,
  testRows: readonly LoadStepRow[],
  bucketSeconds = 60,
): PerformanceScores {
  const rows = aggregateDuplicates(testRows, bucketSeconds);
  const byService = new Map<string, LoadStepRow[]>();
  for (const row of rows) {
    const list = byService.get(row.service);
    if (list) list.push(row);
    else byService.set(row.service, [row]);
  }
  const services: Record<string, ServiceScores> = {};
  for (const [service, all] of [...byService].sort(([a], [b]) => a.localeCompare(b))) {
    const scored = all.filter((r) => r.throughput !== 0);
    const predicted = model.predict(
      scored.map((r) => ({
        service,
        users: r.users,
        ...(r.replicas !== undefined ? { replicas: r.replicas } : {}),
        ...(r.cpuRequest !== undefined ? { cpuRequest: r.cpuRequest } : {}),
      })),
    );
    const mapeScores = {} as TargetScores;
    const rmseScores = {} as TargetScores;
    for (const [key, field] of FIELDS) {
      const s = scoreTarget(
        scored.map((r) => r[field]),
        predicted.map((p) => p[field]),
      );
      mapeScores[key] = s.mape;
      rmseScores[key] = s.rmse;
    }
    services[service] = {
      mape: mapeScores,
      rmse: rmseScores,
      rows: scored.length,
      excluded_rows: all.length - scored.length,
    };
  }
  const list = Object.values(services);
  const mean = (pick: (s: ServiceScores) => TargetScores): TargetScores => ({
    response_time: meanOf(list.map((s) => pick(s).response_time)),
    throughput: meanOf(list.map((s) => pick(s).throughput)),
    cpu: meanOf(list.map((s) => pick(s).cpu)),
  });
  return { services, mean: { mape: mean((s) => s.mape), rmse: mean((s) => s.rmse) } };
}
