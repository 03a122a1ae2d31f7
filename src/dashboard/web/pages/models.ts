/**
 * Models: versions, who holds each alias and since when (a step chart of the version each alias
 * pointed at over time), backtest metrics, and promote / rollback guarded by confirmation.
 */
import { call } from '../api.js';
import { h, notice, section, table } from '../dom.js';
import { chart } from '../plot.js';
import type { ModelOverview } from '../types.js';

const COLORS = ['#2c7be5', '#e67e22', '#27ae60', '#8e44ad', '#c0392b'];

function aliasTimeline(model: ModelOverview): SVGSVGElement | undefined {
  const byAlias = new Map<string, Array<{ x: number; y: number }>>();
  for (const change of [...model.history].reverse()) {
    const points = byAlias.get(change.alias) ?? [];
    points.push({ x: new Date(change.changed_at).getTime(), y: change.to_version ?? 0 });
    byAlias.set(change.alias, points);
  }
  if (byAlias.size === 0) return undefined;
  const now = Date.now();
  const layers = [...byAlias.entries()].map(([alias, points], i) => ({
    kind: 'step' as const,
    label: alias,
    color: COLORS[i % COLORS.length]!,
    points: [...points, { x: now, y: points[points.length - 1]!.y }],
  }));
  return chart({
    title: 'Version held by each alias over time',
    xLabel: 'time',
    yLabel: 'version',
    time: true,
    layers,
    height: 200,
    testId: `chart-aliases-${model.name}`,
  });
}

async function act(path: string, body: Record<string, unknown>, question: string, rerender: () => void): Promise<void> {
  const needsConfirm = body.to === 'prod' || body.env === 'prod';
  if (!window.confirm(question)) return;
  try {
    await call(path, { method: 'POST', body: { ...body, ...(needsConfirm ? { confirm: true } : {}) } });
  } catch (error) {
    window.alert(`Refused: ${(error as Error).message}`);
  }
  rerender();
}

function modelCard(model: ModelOverview, rerender: () => void): HTMLElement {
  const versionPicker = h('select', { 'data-testid': `promote-version-${model.name}` });
  for (const v of model.versions) versionPicker.append(h('option', { value: String(v.version) }, `v${v.version}`));
  const aliasPicker = h('select', { 'data-testid': `promote-alias-${model.name}` });
  for (const a of ['dev', 'staging', 'prod', 'champion']) aliasPicker.append(h('option', { value: a }, a));
  const promote = h('button', { 'data-testid': `promote-${model.name}` }, 'Promote');
  promote.addEventListener('click', () => {
    const version = Number(versionPicker.value);
    const to = aliasPicker.value;
    void act(
      `/api/v1/models/${encodeURIComponent(model.name)}/promote`,
      { version, to, reason: 'dashboard' },
      `Point ${model.name}@${to} at version ${version}?`,
      rerender,
    );
  });
  const rollbackAlias = h('select', { 'data-testid': `rollback-alias-${model.name}` });
  for (const a of Object.keys(model.aliases)) rollbackAlias.append(h('option', { value: a }, a));
  const rollback = h('button', { 'data-testid': `rollback-${model.name}` }, 'Roll back');
  rollback.addEventListener('click', () => {
    const env = rollbackAlias.value;
    void act(
      `/api/v1/models/${encodeURIComponent(model.name)}/rollback`,
      { env, reason: 'dashboard' },
      `Return ${model.name}@${env} to its previous version?`,
      rerender,
    );
  });
  const metricNames = [...new Set(model.versions.flatMap((v) => Object.keys(v.metrics)))].slice(0, 6);
  const timeline = aliasTimeline(model);
  return section(
    `${model.name} · ${model.flavor}`,
    h(
      'p',
      { class: 'aliases', 'data-testid': `aliases-${model.name}`, 'data-aliases': JSON.stringify(model.aliases) },
      ...Object.entries(model.aliases).map(([alias, version]) =>
        h('span', { class: `badge badge-${alias}` }, `${alias} → v${version}`),
      ),
    ),
    h(
      'div',
      { class: 'toolbar' },
      versionPicker,
      h('span', {}, ' → '),
      aliasPicker,
      promote,
      h('span', { class: 'spacer' }),
      rollbackAlias,
      rollback,
    ),
    table(
      `versions-${model.name}`,
      ['version', 'aliases', 'created', 'by', 'size', ...metricNames],
      model.versions.map((v) => [
        `v${v.version}`,
        v.aliases.join(', '),
        v.created_at.slice(0, 19).replace('T', ' '),
        v.created_by,
        `${(v.size_bytes / 1024).toFixed(1)} KiB`,
        ...metricNames.map((m) => (v.metrics[m] === undefined ? '' : Number(v.metrics[m]).toPrecision(4))),
      ]),
    ),
    ...(timeline ? [timeline] : []),
    h(
      'details',
      {},
      h('summary', {}, `Alias history (${model.history.length})`),
      table(
        `history-${model.name}`,
        ['when', 'alias', 'action', 'from', 'to', 'who', 'why'],
        model.history.map((c) => [
          c.changed_at.slice(0, 19).replace('T', ' '),
          c.alias,
          c.action,
          c.from_version === null ? '—' : `v${c.from_version}`,
          c.to_version === null ? '—' : `v${c.to_version}`,
          c.changed_by,
          c.reason ?? '',
        ]),
      ),
    ),
  );
}

export async function modelsPage(root: HTMLElement, rerender: () => void): Promise<void> {
  const { models } = await call<{ models: ModelOverview[] }>('/api/v1/dashboard/models');
  if (models.length === 0) {
    root.append(notice('No models registered yet: `fleetcast models register NAME PATH` or `fleetcast demo`.'));
    return;
  }
  for (const model of models) root.append(modelCard(model, rerender));
}
