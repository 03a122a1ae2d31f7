/**
 * Waits for the study's Job to finish, reading it from the API: its Complete or Failed condition
 * (or the succeeded / failed counts on clusters that report only those).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { FleetcastError } from '../../../core/errors.js';
import type { Cluster, ObjectRef } from '../kubernetes/cluster.js';

export type JobResult = 'succeeded' | 'failed';

interface JobView {
  spec?: { backoffLimit?: number };
  status?: {
    succeeded?: number;
    failed?: number;
    conditions?: Array<{ type?: string; status?: string }>;
  };
}

export async function waitForJob(
  cluster: Cluster,
  job: ObjectRef,
  options: { timeoutMs: number; pollIntervalMs: number; onWaiting?: () => void },
): Promise<JobResult> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const current = (await cluster.read(job)) as JobView | undefined;
    if (current === undefined) {
      throw new FleetcastError('FLEETCAST_NOT_FOUND', `job ${job.name} disappeared while it was awaited`, {
        hint: `kubectl -n ${job.namespace} get events shows who deleted it`,
      });
    }
    const result = jobResult(current);
    if (result) return result;
    if (Date.now() >= deadline) {
      throw new FleetcastError(
        'FLEETCAST_TASK_FAILED',
        `job ${job.name} did not finish within ${seconds(options.timeoutMs)} (--wait-timeout)`,
        {
          hint: `it keeps running in the cluster: kubectl -n ${job.namespace} logs job/${job.name} -f`,
        },
      );
    }
    options.onWaiting?.();
    await sleep(Math.min(options.pollIntervalMs, Math.max(0, deadline - Date.now())));
  }
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${ms / 1000} s` : `${Math.round(ms / 1000)} s`;
}

function jobResult(job: JobView): JobResult | undefined {
  const conditions = job.status?.conditions ?? [];
  const holds = (type: string) => conditions.some((c) => c.type === type && c.status === 'True');
  if (holds('Complete')) return 'succeeded';
  if (holds('Failed')) return 'failed';
  if ((job.status?.succeeded ?? 0) > 0) return 'succeeded';
  if ((job.status?.failed ?? 0) > (job.spec?.backoffLimit ?? 6)) return 'failed';
  return undefined;
}
