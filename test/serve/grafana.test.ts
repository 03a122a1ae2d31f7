/**
 * The Grafana dashboard kept in deploy/grafana is checked against the service's own metric list, so
 * a renamed or dropped metric breaks this test instead of leaving an empty panel in production.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { METRIC_NAMES } from '../../src/serve/metrics/registry.js';

interface Target {
  expr?: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos?: { x: number; y: number; w: number; h: number };
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  schemaVersion: number;
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Array<{ name: string; type: string; query?: unknown; definition?: string }> };
}

/** Grafana's reference to the data source variable, literally (not a template string). */
const DATASOURCE_VARIABLE = '$' + '{datasource}';

const dashboard = JSON.parse(
  readFileSync(new URL('../../deploy/grafana/fleetcast-serve.json', import.meta.url), 'utf8'),
) as Dashboard;

function allPanels(panels: Panel[]): Panel[] {
  return panels.flatMap((panel) => [panel, ...allPanels(panel.panels ?? [])]);
}

/** Every PromQL expression of the dashboard: panel targets and query variables. */
function expressions(): string[] {
  const fromPanels = allPanels(dashboard.panels).flatMap((panel) => (panel.targets ?? []).map((t) => t.expr ?? ''));
  const fromVariables = dashboard.templating.list.flatMap((variable) =>
    variable.type === 'query' ? [variable.definition ?? '', JSON.stringify(variable.query ?? '')] : [],
  );
  return [...fromPanels, ...fromVariables].filter((expr) => expr.length > 0);
}

/** A series name as exported: histograms add _bucket, _sum and _count to the declared name. */
function declaredName(series: string): string {
  const exported = new Set<string>(METRIC_NAMES);
  if (exported.has(series)) return series;
  const base = series.replace(/_(bucket|sum|count)$/, '');
  return exported.has(base) ? base : series;
}

describe('the Grafana dashboard', () => {
  it('is a current-schema dashboard with a Prometheus data source variable', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.uid).toBe('fleetcast-serve');
    const variable = dashboard.templating.list.find((v) => v.name === 'datasource');
    expect(variable).toMatchObject({ type: 'datasource', query: 'prometheus' });
  });

  it('queries only metrics the service exports', () => {
    const used = new Set(expressions().flatMap((expr) => expr.match(/\bfleetcast_[a-z0-9_]+/g) ?? []));
    expect(used.size).toBeGreaterThan(10);
    const unknown = [...used].filter((series) => !(METRIC_NAMES as readonly string[]).includes(declaredName(series)));
    expect(unknown, `not in METRIC_NAMES (src/serve/metrics): ${unknown.join(', ')}`).toEqual([]);
  });

  it('shows the metrics the issue names', () => {
    const text = expressions().join('\n');
    for (const name of [
      'fleetcast_http_requests_total',
      'fleetcast_http_request_duration_seconds_bucket',
      'fleetcast_inference_duration_seconds_bucket',
      'fleetcast_batch_size',
      'fleetcast_cache_hits_total',
      'fleetcast_cache_misses_total',
      'fleetcast_jobs',
    ]) {
      expect(text).toContain(name);
    }
    expect(text).toMatch(
      /histogram_quantile\(0\.99, sum by \(le\) \(rate\(fleetcast_http_request_duration_seconds_bucket/,
    );
  });

  it('gives every panel a unique id, a place on the grid and the data source variable', () => {
    const panels = allPanels(dashboard.panels);
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    for (const panel of panels) {
      expect(panel.gridPos, panel.title).toBeDefined();
      expect(panel.gridPos!.x + panel.gridPos!.w, panel.title).toBeLessThanOrEqual(24);
      if (panel.type === 'row') continue;
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: DATASOURCE_VARIABLE });
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) expect(target.expr, panel.title).toBeTruthy();
    }
  });

  it('has balanced parentheses and braces in every expression', () => {
    for (const expr of expressions()) {
      let depth = 0;
      for (const char of expr) {
        if (char === '(' || char === '{') depth += 1;
        if (char === ')' || char === '}') depth -= 1;
        expect(depth, expr).toBeGreaterThanOrEqual(0);
      }
      expect(depth, expr).toBe(0);
    }
  });
});
