/**
 * `fleetcast bench` entries for batch prediction (registry issue): rows/s for pull → predict → push of
 * 1M rows on the embedded DuckDB warehouse, each against the I/O floor — the same pull and push
 * through a passthrough ONNX model (one column in, the same column out: nearly no model work).
 *   batch-predict             a 3-feature ONNX cost model over a 4-column table
 *   batch-predict-forecaster  a fleet forecaster (ETS per series, 12 steps with quantiles) over a
 *                             long metrics table of 1,000 series; rows/s counts the rows pulled
 * The goal of the issue is ≥ 50% of the floor (a ratio ≥ 0.5).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalArtifactStore } from '../core/artifacts/index.js';
import type { Benchmark, BenchSide } from '../core/bench/harness.js';
import { openMetadataStore } from '../core/metadata/index.js';
import { openWarehouse, type Row, type TableSpec, type Warehouse } from '../core/warehouse/index.js';
import {
  fitSeriesBundle,
  linearModelOnnx,
  type SeriesBundle,
  saveOnnxModel,
  saveSeriesBundle,
} from '../models/index.js';
import { ModelRegistry } from '../registry/index.js';
import { runBatchPrediction } from './batch-predict.js';

const ROWS = 1_000_000;
const SERIES = 1_000;
const HORIZON = 12;
const STEP_MS = 5 * 60_000;

/** What one side needs: its input table, and the model folder to register as `bench@prod`. */
interface Workload {
  table: TableSpec;
  fill: (warehouse: Warehouse, rows: number) => Promise<void>;
  saveModel: (dir: string) => Promise<void>;
  key?: string;
  /** Predictions the side must write for `rows` input rows. */
  expectedOut: (rows: number) => number;
}

export function jobBenchmarks(scale = 1): Benchmark[] {
  const rows = Math.max(1_000, Math.round(ROWS * scale));
  const floor = (label: string, workload: Workload) => side(label, rows, workload);
  return [
    {
      name: 'batch-predict',
      description: `pull → predict → push ${rows.toLocaleString('en-US')} rows on DuckDB (ONNX model vs I/O floor)`,
      unit: 'rows/s',
      reference: floor('passthrough onnx', costInputs(['cpu'], [1], 0)),
      subject: side('onnx linear', rows, costInputs(['cpu', 'memory', 'spot'], [0.04, 0.005, -0.02], 0.01)),
    },
    {
      name: 'batch-predict-forecaster',
      description: `pull → forecast → push ${rows.toLocaleString('en-US')} metric rows of ${Math.min(SERIES, rows)} series on DuckDB (forecaster vs I/O floor)`,
      unit: 'rows/s',
      reference: floor('passthrough onnx', metricsPassthrough()),
      subject: side('forecaster (ETS)', rows, metricsForecaster()),
    },
  ];
}

function side(label: string, rows: number, workload: Workload): BenchSide {
  return {
    label,
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'fleetcast-bench-predict-'));
      const metadata = await openMetadataStore(`sqlite:${join(dir, 'm.sqlite')}`);
      const warehouse = await openWarehouse(`duckdb:${join(dir, 'w.duckdb')}`);
      const registry = new ModelRegistry({
        metadata,
        artifacts: new LocalArtifactStore(join(dir, 'artifacts')),
        user: 'bench',
        cacheDir: join(dir, 'cache'),
      });
      await warehouse.ensureTable(workload.table);
      await workload.fill(warehouse, rows);
      await workload.saveModel(join(dir, 'model'));
      await registry.register('bench', join(dir, 'model'), { env: 'prod' });
      const expected = workload.expectedOut(rows);
      return {
        iteration: async () => {
          const result = await runBatchPrediction(
            { warehouse, metadata, registry },
            {
              model: 'bench@prod',
              from: workload.table.name,
              to: 'outputs',
              ...(workload.key ? { key: workload.key } : {}),
              runId: `bench-${label}`,
              batchSize: 50_000,
            },
          );
          if (result.rows_in !== rows || result.rows_out !== expected) {
            throw new Error(`predicted ${result.rows_out} of ${expected} rows from ${result.rows_in}`);
          }
          return rows;
        },
        close: async () => {
          await warehouse.close();
          await metadata.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  };
}

/** A 4-column table of instance features, and a linear ONNX model over some of them. */
function costInputs(inputs: string[], weights: number[], bias: number): Workload {
  return {
    table: {
      name: 'inputs',
      columns: [
        { name: 'id', type: 'bigint', nullable: false },
        { name: 'cpu', type: 'double' },
        { name: 'memory', type: 'double' },
        { name: 'spot', type: 'double' },
      ],
    },
    fill: (warehouse, rows) =>
      fillInChunks(warehouse, 'inputs', rows, (i) => ({
        id: i,
        cpu: (i % 64) + 1,
        memory: (i % 256) + 1,
        spot: i % 2,
      })),
    saveModel: async (dir) => {
      await saveOnnxModel(dir, linearModelOnnx(weights, bias), {
        inputs: inputs.map((name) => ({ name, type: 'float64' as const })),
        outputs: [{ name: 'y', type: 'float64' }],
      });
    },
    key: 'id',
    expectedOut: (rows) => rows,
  };
}

const METRICS: TableSpec = {
  name: 'metrics',
  columns: [
    { name: 'series_id', type: 'text', nullable: false },
    { name: 'ts', type: 'timestamp', nullable: false },
    { name: 'value', type: 'double' },
  ],
};

/** CPU-like readings: a daily cycle (288 steps of 5 min) plus noise, one level per series. */
function metricRow(i: number, series: number): Row {
  const s = i % series;
  const t = Math.floor(i / series);
  const value = 40 + (s % 17) + 15 * Math.sin((2 * Math.PI * t) / 288) + ((i * 2654435761) % 1000) / 200;
  return { series_id: `vm-${String(s).padStart(4, '0')}`, ts: new Date(Date.UTC(2025, 0, 1) + t * STEP_MS), value };
}

function metricsPassthrough(): Workload {
  return {
    table: METRICS,
    fill: (warehouse, rows) => fillInChunks(warehouse, 'metrics', rows, (i) => metricRow(i, seriesFor(rows))),
    saveModel: async (dir) => {
      await saveOnnxModel(dir, linearModelOnnx([1], 0), {
        inputs: [{ name: 'value', type: 'float64' }],
        outputs: [{ name: 'y', type: 'float64' }],
      });
    },
    expectedOut: (rows) => rows,
  };
}

/**
 * A fleet forecaster over the metrics table. ETS is fitted once, on the first series, and its state
 * given to every series: forecasting (what this entry measures) costs the same whatever the fit, and
 * fitting 1,000 series would make opening the bench take minutes.
 */
function metricsForecaster(): Workload {
  let rowsSeen = 0;
  return {
    table: METRICS,
    fill: async (warehouse, rows) => {
      rowsSeen = rows;
      await fillInChunks(warehouse, 'metrics', rows, (i) => metricRow(i, seriesFor(rows)));
    },
    saveModel: async (dir) => {
      const series = seriesFor(rowsSeen);
      const points = Math.floor(rowsSeen / series);
      const first = Array.from({ length: points }, (_, t) => metricRow(t * series, series));
      const { bundle } = fitSeriesBundle(first, {
        idColumn: 'series_id',
        timeColumn: 'ts',
        valueColumn: 'value',
        horizon: HORIZON,
        season: 12,
        model: 'ets',
      });
      const fitted = Object.values(bundle.series)[0]!;
      const all: SeriesBundle['series'] = {};
      for (let s = 0; s < series; s++) {
        const last = metricRow((points - 1) * series + s, series);
        all[String(last.series_id)] = { lastMs: (last.ts as Date).getTime(), points, params: fitted.params };
      }
      saveSeriesBundle(dir, { ...bundle, series: all });
    },
    expectedOut: (rows) => seriesFor(rows) * HORIZON,
  };
}

function seriesFor(rows: number): number {
  return Math.max(1, Math.min(SERIES, Math.floor(rows / 100)));
}

async function fillInChunks(warehouse: Warehouse, table: string, rows: number, make: (i: number) => Row) {
  for (let start = 0; start < rows; start += 100_000) {
    const n = Math.min(100_000, rows - start);
    await warehouse.append(
      table,
      Array.from({ length: n }, (_, k) => make(start + k)),
    );
  }
}
