/**
 * The `chronos` flavor: a Chronos-Bolt folder made into a Fleetcast model folder (the ONNX export
 * and config.json beside a manifest whose params hold the chronos_config and tensor names), its
 * loader, and `openChronosBolt`, which opens either kind of folder as a zero-shot forecaster.
 * onnxruntime-node is imported when a model is opened, never when the flavor is registered.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FleetcastError } from '../../core/errors.js';
import { type FlavorLoader, type Predictor, registerFlavor } from '../artifact/flavors.js';
import {
  type LoadedModelFiles,
  MANIFEST_FILE,
  type ModelManifest,
  readModel,
  saveModel,
} from '../artifact/manifest.js';
import { FORECAST_QUANTILES } from '../forecast/types.js';
import { type ChronosBoltFolder, readChronosBoltFolder } from './folder.js';
import { ChronosBoltForecaster, type ChronosBoltSpec, contextWindow } from './forecaster.js';
import { checkQuantileLevels } from './quantiles.js';
import { readSeries } from './series.js';
import { openChronosSession } from './session.js';
import {
  CHRONOS_CONFIG_FILE,
  CHRONOS_MAX_BLOCKS,
  CHRONOS_ONNX_FILE,
  CHRONOS_SIGNATURE,
  type ChronosExtension,
  type ChronosOutput,
  type ChronosParams,
  ChronosParamsSchema,
  type ChronosPredictor,
  type ChronosRequest,
  type ChronosRow,
} from './types.js';

export interface ChronosOptions {
  /** The export's path inside the folder (default model.onnx, then onnx/model.onnx). */
  onnxFile?: string;
  /** Tensor names (default `context` / `quantile_preds`, or the graph's only input / output). */
  input?: string;
  output?: string;
  /** How horizons beyond prediction_length are reached (default `quantiles`). */
  extension?: ChronosExtension;
  /** Longest horizon answered (default 10 × prediction_length). */
  maxHorizon?: number;
}

export interface SaveChronosOptions extends ChronosOptions {
  metrics?: Record<string, number>;
  lineage?: { datasetSha256?: string; parentRun?: string };
}

export function chronosSpec(params: ChronosParams): ChronosBoltSpec {
  return {
    contextLength: params.context_length,
    predictionLength: params.prediction_length,
    quantiles: params.quantiles,
    extension: params.extension,
    maxHorizon: params.max_horizon,
  };
}

/** Params of a Chronos-Bolt folder (tensor names still to be resolved against the graph). */
function folderParams(folder: ChronosBoltFolder, options: ChronosOptions): ChronosParams {
  const { config } = folder;
  const maxHorizon = options.maxHorizon ?? CHRONOS_MAX_BLOCKS * config.prediction_length;
  if (!Number.isSafeInteger(maxHorizon) || maxHorizon < 1) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `maxHorizon ${maxHorizon} is not a positive integer`, {
      hint: `e.g. ${CHRONOS_MAX_BLOCKS * config.prediction_length}`,
    });
  }
  return {
    kind: 'chronos-bolt',
    architecture: folder.architecture,
    context_length: config.context_length,
    prediction_length: config.prediction_length,
    quantiles: config.quantiles,
    input_patch_size: config.input_patch_size,
    input_patch_stride: config.input_patch_stride,
    ...(config.use_reg_token !== undefined ? { use_reg_token: config.use_reg_token } : {}),
    onnx: { input: options.input ?? '', output: options.output ?? '' },
    extension: options.extension ?? 'quantiles',
    max_horizon: maxHorizon,
  };
}

/** Opens the graph of `params` and checks its I/O contract; fills in the tensor names found. */
async function openForecaster(onnx: Buffer, params: ChronosParams, where: string) {
  const session = await openChronosSession(
    onnx,
    {
      contextLength: params.context_length,
      quantiles: params.quantiles.length,
      predictionLength: params.prediction_length,
    },
    { input: params.onnx.input || undefined, output: params.onnx.output || undefined },
    where,
  );
  const resolved: ChronosParams = { ...params, onnx: { input: session.input, output: session.output } };
  return { params: resolved, forecaster: new ChronosBoltForecaster(session, chronosSpec(resolved)) };
}

/**
 * Saves the Chronos-Bolt folder `fromFolder` as a `chronos` model at `toDir` (which must not exist),
 * after forecasting a short test series with it: a graph that loads but cannot forecast is refused.
 */
export async function saveChronosModel(
  fromFolder: string,
  toDir: string,
  options: SaveChronosOptions = {},
): Promise<ModelManifest> {
  const folder = readChronosBoltFolder(fromFolder, options);
  const where = join(fromFolder, folder.onnxFile);
  const { params, forecaster } = await openForecaster(folder.onnx, folderParams(folder, options), where);
  try {
    const probe = Array.from({ length: Math.min(params.context_length, 48) }, (_, i) => 10 + (i % 12));
    const forecast = await forecaster.forecast(probe, params.prediction_length);
    if (!forecast.quantiles.every((row) => row.every(Number.isFinite))) {
      throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${where}: the model forecasts NaN for a test series`, {
        hint: 'check the export: the model must mask NaN (missing) context values itself',
      });
    }
  } finally {
    await forecaster.dispose();
  }
  return saveModel(toDir, {
    flavor: 'chronos',
    signature: CHRONOS_SIGNATURE,
    params,
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.lineage ? { lineage: options.lineage } : {}),
    files: { [CHRONOS_ONNX_FILE]: folder.onnx, [CHRONOS_CONFIG_FILE]: folder.configFile },
  });
}

function paramsOf(files: LoadedModelFiles): ChronosParams {
  const parsed = ChronosParamsSchema.safeParse(files.manifest.params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `${files.dir}: chronos params: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
      { hint: 'save the model again with fleetcast models register NAME CHRONOS_FOLDER' },
    );
  }
  checkQuantileLevels(parsed.data.quantiles, `${files.dir}: chronos params.quantiles`);
  return parsed.data;
}

/** The request a row stands for, or why it cannot be one. */
function rowRequest(row: Record<string, unknown>, params: ChronosParams): ChronosRequest | string {
  const history = readSeries(row.series);
  if (typeof history === 'string') return `series ${history}`;
  const horizon = row.horizon ?? params.prediction_length;
  if (typeof horizon !== 'number' || !Number.isSafeInteger(horizon) || horizon < 1 || horizon > params.max_horizon) {
    return `horizon must be an integer between 1 and ${params.max_horizon}`;
  }
  try {
    contextWindow(history, params.context_length, 'series');
  } catch (error) {
    return (error as Error).message;
  }
  return { history, horizon };
}

function predictorOf(manifest: ModelManifest, params: ChronosParams, forecaster: ChronosBoltForecaster) {
  const predictor: ChronosPredictor = {
    flavor: 'chronos',
    signature: manifest.signature,
    manifest,
    rowwise: true,
    params,
    accepts: (row) => {
      const request = rowRequest(row, params);
      return typeof request === 'string' ? request : undefined;
    },
    predict: async (batch: ChronosRow[]): Promise<ChronosOutput[]> => {
      const requests = batch.map((row, i) => {
        const request = rowRequest(row as unknown as Record<string, unknown>, params);
        if (typeof request === 'string') {
          throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `row ${i}: ${request}`, {
            hint: 'send {"series": [numbers, null for missing], "horizon": steps}',
          });
        }
        return request;
      });
      const forecasts = await forecaster.forecastMany(requests);
      return forecasts.map((forecast, i) => ({
        horizon: requests[i]!.horizon,
        mean: forecast.mean,
        quantiles: Object.fromEntries(FORECAST_QUANTILES.map((level, j) => [String(level), forecast.quantiles[j]!])),
      }));
    },
    forecastMany: (requests) => forecaster.forecastMany(requests),
    dispose: () => forecaster.dispose(),
  };
  return predictor;
}

const loader: FlavorLoader = async (files) => {
  const params = paramsOf(files);
  const opened = await openForecaster(files.read(CHRONOS_ONNX_FILE), params, files.dir);
  // The registry holds loaders of any Predictor; this one's batch type is narrower by design.
  return predictorOf(files.manifest, params, opened.forecaster) as unknown as Predictor;
};

/** Registers the loader (idempotent: the same function each time). */
export function registerChronosFlavor(): void {
  registerFlavor('chronos', loader);
}

/**
 * The Chronos-Bolt loader: opens a Chronos-Bolt folder (config.json + ONNX export) or a saved
 * `chronos` model folder as a zero-shot forecaster, without registering anything.
 */
export async function openChronosBolt(dir: string, options: ChronosOptions = {}): Promise<ChronosBoltForecaster> {
  if (existsSync(join(dir, MANIFEST_FILE))) {
    const files = readModel(dir);
    if (files.manifest.flavor !== 'chronos') {
      throw new FleetcastError(
        'FLEETCAST_INVALID_ARGUMENT',
        `${dir} holds a ${files.manifest.flavor} model, not chronos`,
        {
          hint: 'point at a Chronos-Bolt folder or a chronos model folder',
        },
      );
    }
    return (await openForecaster(files.read(CHRONOS_ONNX_FILE), paramsOf(files), dir)).forecaster;
  }
  const folder = readChronosBoltFolder(dir, options);
  return (await openForecaster(folder.onnx, folderParams(folder, options), join(dir, folder.onnxFile))).forecaster;
}
