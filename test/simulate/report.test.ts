import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ANOMALY_TYPES,
  HOURS_PER_MONTH,
  INSTANCE_TYPES,
  REPORT_COLUMNS,
  resolveFleetSpec,
  rightsizingRows,
  runSimulation,
  type SimulationSummary,
  simulateFleet,
} from '../../src/simulate/index.js';
import { runInProcess } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'fleetcast-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const price = (name: string): number => INSTANCE_TYPES.find((t) => t.name === name)?.hourlyUsd ?? Number.NaN;

describe('rightsizing report', () => {
  it('lists every resource with its recommendation and a saving that adds up to the fleet waste', async () => {
    const path = join(dir, 'reports', 'rightsizing.csv');
    const summary = await runSimulation({
      fleet: 40,
      days: 3,
      interval: '10m',
      seed: 6,
      output: { kind: 'none' },
      report: path,
    });
    const [header = '', ...lines] = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(header.split(',')).toEqual(REPORT_COLUMNS);
    expect(lines).toHaveLength(40);
    const rows = lines.map((line) =>
      Object.fromEntries(header.split(',').map((c, i) => [c, line.split(',')[i] ?? ''])),
    );
    for (const row of rows) {
      const saving = (price(row.instance_type ?? '') - price(row.recommended_instance ?? '')) * HOURS_PER_MONTH;
      expect(Number(row.monthly_saving_usd)).toBeCloseTo(Math.max(0, saving), 1);
      expect(Number(row.recommended_vcpus)).toBeCloseTo((Number(row.cpu_p995) / 100) * Number(row.vcpus) * 1.2, 2);
    }
    const report = summary.report;
    if (!report) throw new Error('no report summary');
    expect(report.resources).toBe(40);
    expect(report.overprovisioned).toBe(summary.fleet.overprovisioned_resources);
    expect((report.monthly_saving_usd / report.monthly_spend_usd) * 100).toBeCloseTo(summary.fleet.waste_pct, 1);
    const savings = report.top.map((r) => r.monthly_saving_usd);
    expect(savings).toEqual([...savings].sort((a, b) => b - a));
  });

  it('offers the rows as a function for the dashboard, largest saving first', () => {
    const spec = resolveFleetSpec({ fleet: 15, days: 2, interval: '30m', seed: 1 });
    const rows = rightsizingRows([...simulateFleet(spec)].map((r) => r.summary));
    expect(rows).toHaveLength(15);
    expect(rows[0]?.monthly_saving_usd).toBe(Math.max(...rows.map((r) => r.monthly_saving_usd)));
  });

  it('draws a few series with their anomalies shaded and the fleet utilisation distribution as SVG', async () => {
    const plots = join(dir, 'plots');
    const summary = await runSimulation({
      fleet: 30,
      days: 14,
      interval: '5m',
      seed: 4,
      anomalyRate: 0.1,
      output: { kind: 'none' },
      plots,
    });
    const files = summary.plots ?? [];
    expect(files.map((f) => basename(f))).toContain('utilisation.svg');
    const series = files.filter((f) => basename(f).startsWith('series-'));
    expect(series).toHaveLength(4);
    for (const file of series) {
      const svg = readFileSync(file, 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
      const lines = [...svg.matchAll(/<polyline [^>]*points="([^"]*)"/g)].map((m) => (m[1] ?? '').split(' ').length);
      // 4,032 samples in buckets of 3: 1,344 points per line, CPU and memory.
      expect(lines).toEqual([1344, 1344]);
      const shaded = [...svg.matchAll(/<rect [^>]*opacity="0.45"><title>([a-z_]+)<\/title>/g)].map((m) => m[1]);
      expect(shaded.length).toBeGreaterThan(0);
      for (const label of shaded) expect(ANOMALY_TYPES).toContain(label);
    }
    const histogram = readFileSync(join(plots, 'utilisation.svg'), 'utf8');
    const cpuCounts = [...histogram.matchAll(/<title>CPU \d+: (\d+)<\/title>/g)].map((m) => Number(m[1]));
    expect(cpuCounts.reduce((a, b) => a + b, 0)).toBe(30);
  });

  it('plots every anomalous resource when the fleet has fewer of them than plots', async () => {
    const options = { fleet: 12, days: 2, interval: '30m', seed: 3, anomalyRate: 0.05 };
    const anomalous = [...simulateFleet(resolveFleetSpec(options))]
      .map((r) => r.summary.plan)
      .filter((plan) => plan.anomalies.length > 0);
    // Precondition: 1–3 anomalous resources, some past the first four (the fallback series).
    expect(anomalous.length).toBeGreaterThan(0);
    expect(anomalous.length).toBeLessThan(4);
    expect(anomalous.some((plan) => plan.index >= 4)).toBe(true);
    const summary = await runSimulation({ ...options, output: { kind: 'none' }, plots: join(dir, 'few-plots') });
    const plotted = (summary.plots ?? []).map((f) => basename(f));
    for (const plan of anomalous) expect(plotted).toContain(`series-${plan.id}.svg`);
    expect(plotted.filter((f) => f.startsWith('series-'))).toHaveLength(4);
  });

  it('is written by `simulate --report` and summarised in --json', async () => {
    const result = await runInProcess(
      ['simulate', '--fleet', '10', '--days', '1', '--out', 'f.csv', '--report', 'r.csv', '--json'],
      { cwd: dir },
    );
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as SimulationSummary;
    expect(summary.report?.path).toBe(join(dir, 'r.csv'));
    expect(readFileSync(join(dir, 'r.csv'), 'utf8').trimEnd().split('\n')).toHaveLength(11);
    const bad = await runInProcess(['simulate', '--fleet', '2', '--days', '1', '--out', 'g.csv', '--report', 'r.txt'], {
      cwd: dir,
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/must be a \.csv file/);
  });
});
