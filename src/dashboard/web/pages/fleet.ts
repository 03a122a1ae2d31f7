/** Fleet overview: utilisation distribution, cost and waste by archetype, the largest rightsizing savings. */
import { call } from '../api.js';
import { h, kpi, money, notice, section, table } from '../dom.js';
import { bars } from '../plot.js';
import type { FleetOverview } from '../types.js';

export async function fleetPage(root: HTMLElement): Promise<void> {
  const fleet = await call<FleetOverview>('/api/v1/dashboard/fleet');
  if (fleet.resources === 0) {
    root.append(
      notice(`No metrics in ${fleet.table} yet: run \`fleetcast simulate --to-warehouse\` or \`fleetcast demo\`.`),
    );
    return;
  }
  root.append(
    h(
      'div',
      { class: 'kpis' },
      kpi('kpi-resources', 'resources', fleet.resources, String(fleet.resources)),
      kpi('kpi-monthly-cost', 'monthly cost', fleet.monthly_cost_usd, money(fleet.monthly_cost_usd)),
      kpi(
        'kpi-monthly-saving',
        'rightsizing saving / month',
        fleet.monthly_saving_usd,
        money(fleet.monthly_saving_usd),
      ),
      kpi('kpi-waste', 'waste', fleet.waste_pct, `${fleet.waste_pct.toFixed(1)} %`),
      kpi(
        'kpi-idle-cost',
        `idle cost (${fleet.from?.slice(0, 10)} → ${fleet.to?.slice(0, 10)})`,
        fleet.idle_cost_usd,
        money(fleet.idle_cost_usd),
      ),
      kpi('kpi-anomalies', 'anomalous samples', fleet.anomaly_rows, String(fleet.anomaly_rows)),
    ),
  );
  root.append(
    section(
      'Utilisation',
      bars({
        title: `Resources by mean CPU (median ${fleet.utilisation.median_cpu.toFixed(1)} %)`,
        yLabel: 'resources',
        testId: 'chart-utilisation',
        bars: fleet.utilisation.bins.map((b) => ({ label: `${b.from}–${b.to}%`, value: b.resources })),
      }),
    ),
    section(
      'Cost and waste by archetype',
      bars({
        title: 'Monthly cost (blue) and what rightsizing saves (orange)',
        yLabel: 'USD / month',
        testId: 'chart-archetypes',
        secondaryLabel: 'saving',
        bars: fleet.archetypes.map((a) => ({
          label: a.workload_type,
          value: a.monthly_cost_usd,
          secondary: a.monthly_saving_usd,
        })),
      }),
    ),
    section(
      'Top rightsizing savings',
      bars({
        title: 'Monthly saving by resource',
        yLabel: 'USD / month',
        testId: 'chart-savings',
        bars: fleet.top_savings.map((s) => ({ label: s.resource_id, value: s.monthly_saving_usd, color: '#e67e22' })),
      }),
      table(
        'table-savings',
        [
          'resource',
          'archetype',
          'instance',
          'recommended',
          'CPU mean %',
          'CPU P99.5 %',
          'memory peak %',
          'saving / month',
        ],
        fleet.top_savings.map((s) => [
          h('a', { href: `#/resources/${encodeURIComponent(s.resource_id)}` }, s.resource_id),
          s.workload_type,
          s.instance_type,
          s.recommended_instance,
          s.cpu_mean.toFixed(1),
          s.cpu_p995.toFixed(1),
          s.memory_peak.toFixed(1),
          money(s.monthly_saving_usd),
        ]),
      ),
    ),
  );
}
