/** The jobs page: schedules and their recent runs (status, rows in/out, errors). */
import type { JobsOverview } from '../../contracts/dashboard.js';
import type { MetadataStore } from '../../core/index.js';
import { listScheduleRuns, listSchedules } from '../../jobs/index.js';

export async function jobsOverview(metadata: MetadataStore, limit = 50): Promise<JobsOverview> {
  const schedules = await listSchedules(metadata);
  const runs = await listScheduleRuns(metadata, { limit });
  const num = (x: unknown): number | null => (x == null ? null : Number(x));
  return {
    schedules: schedules.map((s) => ({
      name: s.name,
      cron: s.cron,
      timezone: s.timezone,
      model: s.predict.model,
      retries: s.retries,
      created_at: s.createdAt,
    })),
    runs: runs.map((r) => ({
      id: r.id,
      schedule: r.schedule,
      trigger: r.trigger,
      status: r.status,
      attempts: r.attempts,
      started_at: r.started_at,
      duration_ms: num(r.duration_ms),
      rows_in: num(r.rows_in),
      rows_out: num(r.rows_out),
      rejected: num(r.rejected),
      error: r.error,
    })),
  };
}
