/** A resource: metric history with anomalies shaded, and the latest stored forecast with its 10–90 % band. */
import { call } from '../api.js';
import { h, notice, section } from '../dom.js';
import { chart } from '../plot.js';
import type { ResourceDetail, ResourceListItem } from '../types.js';

const ms = (iso: string): number => new Date(iso).getTime();

export async function resourcePage(root: HTMLElement, id: string | undefined): Promise<void> {
  const { resources } = await call<{ resources: ResourceListItem[] }>('/api/v1/dashboard/resources');
  if (resources.length === 0) {
    root.append(notice('No resources stored yet.'));
    return;
  }
  const chosen = id ?? resources[0]!.resource_id;
  const picker = h('select', { 'data-testid': 'resource-picker' });
  for (const r of resources) {
    const option = h('option', { value: r.resource_id }, `${r.resource_id} · ${r.workload_type}`);
    if (r.resource_id === chosen) option.selected = true;
    picker.append(option);
  }
  picker.addEventListener('change', () => {
    location.hash = `#/resources/${encodeURIComponent(picker.value)}`;
  });
  root.append(h('div', { class: 'toolbar' }, h('label', {}, 'Resource ', picker)));
  const detail = await call<ResourceDetail>(`/api/v1/dashboard/resources/${encodeURIComponent(chosen)}`);
  const cpu = detail.history.map((p) => ({ x: ms(p.t), y: p.cpu }));
  const layers: Parameters<typeof chart>[0]['layers'] = [
    { kind: 'line', label: 'CPU %', color: '#3b7dd8', points: cpu },
  ];
  if (detail.forecast) {
    layers.push(
      {
        kind: 'band',
        label: 'forecast 10–90 %',
        color: '#8e44ad',
        band: detail.forecast.steps.map((s) => ({ x: ms(s.t), lo: s.q10, hi: s.q90 })),
      },
      {
        kind: 'line',
        label: 'forecast',
        color: '#8e44ad',
        points: detail.forecast.steps.map((s) => ({ x: ms(s.t), y: s.mean })),
      },
    );
  }
  root.append(
    section(
      `${detail.resource_id} · ${detail.workload_type ?? ''} on ${detail.instance_type ?? ''}`,
      h(
        'p',
        {
          'data-testid': 'resource-facts',
          'data-points': String(detail.points),
          'data-anomalies': String(detail.anomalies.length),
        },
        `${detail.points} samples, ${detail.anomalies.length} anomaly windows` +
          (detail.forecast
            ? `; forecast by ${detail.forecast.model}:${detail.forecast.version} at ${detail.forecast.predicted_at}`
            : '; no forecast stored yet'),
      ),
      chart({
        title: 'CPU utilisation, anomalies shaded',
        xLabel: 'time (UTC)',
        yLabel: 'CPU %',
        time: true,
        testId: 'chart-resource-cpu',
        layers,
        windows: detail.anomalies.map((a) => ({ from: ms(a.from), to: ms(a.to), label: a.type })),
      }),
      chart({
        title: 'Memory utilisation',
        xLabel: 'time (UTC)',
        yLabel: 'memory %',
        time: true,
        testId: 'chart-resource-memory',
        layers: [
          {
            kind: 'line',
            label: 'memory %',
            color: '#16a085',
            points: detail.history.map((p) => ({ x: ms(p.t), y: p.memory })),
          },
        ],
        windows: detail.anomalies.map((a) => ({ from: ms(a.from), to: ms(a.to), label: a.type })),
      }),
    ),
  );
}
