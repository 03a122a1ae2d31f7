import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse, type Warehouse } from '../../src/core/index.js';
import { fleetOverview } from '../../src/dashboard/data/fleet.js';
import { kneeUsers } from '../../src/dashboard/data/performance.js';
import { listResources, resourceDetail } from '../../src/dashboard/data/resources.js';
import { runSimulation, type SimulationSummary } from '../../src/simulate/index.js';
import { tempDir } from '../helpers/services.js';

describe('dashboard data from a simulated fleet in DuckDB', () => {
  let warehouse: Warehouse;
  let summary: SimulationSummary;
  const temp = tempDir('dashboard-data-');
  const dir = temp.path;
  const url = `duckdb:${join(dir, 'warehouse.duckdb')}`;

  beforeAll(async () => {
    summary = await runSimulation({
      fleet: 8,
      days: 15,
      interval: '15m',
      seed: 11,
      anomalyRate: 0.3,
      output: { kind: 'warehouse', url, table: 'simulated_metrics' },
      report: join(dir, 'rightsizing.csv'),
    });
    warehouse = await openWarehouse(url);
  }, 120_000);
  afterAll(async () => {
    await warehouse?.close();
    temp.remove();
  });

  it('agrees with the simulator’s own rightsizing report on spend and savings', async () => {
    const fleet = await fleetOverview(warehouse, 'simulated_metrics');
    expect(fleet.resources).toBe(8);
    expect(fleet.rows).toBe(summary.rows);
    expect(fleet.interval_seconds).toBe(900);
    expect(fleet.monthly_cost_usd).toBeCloseTo(summary.report!.monthly_spend_usd, 1);
    expect(fleet.monthly_saving_usd).toBeCloseTo(summary.report!.monthly_saving_usd, 1);
    const reportTop = summary.report!.top.filter((r) => r.monthly_saving_usd > 0);
    expect(fleet.top_savings.map((s) => s.resource_id)).toEqual(reportTop.map((r) => r.resource_id));
    expect(fleet.utilisation.bins.reduce((a, b) => a + b.resources, 0)).toBe(8);
    expect(fleet.archetypes.reduce((a, b) => a + b.resources, 0)).toBe(8);
    const windows = Object.values(summary.anomalies).reduce((a, b) => a + b, 0);
    expect(windows).toBeGreaterThan(0);
    expect(fleet.anomaly_rows).toBeGreaterThan(0);
    const perResource = await listResources(warehouse, 'simulated_metrics');
    expect(perResource.reduce((a, r) => a + r.anomaly_rows, 0)).toBe(fleet.anomaly_rows);
  });

  it('lists resources and gives one’s history with its anomaly windows', async () => {
    const resources = await listResources(warehouse, 'simulated_metrics');
    expect(resources).toHaveLength(8);
    const withAnomaly = resources.find((r) => r.anomaly_rows > 0);
    expect(withAnomaly).toBeDefined();
    const detail = await resourceDetail(
      warehouse,
      { metrics: 'simulated_metrics', predictions: 'predictions' },
      withAnomaly!.resource_id,
    );
    expect(detail?.points).toBe(summary.rows_per_resource);
    const shaded = detail!.history.filter((p) => p.anomaly !== null).length;
    expect(shaded).toBe(withAnomaly!.anomaly_rows);
    expect(detail!.anomalies.length).toBeGreaterThan(0);
    expect(detail!.forecast).toBeNull();
    expect(
      await resourceDetail(warehouse, { metrics: 'simulated_metrics', predictions: 'predictions' }, 'nope'),
    ).toBeUndefined();
  });

  it('answers an empty overview for a table that does not exist', async () => {
    const fleet = await fleetOverview(warehouse, 'no_such_table');
    expect(fleet.resources).toBe(0);
    expect(await listResources(warehouse, 'no_such_table')).toEqual([]);
  });
});

describe('the capacity knee', () => {
  it('is where the low-load throughput line meets the saturation level', () => {
    // X(N) = min(N / 2, 10): slope 0.5 per user, saturating at 10 req/s ⇒ N* = 20.
    const curve = Array.from({ length: 60 }, (_, i) => ({ users: i + 1, throughput: Math.min((i + 1) / 2, 10) }));
    expect(kneeUsers(curve)).toBe(20);
  });
  it('is absent when throughput never saturates in range', () => {
    const curve = Array.from({ length: 10 }, (_, i) => ({ users: i + 1, throughput: (i + 1) / 2 }));
    expect(kneeUsers(curve)).toBeNull();
  });
});
