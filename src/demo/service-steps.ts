/**
 * The demo's measurement and fitting steps: a short load sweep of the local demo app (embedded
 * scraping: no Prometheus needed), the performance model trained on it, and a short calibration of
 * the workload simulator to one resource of the simulated fleet, recorded as a study.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDemoCollection } from '../collect/index.js';
import { openWarehouse } from '../core/index.js';
import {
  fitPerformanceModel,
  meanMetrics,
  readLoadStepCsv,
  savePerformanceModel,
  scorePerformance,
} from '../models/index.js';
import { openRegistry } from '../registry/index.js';
import { DEFAULT_METRICS_TABLE } from '../simulate/index.js';
import { calibrateWorkload } from '../tune/index.js';
import type { DemoContext } from './context.js';
import type { DemoStep } from './steps.js';

export const PERFORMANCE_MODEL = 'service-performance';
export const CALIBRATION_STUDY = 'demo-workload-calibration';
/** The demo sweep polls every 2 s: merge polls within that bucket only. */
const SWEEP_BUCKET_SECONDS = 2;

export const sweepPath = (c: DemoContext): string => join(c.dir, 'sweep.csv');

export const collectStep: DemoStep<DemoContext> = {
  id: 'collect',
  title: 'measure the demo app under a load sweep',
  inputs: () => ({ levels: 'demo-quick', scraper: 'embedded' }),
  stillValid: async (c) => existsSync(sweepPath(c)),
  async run(c) {
    // A sweep from an interrupted run is resumed by the collector: complete levels are kept.
    const summary = await runDemoCollection({
      csv: sweepPath(c),
      scraper: 'embedded',
      quick: true,
      env: c.env,
      progress: c.progress,
    });
    return {
      output: sweepPath(c),
      rows: summary.rows,
      levels: summary.levels,
      capacity_rps: summary.capacity_rps,
      physics_max_error_pct: summary.physics?.max_error_pct ?? null,
    };
  },
};

export const performanceStep: DemoStep<DemoContext> = {
  id: 'performance',
  title: 'train the performance model on the sweep, promote it to prod',
  inputs: () => ({ bucket: SWEEP_BUCKET_SECONDS }),
  stillValid: async (c, detail) => {
    const opened = await openRegistry(c.config, c.env);
    try {
      return (await opened.registry.resolve(`${PERFORMANCE_MODEL}@prod`)).version === detail.version;
    } catch {
      return false;
    } finally {
      await opened.close();
    }
  },
  async run(c) {
    const rows = readLoadStepCsv(sweepPath(c));
    const model = fitPerformanceModel(rows, { bucketSeconds: SWEEP_BUCKET_SECONDS, source: sweepPath(c) });
    // In-sample fit: the sweep is short, and the point of the laws is the curve past its end.
    const metrics = meanMetrics(scorePerformance(model, rows, SWEEP_BUCKET_SECONDS));
    const scratch = mkdtempSync(join(tmpdir(), 'fleetcast-demo-'));
    const opened = await openRegistry(c.config, c.env);
    try {
      savePerformanceModel(join(scratch, 'model'), model, { metrics });
      const version = await opened.registry.register(PERFORMANCE_MODEL, join(scratch, 'model'), {
        source: 'fleetcast demo sweep',
        env: 'dev',
      });
      await opened.registry.promote(PERFORMANCE_MODEL, version.version, 'prod', 'demo: trained on the sweep');
      return { model: PERFORMANCE_MODEL, version: version.version, services: model.services.length, metrics };
    } finally {
      await opened.close();
      rmSync(scratch, { recursive: true, force: true });
    }
  },
};

export const calibrateStep: DemoStep<DemoContext> = {
  id: 'calibrate',
  title: 'calibrate the web archetype to one resource of the fleet',
  inputs: (c) => ({ trials: c.calibrationTrials, seed: c.seed }),
  async run(c) {
    const warehouse = await openWarehouse(c.config.warehouseUrl);
    let series: Array<Record<string, unknown>>;
    let resource: string;
    try {
      const [first] = await warehouse.query(
        `SELECT min(resource_id) AS id FROM "${DEFAULT_METRICS_TABLE}" WHERE workload_type = 'web'`,
      );
      resource = String(first?.id);
      series = await warehouse.query(
        `SELECT timestamp, cpu_utilization FROM "${DEFAULT_METRICS_TABLE}" WHERE resource_id = $1 ORDER BY timestamp`,
        [resource],
      );
    } finally {
      await warehouse.close();
    }
    const opened = await openRegistry(c.config, c.env);
    try {
      // A new study name per run: a study's space is fixed once created.
      const name = `${CALIBRATION_STUDY}-${new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '')}`;
      const result = await calibrateWorkload(
        {
          timestamps: series.map((r) => r.timestamp as Date),
          values: series.map((r) => Number(r.cpu_utilization)),
        },
        { archetype: 'web', trials: c.calibrationTrials, seed: c.seed, record: { metadata: opened.metadata, name } },
      );
      return {
        study: name,
        resource,
        fitted: result.fitted,
        loss: result.loss,
        trials: result.trials,
        observed: result.observed,
        simulated: result.simulated,
      };
    } finally {
      await opened.close();
    }
  },
};
