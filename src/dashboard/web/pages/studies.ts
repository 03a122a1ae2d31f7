/** Studies: each tuning or calibration study's convergence (every trial's loss, best so far) and best parameters. */
import { call } from '../api.js';
import { h, notice, section, table } from '../dom.js';
import { chart } from '../plot.js';
import type { StudyDetail, StudySummary } from '../types.js';

export async function studiesPage(root: HTMLElement, name: string | undefined): Promise<void> {
  const { studies } = await call<{ studies: StudySummary[] }>('/api/v1/dashboard/studies');
  if (studies.length === 0) {
    root.append(notice('No studies yet: `fleetcast tune --example branin` or `fleetcast calibrate --example seir`.'));
    return;
  }
  root.append(
    section(
      'Studies',
      table(
        'table-studies',
        ['study', 'sampler', 'trials', 'completed', 'best loss', 'created'],
        studies.map((s) => [
          h('a', { href: `#/studies/${encodeURIComponent(s.name)}` }, s.name),
          s.sampler,
          String(s.trials),
          String(s.completed),
          s.best_loss === null ? '' : s.best_loss.toPrecision(5),
          s.created_at.slice(0, 19).replace('T', ' '),
        ]),
      ),
    ),
  );
  const chosen = name ?? studies[0]!.name;
  const detail = await call<StudyDetail>(`/api/v1/dashboard/studies/${encodeURIComponent(chosen)}`);
  const positive = detail.convergence.every((p) => p.loss > 0);
  const y = (v: number) => (positive ? Math.log10(v) : v);
  root.append(
    section(
      `${detail.name}: convergence`,
      chart({
        title: `Loss per trial and best so far${positive ? ' (log10)' : ''}`,
        xLabel: 'trial',
        yLabel: positive ? 'log10 loss' : 'loss',
        testId: 'chart-convergence',
        layers: [
          {
            kind: 'dots',
            label: 'trial',
            color: '#95a5a6',
            points: detail.convergence.map((p) => ({ x: p.number, y: y(p.loss) })),
          },
          {
            kind: 'step',
            label: 'best so far',
            color: '#c0392b',
            points: detail.convergence.map((p) => ({ x: p.number, y: y(p.best) })),
          },
        ],
      }),
      detail.best
        ? h(
            'div',
            { 'data-testid': 'study-best', 'data-value': String(detail.best.loss) },
            h('p', {}, `Best: trial ${detail.best.number}, loss ${detail.best.loss.toPrecision(6)}`),
            h('pre', {}, JSON.stringify(detail.best.params, null, 2)),
          )
        : notice('No completed trial yet.'),
    ),
  );
}
