/**
 * The demo's data and forecasting steps: simulate the fleet into the warehouse, backtest the
 * forecasters per resource group (archetype), train the fleet's forecaster, register it and walk it
 * to prod, then run the scheduled batch prediction once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWarehouse, type Warehouse } from '../core/index.js';
import { addSchedule, listSchedules, runBatchPrediction, runScheduleNow } from '../jobs/index.js';
import { fitSeriesBundle, runBacktest, saveSeriesBundle } from '../models/index.js';
import { openRegistry } from '../registry/index.js';
import { DEFAULT_METRICS_TABLE, runSimulation } from '../simulate/index.js';
import type { DemoContext } from './context.js';
import type { DemoStep } from './steps.js';

export const FORECAST_MODEL = 'cpu-forecast';
export const PREDICTIONS_TABLE = 'predictions';
export const SCHEDULE_NAME = 'cpu-forecast-nightly';

async function withWarehouse<T>(context: DemoContext, use: (warehouse: Warehouse) => Promise<T>): Promise<T> {
  const warehouse = await openWarehouse(context.config.warehouseUrl);
  try {
    return await use(warehouse);
  } finally {
    await warehouse.close();
  }
}

async function tableRows(context: DemoContext, table: string): Promise<number> {
  return withWarehouse(context, async (warehouse) => {
    if (!(await warehouse.hasTable(table))) return 0;
    const [row] = await warehouse.query(`SELECT count(*) AS n FROM "${table}"`);
    return Number(row?.n ?? 0);
  });
}

export const simulateStep: DemoStep<DemoContext> = {
  id: 'simulate',
  title: 'simulate the fleet into the warehouse',
  inputs: (c) => ({
    fleet: c.fleet,
    days: c.days,
    interval: c.interval,
    seed: c.seed,
    warehouse: c.config.warehouseUrl,
  }),
  stillValid: async (c, detail) => (await tableRows(c, DEFAULT_METRICS_TABLE)) === detail.rows,
  async run(c) {
    // A table left by an interrupted or older run would be appended to: start it afresh.
    await withWarehouse(c, (w) => w.query(`DROP TABLE IF EXISTS "${DEFAULT_METRICS_TABLE}"`));
    const summary = await runSimulation({
      fleet: c.fleet,
      days: c.days,
      interval: c.interval,
      seed: c.seed,
      output: { kind: 'warehouse', url: c.config.warehouseUrl, table: DEFAULT_METRICS_TABLE },
      report: join(c.dir, 'rightsizing.csv'),
    });
    return {
      table: DEFAULT_METRICS_TABLE,
      rows: summary.rows,
      resources: summary.fleet_size,
      rows_per_s: summary.rows_per_s,
      monthly_saving_usd: summary.report?.monthly_saving_usd ?? null,
    };
  },
};

/**
 * Hourly means per resource: capacity decisions are made on hours, and the daily season of 24
 * steps keeps ETS's seasonal states few (at 15-minute steps, 96 of them made training 10× slower).
 */
async function fleetSeries(c: DemoContext): Promise<Array<Record<string, unknown>>> {
  return withWarehouse(c, (w) =>
    w.query(
      `SELECT resource_id, min(workload_type) AS workload_type, date_trunc('hour', timestamp) AS timestamp,
              avg(cpu_utilization) AS cpu_utilization
         FROM "${DEFAULT_METRICS_TABLE}" GROUP BY resource_id, date_trunc('hour', timestamp)
         ORDER BY resource_id, timestamp`,
    ),
  );
}

export const backtestStep: DemoStep<DemoContext> = {
  id: 'backtest',
  title: 'backtest forecasters per resource group',
  inputs: (c) => ({ horizon: c.horizon, season: c.season, models: c.backtestModels }),
  async run(c) {
    const rows = await fleetSeries(c);
    const groups = new Map<string, Map<string, number[]>>();
    for (const row of rows) {
      const group = groups.get(String(row.workload_type)) ?? new Map<string, number[]>();
      const id = String(row.resource_id);
      group.set(id, [...(group.get(id) ?? []), Number(row.cpu_utilization)]);
      groups.set(String(row.workload_type), group);
    }
    const results: Record<string, unknown> = {};
    const metrics: Record<string, number> = {};
    for (const [group, series] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const report = runBacktest(
        [...series.entries()].map(([id, values]) => ({ id, values })),
        { horizon: c.horizon, folds: 3, season: c.season, models: c.backtestModels },
      );
      const best = [...report.models]
        .filter((m) => m.relativeMase !== null)
        .sort((a, b) => (a.relativeMase ?? Infinity) - (b.relativeMase ?? Infinity))[0];
      results[group] = {
        series: series.size,
        models: report.models.map((m) => ({ model: m.model, mase: m.mean.mase, relative_mase: m.relativeMase })),
        best: best?.model ?? null,
      };
      if (best?.relativeMase != null) metrics[`relative_mase_${group}`] = best.relativeMase;
    }
    return { groups: results, metrics };
  },
};

export const trainForecastStep: DemoStep<DemoContext> = {
  id: 'train-forecast',
  title: 'train and register the fleet forecaster, promote it to prod',
  inputs: (c) => ({ horizon: c.horizon, season: c.season, model: c.forecastModel }),
  stillValid: async (c, detail) => {
    const opened = await openRegistry(c.config, c.env);
    try {
      const prod = await opened.registry.resolve(`${FORECAST_MODEL}@prod`);
      return prod.version === detail.version;
    } catch {
      return false;
    } finally {
      await opened.close();
    }
  },
  async run(c, earlier) {
    const rows = await fleetSeries(c);
    const { bundle, skipped } = fitSeriesBundle(rows, {
      idColumn: 'resource_id',
      timeColumn: 'timestamp',
      valueColumn: 'cpu_utilization',
      horizon: c.horizon,
      season: c.season,
      model: c.forecastModel,
    });
    const scratch = mkdtempSync(join(tmpdir(), 'fleetcast-demo-'));
    const opened = await openRegistry(c.config, c.env);
    try {
      const dir = join(scratch, 'model');
      const metrics = (earlier.backtest?.metrics ?? {}) as Record<string, number>;
      saveSeriesBundle(dir, bundle, { metrics });
      const version = await opened.registry.register(FORECAST_MODEL, dir, { source: 'fleetcast demo', env: 'dev' });
      // The promotion path every model walks: dev → staging → prod, each step in the alias history.
      await opened.registry.promote(FORECAST_MODEL, version.version, 'staging', 'demo: backtest passed');
      await opened.registry.promote(FORECAST_MODEL, version.version, 'prod', 'demo: promoted after staging');
      return {
        model: FORECAST_MODEL,
        version: version.version,
        series: Object.keys(bundle.series).length,
        skipped: skipped.length,
      };
    } finally {
      await opened.close();
      rmSync(scratch, { recursive: true, force: true });
    }
  },
};

export const schedulePredictStep: DemoStep<DemoContext> = {
  id: 'scheduled-predict',
  title: 'run the nightly batch prediction once',
  inputs: () => ({ schedule: SCHEDULE_NAME, table: PREDICTIONS_TABLE }),
  stillValid: async (c) => (await tableRows(c, PREDICTIONS_TABLE)) > 0,
  async run(c) {
    const opened = await openRegistry(c.config, c.env);
    try {
      const existing = await listSchedules(opened.metadata);
      if (!existing.some((s) => s.name === SCHEDULE_NAME)) {
        await addSchedule(
          opened.metadata,
          {
            name: SCHEDULE_NAME,
            cron: '0 2 * * *',
            timezone: 'UTC',
            // One input row per series: the forecaster answers each with its horizon of quantiles.
            predict: {
              model: `${FORECAST_MODEL}@prod`,
              from: `SELECT DISTINCT resource_id FROM ${DEFAULT_METRICS_TABLE}`,
              to: PREDICTIONS_TABLE,
            },
            retries: 3,
            backoffMs: 60_000,
          },
          'fleetcast-demo',
        );
      }
      const warehouse = await openWarehouse(c.config.warehouseUrl);
      try {
        const run = await runScheduleNow(opened.metadata, SCHEDULE_NAME, (spec) =>
          runBatchPrediction(
            { registry: opened.registry, metadata: opened.metadata, warehouse },
            {
              model: spec.model,
              from: spec.from,
              to: spec.to,
              ...(spec.key ? { key: spec.key } : {}),
            },
          ),
        );
        return {
          schedule: SCHEDULE_NAME,
          status: run.status,
          rows_in: run.rows_in,
          rows_out: run.rows_out,
          error: run.error,
        };
      } finally {
        await warehouse.close();
      }
    } finally {
      await opened.close();
    }
  },
};
