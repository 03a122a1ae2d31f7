/**
 * Forecasters as `forecaster` artifacts (DESIGN.md): the fitted parameters go in `forecaster.json`
 * (and in the manifest's params, so `models show` can list them without loading); the loader rebuilds
 * the forecaster from that file alone, so a model loaded in a fresh process forecasts the same values.
 */
import { FleetcastError } from '../../core/errors.js';
import { type FlavorLoader, type Predictor, registerFlavor } from '../artifact/flavors.js';
import { type ModelManifest, saveModel } from '../artifact/manifest.js';
import { BUNDLE_FILE, loadSeriesBundle } from './bundle.js';
import { forecasterFromJSON } from './registry.js';
import type { Forecast, Forecaster } from './types.js';

export const FORECASTER_FILE = 'forecaster.json';

export const FORECASTER_SIGNATURE: ModelManifest['signature'] = {
  inputs: [{ name: 'horizon', type: 'int64', description: 'steps ahead to forecast' }],
  outputs: [
    { name: 'mean', type: 'float64[]', description: 'point forecast per step' },
    { name: 'quantiles', type: 'json', description: 'forecasts at quantiles 0.1…0.9, one array per level' },
  ],
};

export interface ForecastRequest {
  horizon: number;
}

export interface SaveForecasterOptions {
  metrics?: Record<string, number>;
  lineage?: { datasetSha256?: string; parentRun?: string };
}

export function saveForecaster(
  dir: string,
  forecaster: Forecaster,
  options: SaveForecasterOptions = {},
): ModelManifest {
  const params = forecaster.toJSON();
  return saveModel(dir, {
    flavor: 'forecaster',
    signature: FORECASTER_SIGNATURE,
    params,
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.lineage ? { lineage: options.lineage } : {}),
    files: { [FORECASTER_FILE]: `${JSON.stringify(params)}\n` },
  });
}

export const loadForecasterFlavor: FlavorLoader = (files) => {
  if (BUNDLE_FILE in files.manifest.files) return loadSeriesBundle(files);
  let params: unknown;
  try {
    params = JSON.parse(files.read(FORECASTER_FILE).toString('utf8'));
  } catch (error) {
    if (error instanceof FleetcastError) throw error;
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${files.dir}/${FORECASTER_FILE} is not valid JSON`, {
      hint: 'save the forecaster again',
      cause: error,
    });
  }
  const forecaster = forecasterFromJSON(params);
  const predictor: Predictor<ForecastRequest, Forecast> & { forecaster: Forecaster } = {
    flavor: 'forecaster',
    signature: files.manifest.signature,
    manifest: files.manifest,
    forecaster,
    predict: async (request) => forecaster.forecast(request.horizon),
  };
  return predictor as Predictor;
};

/** Registers the `forecaster` flavor loader (idempotent). */
export function registerForecasterFlavor(): void {
  registerFlavor('forecaster', loadForecasterFlavor);
}
