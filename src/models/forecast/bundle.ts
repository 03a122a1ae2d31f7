/**
 * A fleet forecaster: one fitted forecaster per series (resource, service…) of a long table, saved as
 * one `forecaster` artifact. Each series is put on the fleet's regular grid first (duplicates
 * averaged, gaps filled by the rule of data/gaps.ts); a fleet model (`pooled`) fits all series at
 * once, pooling within the groups of `groupColumn`. Batch prediction hands it rows naming series; it
 * answers with the next `horizon` steps of each, from the end of its training data: `series_id,
 * timestamp, step, mean, q10 … q90`, keyed by `series|timestamp`.
 */
import { z } from 'zod';
import { FleetcastError } from '../../core/errors.js';
import type { WorkQueue } from '../../core/queue/types.js';
import type { Predictor } from '../artifact/flavors.js';
import { type LoadedModelFiles, type ModelManifest, saveModel } from '../artifact/manifest.js';
import { type PreparedBundle, type PreparedSeries, prepareBundleSeries } from './bundle-prepare.js';
import { FIT_FORECASTERS_TASK, type FitChunk, fitChunk } from './fit-chunk.js';
import { fleetFitter, forecasterFromJSON } from './registry.js';
import { FORECAST_QUANTILES, type Forecaster, type ForecasterParams } from './types.js';

export const BUNDLE_FILE = 'series.json';

const QUANTILE_COLUMNS = FORECAST_QUANTILES.map((q) => `q${Math.round(q * 100)}`);

const BundleSchema = z.object({
  kind: z.literal('fleetcast.forecast-bundle/v1'),
  idColumn: z.string(),
  timeColumn: z.string(),
  valueColumn: z.string(),
  horizon: z.number().int().positive(),
  season: z.number().int().positive(),
  stepMs: z.number().positive(),
  model: z.string(),
  series: z.record(
    z.string(),
    z.object({ lastMs: z.number(), points: z.number().int(), params: z.looseObject({ model: z.string() }) }),
  ),
});
export type SeriesBundle = z.infer<typeof BundleSchema>;

export interface FitBundleOptions {
  idColumn: string;
  timeColumn: string;
  valueColumn: string;
  horizon: number;
  /** Season in steps (default 1: none). */
  season?: number;
  /** A forecaster name, or `auto` (picks per series on inner folds, as `backtest --models auto`). */
  model: string;
  /** Column naming each series' group (archetype, service) for fleet models such as `pooled`. */
  groupColumn?: string;
  /** Keep the last this-many grid points of each series in the result (for plots). */
  keepTail?: number;
  onSeries?: (id: string) => void;
}

export interface FitBundleResult {
  bundle: SeriesBundle;
  skipped: Array<{ series: string; reason: string }>;
  /** Series whose grid had duplicates merged or gaps filled (data/gaps.ts states the rule). */
  repaired: Array<{ series: string; duplicates: number; interpolated: number; longGapFilled: number }>;
  /** The last `keepTail` grid points per series (times in ms), when asked for. */
  tails?: Map<string, { times: number[]; values: number[] }>;
}

/** Groups rows by series, puts each on the fleet's grid, and fits one forecaster per series. */
export function fitSeriesBundle(
  rows: ReadonlyArray<Record<string, unknown>>,
  options: FitBundleOptions,
): FitBundleResult {
  const prepared = prepareBundleSeries(rows, options);
  const params = fitChunk(chunkOf(prepared.series, options));
  return assembleBundle(prepared, params, options);
}

/**
 * The same, with the fitting done by a work queue (the local worker-thread pool, or BullMQ workers):
 * series go out in chunks, a few per worker, so the calling thread stays free — what a server that
 * trains on request needs — and a multi-core host fits in parallel. A fleet model (`pooled`) needs
 * every series at once and goes out as one task. Results are the same as `fitSeriesBundle`'s.
 */
export async function fitSeriesBundleOnQueue(
  rows: ReadonlyArray<Record<string, unknown>>,
  options: FitBundleOptions,
  queue: WorkQueue,
): Promise<FitBundleResult> {
  const prepared = prepareBundleSeries(rows, options);
  const all = prepared.series;
  const perTask = fleetFitter(options.model)
    ? all.length
    : Math.max(1, Math.ceil(all.length / (4 * queue.options.concurrency)));
  const tasks: Array<Promise<Record<string, ForecasterParams>>> = [];
  for (let from = 0; from < all.length; from += perTask) {
    const chunk = chunkOf(all.slice(from, from + perTask), options);
    tasks.push(queue.run<Record<string, ForecasterParams>>(FIT_FORECASTERS_TASK, chunk, { attempts: 1 }));
  }
  const params: Record<string, ForecasterParams> = {};
  for (const result of await Promise.all(tasks)) Object.assign(params, result);
  return assembleBundle(prepared, params, options);
}

function chunkOf(series: readonly PreparedSeries[], options: FitBundleOptions): FitChunk {
  return {
    model: options.model,
    horizon: options.horizon,
    season: options.season ?? 1,
    series: series.map((s) => ({
      id: s.id,
      values: s.grid.values,
      segments: s.grid.segments,
      ...(s.group !== undefined ? { group: s.group } : {}),
    })),
  };
}

function assembleBundle(
  prepared: PreparedBundle,
  params: Record<string, ForecasterParams>,
  options: FitBundleOptions,
): FitBundleResult {
  const series: SeriesBundle['series'] = {};
  const tails = options.keepTail ? new Map<string, { times: number[]; values: number[] }>() : undefined;
  for (const { id, lastMs, observations, grid } of prepared.series) {
    series[id] = { lastMs, points: observations, params: params[id]! };
    if (tails) {
      const from = Math.max(0, grid.values.length - options.keepTail!);
      const values = grid.values.slice(from);
      tails.set(id, { times: values.map((_, k) => grid.start + (from + k) * grid.step), values });
    }
    options.onSeries?.(id);
  }
  if (Object.keys(series).length === 0) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', 'no series long enough to forecast', {
      hint: 'give each series at least 2 points',
    });
  }
  const bundle: SeriesBundle = {
    kind: 'fleetcast.forecast-bundle/v1',
    idColumn: options.idColumn,
    timeColumn: options.timeColumn,
    valueColumn: options.valueColumn,
    horizon: options.horizon,
    season: options.season ?? 1,
    stepMs: prepared.step!,
    model: options.model,
    series,
  };
  return { bundle, skipped: prepared.skipped, repaired: prepared.repaired, ...(tails ? { tails } : {}) };
}

export function bundleSignature(bundle: SeriesBundle): ModelManifest['signature'] {
  return {
    inputs: [{ name: bundle.idColumn, type: 'string', description: 'series to forecast' }],
    outputs: [
      { name: 'series_id', type: 'string' },
      { name: 'timestamp', type: 'timestamp' },
      { name: 'step', type: 'int64' },
      { name: 'mean', type: 'float64' },
      ...QUANTILE_COLUMNS.map((name) => ({ name, type: 'float64' as const })),
    ],
  };
}

export function saveSeriesBundle(
  dir: string,
  bundle: SeriesBundle,
  options: { metrics?: Record<string, number>; parentRun?: string } = {},
): ModelManifest {
  return saveModel(dir, {
    flavor: 'forecaster',
    signature: bundleSignature(bundle),
    params: {
      kind: bundle.kind,
      model: bundle.model,
      horizon: bundle.horizon,
      season: bundle.season,
      series: Object.keys(bundle.series).length,
    },
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.parentRun ? { lineage: { parentRun: options.parentRun } } : {}),
    files: { [BUNDLE_FILE]: `${JSON.stringify(bundle)}\n` },
  });
}

/** The predictor of a saved bundle: not row-wise, one output row per series and step ahead. */
export function loadSeriesBundle(files: LoadedModelFiles): Predictor {
  const parsed = BundleSchema.safeParse(JSON.parse(files.read(BUNDLE_FILE).toString('utf8')));
  if (!parsed.success) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${files.dir}/${BUNDLE_FILE} is not a forecast bundle`, {
      hint: 'train and save the model again',
    });
  }
  const bundle = parsed.data;
  const models = new Map<string, Forecaster>();
  const forecasterOf = (id: string): Forecaster => {
    let model = models.get(id);
    if (!model) {
      model = forecasterFromJSON(bundle.series[id]!.params);
      models.set(id, model);
    }
    return model;
  };
  return {
    flavor: 'forecaster',
    signature: files.manifest.signature,
    manifest: files.manifest,
    rowwise: false,
    accepts: (row) =>
      String(row[bundle.idColumn]) in bundle.series
        ? undefined
        : `no forecaster for series "${String(row[bundle.idColumn])}"`,
    predict: async (batch: unknown) => {
      const ids = [...new Set((batch as Array<Record<string, unknown>>).map((row) => String(row[bundle.idColumn])))];
      const out: Array<Record<string, unknown>> = [];
      for (const id of ids) {
        const entry = bundle.series[id];
        if (!entry) continue;
        const forecast = forecasterOf(id).forecast(bundle.horizon);
        for (let h = 0; h < bundle.horizon; h++) {
          const timestamp = new Date(entry.lastMs + (h + 1) * bundle.stepMs);
          const row: Record<string, unknown> = {
            key: `${id}|${timestamp.toISOString()}`,
            series_id: id,
            timestamp,
            step: h + 1,
            mean: forecast.mean[h],
          };
          QUANTILE_COLUMNS.forEach((name, j) => {
            row[name] = forecast.quantiles[j]?.[h];
          });
          out.push(row);
        }
      }
      return out;
    },
  };
}
