/** Jobs and schedules: each schedule, and its recent runs as a chart (rows out, failures in red) and a table. */
import { call } from '../api.js';
import { h, notice, section, table } from '../dom.js';
import { bars } from '../plot.js';
import type { JobsOverview } from '../types.js';

export async function jobsPage(root: HTMLElement): Promise<void> {
  const jobs = await call<JobsOverview>('/api/v1/dashboard/jobs');
  if (jobs.schedules.length === 0 && jobs.runs.length === 0) {
    root.append(notice('No schedules yet: `fleetcast schedule add NAME --cron … --predict …`.'));
    return;
  }
  root.append(
    section(
      'Schedules',
      table(
        'table-schedules',
        ['name', 'cron', 'timezone', 'model', 'retries', 'created'],
        jobs.schedules.map((s) => [
          s.name,
          s.cron,
          s.timezone,
          s.model,
          String(s.retries),
          s.created_at.slice(0, 19).replace('T', ' '),
        ]),
      ),
    ),
    section(
      'Recent runs',
      bars({
        title: 'Rows written per run (failed runs in red)',
        yLabel: 'rows',
        testId: 'chart-runs',
        bars: [...jobs.runs].reverse().map((r) => ({
          label: r.started_at.slice(5, 16).replace('T', ' '),
          value: r.rows_out ?? 0,
          color: r.status === 'failed' ? '#c0392b' : r.status === 'running' ? '#f1c40f' : '#27ae60',
        })),
      }),
      table(
        'table-runs',
        [
          'started',
          'schedule',
          'trigger',
          'status',
          'attempts',
          'rows in',
          'rows out',
          'rejected',
          'duration',
          'error',
        ],
        jobs.runs.map((r) => [
          r.started_at.slice(0, 19).replace('T', ' '),
          r.schedule,
          r.trigger,
          h('span', { class: `status status-${r.status}` }, r.status),
          String(r.attempts),
          String(r.rows_in ?? ''),
          String(r.rows_out ?? ''),
          String(r.rejected ?? ''),
          r.duration_ms === null ? '' : `${(r.duration_ms / 1000).toFixed(2)} s`,
          r.error ?? '',
        ]),
      ),
    ),
  );
}
