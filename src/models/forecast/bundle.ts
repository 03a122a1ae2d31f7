/**
 * A fleet forecaster: one fitted forecaster per series (resource, service…) of a long table, saved as
 * one `forecaster` artifact. Batch prediction hands it rows naming series; it answers with the next
 * `horizon` steps of each, from the end of its training data: `series_id, timestamp, step, mean,
 * q10 … q90`, keyed by `series|timestamp`.
 */
import { z } from 'zod';
import { FleetcastError } from '../../core/errors.js';
import type { Predictor } from '../artifact/flavors.js';
import { type LoadedModelFiles, type ModelManifest, saveModel } from '../artifact/manifest.js';
import { AutoForecaster } from '../backtest/auto.js';
import { createForecaster, forecasterFromJSON } from './registry.js';
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
  /** A forecaster name, or `auto` (picks per series among naive and ets on inner folds). */
  model: string;
  onSeries?: (id: string) => void;
}

export interface FitBundleResult {
  bundle: SeriesBundle;
  skipped: Array<{ series: string; reason: string }>;
}

/** Groups rows by series, orders them by time, and fits one forecaster per series. */
export function fitSeriesBundle(
  rows: ReadonlyArray<Record<string, unknown>>,
  options: FitBundleOptions,
): FitBundleResult {
  if (rows.length === 0) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', 'no rows to train on', { hint: 'check --data' });
  }
  for (const column of [options.idColumn, options.timeColumn, options.valueColumn]) {
    if (!(column in rows[0]!)) {
      throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `column "${column}" is not in the data`, {
        hint: `columns: ${Object.keys(rows[0]!).join(', ')}`,
      });
    }
  }
  const groups = new Map<string, Array<{ t: number; v: number }>>();
  rows.forEach((row, index) => {
    const id = String(row[options.idColumn]);
    const t = toMs(row[options.timeColumn]);
    const v = Number(row[options.valueColumn]);
    if (!Number.isFinite(t) || !Number.isFinite(v)) {
      throw new FleetcastError(
        'FLEETCAST_INVALID_ARGUMENT',
        `row ${index + 1}: ${Number.isFinite(t) ? options.valueColumn : options.timeColumn} is not a ${Number.isFinite(t) ? 'finite number' : 'time'}`,
        { hint: 'clean or filter the data (e.g. --data "SELECT … WHERE value IS NOT NULL")' },
      );
    }
    const points = groups.get(id) ?? [];
    points.push({ t, v });
    groups.set(id, points);
  });
  const season = options.season ?? 1;
  const series: SeriesBundle['series'] = {};
  const skipped: FitBundleResult['skipped'] = [];
  const steps: number[] = [];
  for (const [id, points] of groups) {
    points.sort((a, b) => a.t - b.t);
    if (points.length < 2) {
      skipped.push({ series: id, reason: `${points.length} point(s): too short to forecast` });
      continue;
    }
    steps.push(points[1]!.t - points[0]!.t);
    const forecaster = makeForecaster(options.model, options.horizon);
    forecaster.fit(
      points.map((p) => p.v),
      { season },
    );
    const params: ForecasterParams = forecaster.toJSON();
    series[id] = { lastMs: points.at(-1)!.t, points: points.length, params };
    options.onSeries?.(id);
  }
  if (Object.keys(series).length === 0) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', 'no series long enough to forecast', {
      hint: 'give each series at least 2 points',
    });
  }
  steps.sort((a, b) => a - b);
  const bundle: SeriesBundle = {
    kind: 'fleetcast.forecast-bundle/v1',
    idColumn: options.idColumn,
    timeColumn: options.timeColumn,
    valueColumn: options.valueColumn,
    horizon: options.horizon,
    season,
    stepMs: steps[Math.floor(steps.length / 2)]!,
    model: options.model,
    series,
  };
  return { bundle, skipped };
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

function makeForecaster(model: string, horizon: number): Forecaster {
  return model === 'auto' ? new AutoForecaster({ candidates: ['naive', 'ets'], horizon }) : createForecaster(model);
}

function toMs(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  return typeof value === 'string' ? Date.parse(value) : Number.NaN;
}
