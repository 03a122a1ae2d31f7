/**
 * Batch prediction: pull rows from the warehouse (a table, a SELECT, or a CSV/Parquet file), check
 * them against the model's signature, predict in batches, and push the predictions with their
 * lineage (`run_id, model, version, environment, predicted_at, key`). The push is one upsert on
 * `(run_id, key)`: a re-run of the same run id replaces its rows, and a crash before the push leaves
 * no rows and a run marked failed, never a partial run that looks complete.
 */
import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { errorMessage, FleetcastError } from '../core/errors.js';
import { createRun, finishRun, type MetadataStore } from '../core/metadata/index.js';
import type { ColumnSpec, ColumnType, Warehouse } from '../core/warehouse/index.js';
import { openWarehouse } from '../core/warehouse/index.js';
import type { FieldSpec } from '../models/index.js';
import { type ModelRegistry, parseModelReference } from '../registry/index.js';
import { type Row, validateRows } from './validate.js';

export interface BatchPredictionOptions {
  /** `NAME@ENV`, `NAME:N` or `NAME`. */
  model: string;
  /** A table name, a SELECT statement, or a .csv/.parquet file path. */
  from: string;
  /** Table the predictions go to; rejected rows go to `{to}_rejected`. */
  to: string;
  /** Input column that identifies a row in the output (default: the row's position). */
  key?: string;
  batchSize?: number;
  /** Re-use a run id to replace that run's predictions. */
  runId?: string;
  cwd?: string;
  onProgress?: (done: number, total: number) => void;
}

export interface BatchPredictionResult {
  run_id: string;
  model: string;
  version: number;
  environment: string | null;
  rows_in: number;
  rows_out: number;
  rejected: number;
  table: string;
  rejected_table: string | null;
}

const LINEAGE_COLUMNS: ColumnSpec[] = [
  { name: 'run_id', type: 'text', nullable: false },
  { name: 'model', type: 'text', nullable: false },
  { name: 'version', type: 'integer', nullable: false },
  { name: 'environment', type: 'text' },
  { name: 'predicted_at', type: 'timestamp', nullable: false },
  { name: 'key', type: 'text', nullable: false },
];

export async function runBatchPrediction(
  stores: { warehouse: Warehouse; metadata: MetadataStore; registry: ModelRegistry },
  options: BatchPredictionOptions,
): Promise<BatchPredictionResult> {
  const reference = parseModelReference(options.model);
  const { version, predictor } = await stores.registry.load(options.model);
  const environment = 'alias' in reference ? reference.alias : null;
  const run = await createRun(stores.metadata, {
    kind: 'predict',
    name: `${version.name}:${version.version}`,
    params: { from: options.from, to: options.to, environment },
    ...(options.runId ? { id: options.runId } : {}),
  }).catch(async (error) => {
    // Re-running a run id replaces its predictions: the run record is reused.
    if (options.runId) return { id: options.runId };
    throw error;
  });
  try {
    const rows = await pullRows(stores.warehouse, options.from, options.cwd ?? process.cwd());
    if (options.key !== undefined && rows.length > 0 && !(options.key in rows[0]!)) {
      throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `key column "${options.key}" is not in ${options.from}`, {
        hint: `columns: ${Object.keys(rows[0]!).join(', ')}`,
      });
    }
    const validated = validateRows(rows, predictor.signature, predictor.accepts?.bind(predictor));
    const { accepted, rejected } = options.key ? rejectDuplicateKeys(validated, options.key) : validated;
    const predictedAt = new Date();
    const outputs: Row[] = [];
    const lineage = {
      run_id: run.id,
      model: version.name,
      version: version.version,
      environment,
      predicted_at: predictedAt,
    };
    if (predictor.rowwise === false) {
      // Not row-wise (a fleet forecaster): it needs every row at once, and its rows carry their keys.
      const predicted = (await predictor.predict(accepted.map((a) => a.row))) as Row[];
      for (const row of predicted)
        outputs.push({ ...lineage, key: String(row.key), ...pick(row, predictor.signature.outputs) });
      options.onProgress?.(accepted.length, accepted.length);
    }
    const batchSize = options.batchSize ?? 10_000;
    for (let start = 0; predictor.rowwise !== false && start < accepted.length; start += batchSize) {
      const batch = accepted.slice(start, start + batchSize);
      const predicted = (await predictor.predict(batch.map((b) => b.row))) as Row[];
      if (!Array.isArray(predicted) || predicted.length !== batch.length) {
        throw new FleetcastError(
          'FLEETCAST_BACKEND_ERROR',
          `model ${options.model} returned ${predicted?.length} rows for ${batch.length}`,
          {
            hint: 'a row-wise model must return one output per input row',
          },
        );
      }
      batch.forEach((input, i) => {
        outputs.push({
          ...lineage,
          key: keyOf(input.row, input.index, options.key),
          ...pick(predicted[i]!, predictor.signature.outputs),
        });
      });
      options.onProgress?.(Math.min(start + batchSize, accepted.length), accepted.length);
    }
    await stores.warehouse.ensureTable({
      name: options.to,
      columns: [...LINEAGE_COLUMNS, ...predictor.signature.outputs.map(outputColumn)],
      key: ['run_id', 'key'],
    });
    await stores.warehouse.upsert(options.to, outputs);
    const rejectedTable = rejected.length > 0 ? `${options.to}_rejected` : null;
    if (rejectedTable) {
      await stores.warehouse.ensureTable({
        name: rejectedTable,
        columns: [
          { name: 'run_id', type: 'text', nullable: false },
          { name: 'key', type: 'text', nullable: false },
          { name: 'reason', type: 'text', nullable: false },
          { name: 'row', type: 'json' },
        ],
        key: ['run_id', 'key'],
      });
      await stores.warehouse.upsert(
        rejectedTable,
        rejected.map((r) => ({
          run_id: run.id,
          // Duplicates share their key by definition: their row position keeps each one on record.
          key: r.reason.startsWith(DUPLICATE_KEY)
            ? `${keyOf(r.row, r.index, options.key)}#row${r.index}`
            : keyOf(r.row, r.index, options.key),
          reason: r.reason,
          row: r.row,
        })),
      );
    }
    const result: BatchPredictionResult = {
      run_id: run.id,
      model: version.name,
      version: version.version,
      environment,
      rows_in: rows.length,
      rows_out: outputs.length,
      rejected: rejected.length,
      table: options.to,
      rejected_table: rejectedTable,
    };
    await finishRun(stores.metadata, run.id, {
      status: 'completed',
      metrics: { rows_in: result.rows_in, rows_out: result.rows_out, rejected: result.rejected },
    }).catch(() => {});
    return result;
  } catch (error) {
    await finishRun(stores.metadata, run.id, { status: 'failed', error: errorMessage(error) }).catch(() => {});
    throw error;
  }
}

/** A table, a SELECT, or a file read through an in-memory DuckDB (CSV or Parquet). */
export async function pullRows(warehouse: Warehouse, from: string, cwd: string): Promise<Row[]> {
  const path = resolve(cwd, from);
  const extension = extname(from).toLowerCase();
  if ((extension === '.csv' || extension === '.parquet') && !/\s/.test(from.trim())) {
    if (!existsSync(path)) {
      throw new FleetcastError('FLEETCAST_NOT_FOUND', `input file ${path} does not exist`, {
        hint: 'check the --from path',
      });
    }
    const reader = await openWarehouse('duckdb::memory:');
    try {
      const fn = extension === '.csv' ? 'read_csv_auto' : 'read_parquet';
      return await reader.query(`SELECT * FROM ${fn}($1)`, [path]);
    } finally {
      await reader.close();
    }
  }
  return warehouse.query(from);
}

function keyOf(row: Row, index: number, keyColumn: string | undefined): string {
  if (keyColumn === undefined) return String(index);
  const value = row[keyColumn];
  return value instanceof Date ? value.toISOString() : String(value);
}

function pick(output: Row, fields: FieldSpec[]): Row {
  const picked: Row = {};
  for (const field of fields) picked[field.name] = output[field.name] ?? null;
  return picked;
}

const OUTPUT_TYPES: Partial<Record<FieldSpec['type'], ColumnType>> = {
  float64: 'double',
  float32: 'double',
  int64: 'bigint',
  string: 'text',
  bool: 'boolean',
  timestamp: 'timestamp',
};

function outputColumn(field: FieldSpec): ColumnSpec {
  return { name: field.name, type: OUTPUT_TYPES[field.type] ?? 'json' };
}

const DUPLICATE_KEY = 'duplicate key ';

/**
 * Predictions are upserted on (run_id, key): a second row with the same key would overwrite the
 * first and the run would report rows it did not keep. The first row of a key is predicted; the
 * others go to the rejected table with the reason.
 */
function rejectDuplicateKeys(
  validated: ReturnType<typeof validateRows>,
  keyColumn: string,
): ReturnType<typeof validateRows> {
  const seen = new Set<string>();
  const accepted: typeof validated.accepted = [];
  const rejected = [...validated.rejected];
  for (const item of validated.accepted) {
    const key = String(item.row[keyColumn]);
    if (seen.has(key)) {
      rejected.push({ index: item.index, row: item.row, reason: `${DUPLICATE_KEY}${keyColumn}=${key}` });
    } else {
      seen.add(key);
      accepted.push(item);
    }
  }
  return { accepted, rejected };
}
