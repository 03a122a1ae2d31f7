/**
 * Fitting the GRU's services on a work queue (the local worker-thread pool, or BullMQ workers): one
 * task per service, so a 2-core host trains two services at once. Payloads are plain JSON (typed
 * arrays as number lists) so they cross a thread or Redis unchanged; results equal the in-thread fit.
 */
import { registerTask } from '../../../core/queue/tasks.js';
import type { WorkQueue } from '../../../core/queue/types.js';
import type { LoadStepRow } from '../../data/types.js';
import {
  assembleGru,
  fitServiceGru,
  type GruSetup,
  type PerformanceGruOptions,
  type PerformanceGruResult,
  resolveSetup,
  type ServiceFit,
} from './fit.js';
import { type ServiceSeries, serviceSeries } from './series.js';

export const FIT_PERFORMANCE_GRU_TASK = 'models.fit-performance-gru';

export interface GruServicePayload {
  setup: GruSetup;
  series: {
    service: string;
    timestamps: number[];
    features: number[];
    observed: number[];
    segment: number[];
    role: number[];
  };
}

export function fitServicePayload(payload: GruServicePayload): ServiceFit {
  const s = payload.series;
  const series: ServiceSeries = {
    service: s.service,
    length: s.timestamps.length,
    timestamps: s.timestamps,
    features: Float64Array.from(s.features),
    observed: Uint8Array.from(s.observed),
    segment: Int32Array.from(s.segment),
    role: Uint8Array.from(s.role),
  };
  return fitServiceGru(series, payload.setup);
}

/** As `fitPerformanceGru`, each service a task on `queue` (progress per service, not per epoch). */
export async function fitPerformanceGruOnQueue(
  rows: readonly LoadStepRow[],
  options: PerformanceGruOptions,
  queue: WorkQueue,
): Promise<PerformanceGruResult> {
  const setup = resolveSetup(options);
  const all = serviceSeries(rows, {
    bucketSeconds: setup.bucketSeconds,
    ...(options.split ? { split: options.split } : {}),
  });
  const fits = await Promise.all(
    all.map(async (series): Promise<[string, ServiceFit]> => {
      const payload: GruServicePayload = {
        setup,
        series: {
          service: series.service,
          timestamps: series.timestamps,
          features: Array.from(series.features),
          observed: Array.from(series.observed),
          segment: Array.from(series.segment),
          role: Array.from(series.role),
        },
      };
      const fit = await queue.run<ServiceFit>(FIT_PERFORMANCE_GRU_TASK, payload, { attempts: 1 });
      options.onService?.(series.service, 'skipped' in fit ? 0 : fit.scores.epochs);
      return [series.service, fit];
    }),
  );
  return assembleGru(fits, setup);
}

// Under vitest the sources are `.ts` (the pool's threads load them through the queue's TypeScript
// hooks); compiled, `.js`.
const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
registerTask(FIT_PERFORMANCE_GRU_TASK, new URL(`./fit-task${extension}`, import.meta.url));
