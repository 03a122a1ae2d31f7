/** Service performance: response time, throughput and CPU against users, measured and predicted, the knee marked. */
import { call } from '../api.js';
import { h, notice, section } from '../dom.js';
import { chart } from '../plot.js';
import type { PerformanceOverview } from '../types.js';

const PANELS = [
  { key: 'response_time', title: 'Response time', unit: 's' },
  { key: 'throughput', title: 'Throughput', unit: 'req/s' },
  { key: 'cpu', title: 'CPU', unit: 'cores' },
] as const;

export async function performancePage(root: HTMLElement): Promise<void> {
  const perf = await call<PerformanceOverview>('/api/v1/dashboard/performance');
  if (perf.services.length === 0) {
    root.append(notice('No load sweep yet: `fleetcast collect --demo` writes one.'));
    return;
  }
  root.append(
    h('p', { class: 'muted' }, `Measured: ${perf.source ?? '—'} · model: ${perf.model ?? 'none registered'}`),
  );
  for (const service of perf.services) {
    const marks =
      service.knee_users === null
        ? []
        : [{ x: service.knee_users, label: `knee ≈ ${service.knee_users.toFixed(1)} users` }];
    root.append(
      section(
        service.service,
        h(
          'div',
          { class: 'grid3', 'data-testid': `perf-${service.service}`, 'data-knee': String(service.knee_users ?? '') },
          ...PANELS.map((panel) =>
            chart({
              title: `${panel.title} (${panel.unit})`,
              xLabel: 'users',
              yLabel: panel.unit,
              width: 360,
              height: 240,
              marks,
              layers: [
                {
                  kind: 'line',
                  label: 'predicted',
                  color: '#8e44ad',
                  points: service.predicted.map((p) => ({ x: p.users, y: p[panel.key] })),
                },
                {
                  kind: 'dots',
                  label: 'measured',
                  color: '#2c7be5',
                  points: service.measured.map((p) => ({ x: p.users, y: p[panel.key] })),
                },
              ],
            }),
          ),
        ),
      ),
    );
  }
}
