/**
 * The model-tuning spec (`fleetcast tune --spec tune.yaml`): a forecaster's or the performance
 * model's hyperparameters searched by backtest loss.
 *
 *   kind: Tuning                       # optional; apiVersion: fleetcast/v1 optional
 *   study: cpu-ets                     # optional study name (resumed when it exists)
 *   model: forecaster                  # or performance
 *   data:
 *     file: cpu.csv                    # or table: NAME / query: SELECT … (the warehouse)
 *     time_col: timestamp              # forecaster: time, value and optional id columns
 *     value_col: cpu
 *     id_col: resource_id
 *   backtest: { horizon: 12, folds: 3, season: 24, metric: mase }   # forecaster
 *   validation: { target: mean }       # performance: response_time | throughput | cpu | mean
 *   space:                             # see tuning/forecaster.ts and tuning/performance.ts
 *     model: { type: categorical, choices: [naive, ets, gp] }
 *     history: { type: int, low: 96, high: 2000, log: true }
 *   sampler: tpe
 *   trials: 40
 *   seed: 1
 *   workers: 2
 *   register: cpu-forecast             # optional: register the best trial's model (--register wins)
 */
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { FleetcastError } from '../../core/errors.js';
import { type LoadStepRow, parseLoadStepCsv, rowsNeeded, type SeriesInput } from '../../models/index.js';
import { normalizeKey, toNumber } from '../calibrate/tables.js';
import { parseSearchSpace, type SearchSpace } from '../space/index.js';
import { type SamplerSettings, type SamplerSpec, samplerSpec } from '../study/index.js';
import { LOSS_METRICS } from '../tuning/forecaster.js';
import { PERFORMANCE_TARGETS, toColumns } from '../tuning/performance.js';
import type { ModelTaskInput } from '../tuning/task.js';
import { DataSourceSchema, describeSource, loadRows } from './data.js';
import { SamplerEntrySchema, SeedSchema, StudyNameSchema, samplerParts } from './sampler.js';
import { readSpecFile, validateSpec } from './yaml.js';

const DataSchema = z
  .strictObject({
    file: z.string().min(1).optional(),
    table: z.string().min(1).optional(),
    query: z.string().min(1).optional(),
    time_col: z.string().min(1).optional(),
    value_col: z.string().min(1).optional(),
    id_col: z.string().min(1).optional(),
  })
  .refine((d) => [d.file, d.table, d.query].filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of file, table or query',
  });

export const TuningSpecSchema = z.strictObject({
  apiVersion: z.literal('fleetcast/v1').optional(),
  kind: z.literal('Tuning').optional(),
  study: StudyNameSchema.optional(),
  model: z.enum(['forecaster', 'performance']),
  data: z.record(z.string(), z.unknown()),
  backtest: z
    .strictObject({
      horizon: z.number().int().positive(),
      folds: z.number().int().positive().default(3),
      season: z.number().int().positive().default(1),
      metric: z.enum(LOSS_METRICS).default('mase'),
    })
    .optional(),
  validation: z.strictObject({ target: z.enum(PERFORMANCE_TARGETS).default('mean') }).optional(),
  space: z.record(z.string(), z.unknown()),
  sampler: SamplerEntrySchema.default('tpe'),
  trials: z.number().int().positive().max(1_000_000),
  seed: SeedSchema.default(0n),
  workers: z.number().int().positive().max(1024).optional(),
  timeout_s: z.number().positive().optional(),
  register: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]*$/, 'a model name: lower-case letters, digits, . _ -')
    .optional(),
});

/** What a final fit of the best trial needs beyond the task input. */
export type TuningData =
  | { kind: 'forecaster'; idColumn: string; timeColumn: string; valueColumn: string; series: TimedSeries[] }
  | { kind: 'performance'; rows: LoadStepRow[] };

export interface TimedSeries extends SeriesInput {
  times: number[];
}

export interface TuningPlan {
  source: string;
  study?: string;
  input: ModelTaskInput;
  data: TuningData;
  space: SearchSpace;
  sampler: SamplerSpec;
  trials: number;
  seed: bigint;
  workers?: number;
  timeoutMs?: number;
  register?: string;
  /** Forecaster bundles: steps ahead a registered model forecasts. */
  horizon?: number;
}

const HINT = 'see docs/tune.md (tuning spec) or examples/tune/*.yaml';

function specError(source: string, path: string, message: string, hint = HINT): FleetcastError {
  return new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${source}: ${path}: ${message}`, {
    hint,
    details: { path },
  });
}

export async function loadTuningSpec(path: string, warehouseUrl?: string): Promise<TuningPlan> {
  const source = resolve(path);
  const spec = validateSpec(TuningSpecSchema, readSpecFile(source), source, HINT);
  const data = validateSpec(DataSchema, spec.data, `${source}: data`, HINT);
  const where = validateSpec(
    DataSourceSchema,
    data.file !== undefined
      ? { file: data.file }
      : data.table !== undefined
        ? { table: data.table }
        : { query: data.query },
    `${source}: data`,
    HINT,
  );
  const baseDir = dirname(source);
  const rows = await loadRows(where, baseDir, warehouseUrl);
  if (rows.length === 0) throw specError(source, 'data', `${describeSource(where)} has no rows`);
  const space = parseSearchSpace(spec.space);
  const { name, settings } = samplerParts(spec.sampler);
  const common = {
    source,
    ...(spec.study === undefined ? {} : { study: spec.study }),
    space,
    sampler: samplerSpec(name, spec.seed, settings as SamplerSettings | undefined),
    trials: spec.trials,
    seed: spec.seed,
    ...(spec.workers === undefined ? {} : { workers: spec.workers }),
    ...(spec.timeout_s === undefined ? {} : { timeoutMs: spec.timeout_s * 1000 }),
    ...(spec.register === undefined ? {} : { register: spec.register }),
  };
  if (spec.model === 'performance') {
    if (spec.backtest !== undefined) throw specError(source, 'backtest', 'is for model: forecaster (use validation)');
    const loadSteps = parseLoadStepCsv(toCsv(rows), describeSource(where));
    return {
      ...common,
      input: { kind: 'performance', data: toColumns(loadSteps), target: spec.validation?.target ?? 'mean' },
      data: { kind: 'performance', rows: loadSteps },
    };
  }
  if (spec.backtest === undefined)
    throw specError(source, 'backtest', 'model: forecaster needs backtest: {horizon, folds, season, metric}');
  if (spec.validation !== undefined) throw specError(source, 'validation', 'is for model: performance (use backtest)');
  for (const key of ['time_col', 'value_col'] as const) {
    if (data[key] === undefined) throw specError(source, `data.${key}`, 'is required for model: forecaster');
  }
  const series = groupSeries(rows, data.time_col!, data.value_col!, data.id_col, source);
  const { horizon, folds, season, metric } = spec.backtest;
  const needed = rowsNeeded(horizon, folds, season);
  const short = series.find((s) => s.values.length < needed);
  if (short !== undefined) {
    throw specError(
      source,
      'backtest',
      `series "${short.id}" has ${short.values.length} points; ${folds} folds of ${horizon} with season ${season} need ${needed}`,
      'use fewer folds, a shorter horizon, or more data',
    );
  }
  return {
    ...common,
    input: {
      kind: 'forecaster',
      series: series.map(({ id, values }) => ({ id, values })),
      horizon,
      folds,
      season,
      metric,
    },
    data: {
      kind: 'forecaster',
      idColumn: data.id_col ?? 'series_id',
      timeColumn: data.time_col!,
      valueColumn: data.value_col!,
      series,
    },
    horizon,
  };
}

/** Rows → one series per id, in time order; every problem names the row. */
function groupSeries(
  rows: readonly Record<string, unknown>[],
  timeCol: string,
  valueCol: string,
  idCol: string | undefined,
  source: string,
): TimedSeries[] {
  for (const column of [timeCol, valueCol, ...(idCol === undefined ? [] : [idCol])]) {
    if (!(column in rows[0]!)) {
      throw specError(
        source,
        'data',
        `column "${column}" is not in the data`,
        `columns: ${Object.keys(rows[0]!).join(', ')}`,
      );
    }
  }
  const groups = new Map<string, Array<{ t: number; v: number }>>();
  rows.forEach((row, i) => {
    const t = normalizeKey(row[timeCol]);
    const v = toNumber(row[valueCol]);
    if (typeof t !== 'number' || v === undefined) {
      throw specError(
        source,
        'data',
        `row ${i + 1}: needs a time in ${timeCol} and a finite number in ${valueCol}`,
        'clean or filter the data',
      );
    }
    const id = idCol === undefined ? valueCol : String(row[idCol]);
    const points = groups.get(id) ?? [];
    points.push({ t, v });
    groups.set(id, points);
  });
  return [...groups].map(([id, points]) => {
    points.sort((a, b) => a.t - b.t);
    return { id, times: points.map((p) => p.t), values: points.map((p) => p.v) };
  });
}

/** Warehouse or DuckDB rows back to CSV text, for the load-step parser (one format, one parser). */
function toCsv(rows: readonly Record<string, unknown>[]): string {
  const header = Object.keys(rows[0]!);
  const cell = (v: unknown): string => {
    const text = v === null || v === undefined ? 'nan' : v instanceof Date ? String(v.getTime() / 1000) : String(v);
    return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [header.map(cell).join(','), ...rows.map((r) => header.map((h) => cell(r[h])).join(','))].join('\n');
}
