/**
 * `fleetcast bench` entry for batch prediction (registry issue): rows/s for pull → predict → push of
 * 1M rows on the embedded DuckDB warehouse, a 3-feature ONNX cost model (subject) against a
 * passthrough ONNX model on one column (reference: the same pull and push, nearly no model work).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalArtifactStore } from '../core/artifacts/index.js';
import type { Benchmark, BenchSide } from '../core/bench/harness.js';
import { openMetadataStore } from '../core/metadata/index.js';
import { openWarehouse } from '../core/warehouse/index.js';
import { linearModelOnnx, saveOnnxModel } from '../models/index.js';
import { ModelRegistry } from '../registry/index.js';
import { runBatchPrediction } from './batch-predict.js';

const ROWS = 1_000_000;

export function jobBenchmarks(scale = 1): Benchmark[] {
  const rows = Math.max(1_000, Math.round(ROWS * scale));
  return [
    {
      name: 'batch-predict',
      description: `pull → predict → push ${rows.toLocaleString('en-US')} rows on DuckDB`,
      unit: 'rows/s',
      reference: side('passthrough', rows, [1], ['cpu']),
      subject: side('onnx linear', rows, [0.04, 0.005, -0.02], ['cpu', 'memory', 'spot']),
    },
  ];
}

function side(label: string, rows: number, weights: number[], inputs: string[]): BenchSide {
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
      await saveOnnxModel(join(dir, 'model'), linearModelOnnx(weights, 0.01), {
        inputs: inputs.map((name) => ({ name, type: 'float64' as const })),
        outputs: [{ name: 'y', type: 'float64' }],
      });
      await registry.register('bench', join(dir, 'model'), { env: 'prod' });
      await warehouse.ensureTable({
        name: 'inputs',
        columns: [
          { name: 'id', type: 'bigint', nullable: false },
          { name: 'cpu', type: 'double' },
          { name: 'memory', type: 'double' },
          { name: 'spot', type: 'double' },
        ],
      });
      for (let start = 0; start < rows; start += 100_000) {
        const n = Math.min(100_000, rows - start);
        await warehouse.append(
          'inputs',
          Array.from({ length: n }, (_, i) => ({
            id: start + i,
            cpu: (i % 64) + 1,
            memory: (i % 256) + 1,
            spot: i % 2,
          })),
        );
      }
      return {
        iteration: async () => {
          const result = await runBatchPrediction(
            { warehouse, metadata, registry },
            {
              model: 'bench@prod',
              from: 'inputs',
              to: 'outputs',
              key: 'id',
              runId: `bench-${label}`,
              batchSize: 50_000,
            },
          );
          if (result.rows_out !== rows) throw new Error(`predicted ${result.rows_out} of ${rows} rows`);
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
