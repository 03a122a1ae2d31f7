/**
 * Performance-model hyperparameters and their validation loss. The performance model exposes one
 * hyperparameter, `bucket_seconds` (how polls are merged in time before the per-level medians); the
 * loss is the mean MAPE over services of one target (or the mean of the three) on the levels the
 * published interpolation protocol holds out of the data given — which should be training data
 * only, so the held-out levels used to choose stay apart from any final test.
 *
 * Load-step rows cross the queue as columns (one array per field, services by index): a tenth of
 * the JSON of row objects.
 */
import type { PlainParams } from '../../contracts/index.js';
import { FleetcastError } from '../../core/errors.js';
import {
  fitPerformanceModel,
  interpolationSplit,
  type LoadStepRow,
  type PerformanceModel,
  scorePerformance,
} from '../../models/index.js';

export const PERFORMANCE_PARAMS = ['bucket_seconds'] as const;
export const PERFORMANCE_TARGETS = ['response_time', 'throughput', 'cpu', 'mean'] as const;
export type PerformanceTarget = (typeof PERFORMANCE_TARGETS)[number];

export interface LoadStepColumns {
  services: string[];
  timestamp: number[];
  service: number[];
  users: number[];
  responseTime: (number | null)[];
  throughput: (number | null)[];
  cpu: (number | null)[];
  replicas?: number[];
  cpuRequest?: number[];
}

const nullable = (v: number): number | null => (Number.isFinite(v) ? v : null);
const revive = (v: number | null | undefined): number => (v === null || v === undefined ? Number.NaN : v);

export function toColumns(rows: readonly LoadStepRow[]): LoadStepColumns {
  const services = [...new Set(rows.map((r) => r.service))];
  const index = new Map(services.map((s, i) => [s, i]));
  const hasReplicas = rows.every((r) => r.replicas !== undefined);
  const hasRequest = rows.every((r) => r.cpuRequest !== undefined);
  return {
    services,
    timestamp: rows.map((r) => r.timestamp),
    service: rows.map((r) => index.get(r.service)!),
    users: rows.map((r) => r.users),
    responseTime: rows.map((r) => nullable(r.responseTime)),
    throughput: rows.map((r) => nullable(r.throughput)),
    cpu: rows.map((r) => nullable(r.cpu)),
    ...(hasReplicas ? { replicas: rows.map((r) => r.replicas!) } : {}),
    ...(hasRequest ? { cpuRequest: rows.map((r) => r.cpuRequest!) } : {}),
  };
}

export function fromColumns(c: LoadStepColumns): LoadStepRow[] {
  return c.timestamp.map((timestamp, i) => ({
    timestamp,
    service: c.services[c.service[i]!]!,
    users: c.users[i]!,
    responseTime: revive(c.responseTime[i]),
    throughput: revive(c.throughput[i]),
    cpu: revive(c.cpu[i]),
    ...(c.replicas ? { replicas: c.replicas[i]! } : {}),
    ...(c.cpuRequest ? { cpuRequest: c.cpuRequest[i]! } : {}),
  }));
}

function bucketSeconds(params: PlainParams): number | undefined {
  for (const name of Object.keys(params)) {
    if (!(PERFORMANCE_PARAMS as readonly string[]).includes(name)) {
      throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `"${name}" is not a performance-model hyperparameter`, {
        hint: `use ${PERFORMANCE_PARAMS.join(', ')}`,
      });
    }
  }
  const v = params.bucket_seconds;
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !(v > 0)) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `bucket_seconds must be > 0, got ${String(v)}`, {
      hint: 'e.g. bucket_seconds: { type: int, low: 10, high: 300 }',
    });
  }
  return v;
}

export function fitPerformance(rows: readonly LoadStepRow[], params: PlainParams): PerformanceModel {
  const bucket = bucketSeconds(params);
  return fitPerformanceModel(rows, bucket === undefined ? {} : { bucketSeconds: bucket });
}

/** Validation MAPE (percent) of one parameter set, fitted without the held-out levels. */
export function performanceLoss(
  rows: readonly LoadStepRow[],
  params: PlainParams,
  target: PerformanceTarget,
): { loss: number; mape: Record<string, number> } {
  const split = interpolationSplit(rows);
  const model = fitPerformance(split.train, params);
  const scores = scorePerformance(model, split.test, model.params.bucketSeconds);
  const mape = scores.mean.mape;
  const loss = target === 'mean' ? (mape.response_time + mape.throughput + mape.cpu) / 3 : mape[target];
  return { loss, mape: { response_time: mape.response_time, throughput: mape.throughput, cpu: mape.cpu } };
}
