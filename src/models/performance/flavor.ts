/**
 * The `performance` model flavor (DESIGN.md): a model folder whose weights file is the JSON
 * parameters of a `PerformanceModel`; loading validates them and returns a Predictor mapping
 * (service, users, replicas, CPU request) rows to (response time, throughput, CPU). A folder holding
 * `performance-gru.json` instead is the GRU sequence model (sequence/flavor.ts), which maps a
 * service's recent polls to its next one.
 */
import { FleetcastError } from '../../core/errors.js';
import { type FlavorLoader, loadModel, type Predictor, registerFlavor } from '../artifact/flavors.js';
import { type ModelManifest, saveModel } from '../artifact/manifest.js';
import { PerformanceModel } from './model.js';
import { gruPredictor, PERFORMANCE_GRU_WEIGHTS_FILE, type PerformanceGruPredictor } from './sequence/flavor.js';
import type { PerformanceInput, PerformanceOutput } from './service-model.js';

export const PERFORMANCE_WEIGHTS_FILE = 'performance.json';

export const PERFORMANCE_SIGNATURE: ModelManifest['signature'] = {
  inputs: [
    { name: 'service', type: 'string' },
    { name: 'users', type: 'float64', description: 'concurrent users of the closed-loop load' },
    { name: 'replicas', type: 'float64', optional: true, description: 'pods serving the service' },
    { name: 'cpu_request', type: 'float64', optional: true, description: 'cores requested per pod' },
  ],
  outputs: [
    { name: 'response_time', type: 'float64', description: 'mean response time, seconds' },
    { name: 'throughput', type: 'float64', description: 'requests/s as the data counts them' },
    { name: 'cpu', type: 'float64', description: 'cores, as the data measures them' },
  ],
};

/** A row as the signature names it: what batch prediction and the HTTP service send and receive. */
export interface PerformanceRow {
  service: string;
  users: number;
  replicas?: number | null;
  cpu_request?: number | null;
}

export interface PerformancePrediction {
  service: string;
  users: number;
  response_time: number;
  throughput: number;
  cpu: number;
}

export type PerformancePredictor = Predictor<PerformanceRow[], PerformancePrediction[]> & { model: PerformanceModel };

/** Signature rows → model inputs → signature rows (the model's own API is camelCase). */
function predictRows(model: PerformanceModel, rows: readonly PerformanceRow[]): PerformancePrediction[] {
  const inputs: PerformanceInput[] = rows.map((row) => ({
    service: row.service,
    users: row.users,
    ...(row.replicas === null || row.replicas === undefined ? {} : { replicas: row.replicas }),
    ...(row.cpu_request === null || row.cpu_request === undefined ? {} : { cpuRequest: row.cpu_request }),
  }));
  return model.predict(inputs).map((out: PerformanceOutput) => ({
    service: out.service,
    users: out.users,
    response_time: out.responseTime,
    throughput: out.throughput,
    cpu: out.cpu,
  }));
}

const loader: FlavorLoader = (files) => {
  if (files.manifest.files[PERFORMANCE_GRU_WEIGHTS_FILE]) return gruPredictor(files) as unknown as Predictor;
  const name = PERFORMANCE_WEIGHTS_FILE;
  const raw: unknown = JSON.parse(files.read(name).toString('utf8'));
  const model = PerformanceModel.fromJSON(raw, `${files.dir}/${name}`);
  const predictor: PerformancePredictor = {
    flavor: 'performance',
    signature: files.manifest.signature,
    manifest: files.manifest,
    model,
    predict: async (batch) => predictRows(model, batch),
  };
  // The registry stores loaders of any Predictor; this one's input type is narrower by design.
  return predictor as unknown as Predictor;
};

/** Registers the loader (idempotent: the same function each time). */
export function registerPerformanceFlavor(): void {
  registerFlavor('performance', loader);
}

export interface SavePerformanceOptions {
  metrics?: Record<string, number>;
  lineage?: { datasetSha256?: string; parentRun?: string };
  params?: Record<string, unknown>;
}

export function savePerformanceModel(
  dir: string,
  model: PerformanceModel,
  options: SavePerformanceOptions = {},
): ModelManifest {
  return saveModel(dir, {
    flavor: 'performance',
    signature: PERFORMANCE_SIGNATURE,
    params: {
      kind: model.params.kind,
      services: model.services,
      trainingLevels: model.params.trainingLevels,
      ...options.params,
    },
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.lineage ? { lineage: options.lineage } : {}),
    files: { [PERFORMANCE_WEIGHTS_FILE]: `${JSON.stringify(model.toJSON())}\n` },
  });
}

/** Loads a saved performance model folder (registering the flavor first). */
export async function loadPerformanceModel(dir: string): Promise<PerformancePredictor> {
  registerPerformanceFlavor();
  const predictor = await loadModel(dir);
  if (predictor.manifest.files[PERFORMANCE_GRU_WEIGHTS_FILE]) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${dir} holds the GRU sequence performance model`, {
      hint: 'load it with loadPerformanceGruModel (its rows carry recent polls, not a user level)',
    });
  }
  return predictor as unknown as PerformancePredictor;
}

/** Loads a saved GRU sequence performance model folder (registering the flavor first). */
export async function loadPerformanceGruModel(dir: string): Promise<PerformanceGruPredictor> {
  registerPerformanceFlavor();
  const predictor = await loadModel(dir);
  if (!predictor.manifest.files[PERFORMANCE_GRU_WEIGHTS_FILE]) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${dir} holds the law-based performance model`, {
      hint: 'load it with loadPerformanceModel',
    });
  }
  return predictor as unknown as PerformanceGruPredictor;
}
