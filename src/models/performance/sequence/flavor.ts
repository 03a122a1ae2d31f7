/**
 * The GRU model as a `performance` flavor artifact: the weights file is `performance-gru.json` (the
 * law-based model's is `performance.json`; the flavor's loader picks by which one the manifest
 * lists). Its signature differs from the law-based one because a sequence model reads history: a
 * row names a service and carries its last `window` polls of each input, oldest first, as arrays
 * (or JSON text of arrays, as a CSV or warehouse column holds them); the answer is the next poll.
 */
import type { Predictor } from '../../artifact/flavors.js';
import { type LoadedModelFiles, type ModelManifest, saveModel } from '../../artifact/manifest.js';
import { PerformanceGruModel, type SequenceInput } from './model.js';

export const PERFORMANCE_GRU_WEIGHTS_FILE = 'performance-gru.json';

const RECENT = ['users', 'response_time', 'throughput', 'cpu'] as const;

export function performanceGruSignature(window: number, targetPolls = 1): ModelManifest['signature'] {
  const next = targetPolls === 1 ? 'the next poll' : `the mean of the next ${targetPolls} polls`;
  return {
    inputs: [
      { name: 'service', type: 'string' },
      ...RECENT.map((name) => ({
        name: `recent_${name}`,
        type: 'float64[]' as const,
        shape: [window],
        description: `${name} of the service's last ${window} polls, oldest first`,
      })),
    ],
    outputs: [
      { name: 'response_time', type: 'float64', description: `mean response time of ${next}, seconds` },
      { name: 'throughput', type: 'float64', description: `requests/s of ${next}, as the data counts them` },
      { name: 'cpu', type: 'float64', description: `cores of ${next}, as the data measures them` },
    ],
  };
}

export interface PerformanceGruRow {
  service: string;
  recent_users: unknown;
  recent_response_time: unknown;
  recent_throughput: unknown;
  recent_cpu: unknown;
}

export interface PerformanceGruPrediction {
  service: string;
  response_time: number;
  throughput: number;
  cpu: number;
}

export type PerformanceGruPredictor = Predictor<PerformanceGruRow[], PerformanceGruPrediction[]> & {
  model: PerformanceGruModel;
};

/** An array of numbers, or JSON text of one (a CSV cell); anything else comes back as NaNs. */
function numbers(value: unknown): number[] {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return [Number.NaN];
    }
  }
  return Array.isArray(parsed) ? parsed.map((v) => (typeof v === 'number' ? v : Number(v))) : [Number.NaN];
}

function toInput(row: PerformanceGruRow): SequenceInput {
  return {
    service: String(row.service),
    users: numbers(row.recent_users),
    responseTime: numbers(row.recent_response_time),
    throughput: numbers(row.recent_throughput),
    cpu: numbers(row.recent_cpu),
  };
}

function predictRows(model: PerformanceGruModel, rows: readonly PerformanceGruRow[]): PerformanceGruPrediction[] {
  return model.predict(rows.map(toInput)).map((out) => ({
    service: out.service,
    response_time: out.responseTime,
    throughput: out.throughput,
    cpu: out.cpu,
  }));
}

/** The Predictor of a GRU performance folder (called by the `performance` flavor's loader). */
export function gruPredictor(files: LoadedModelFiles): PerformanceGruPredictor {
  const name = PERFORMANCE_GRU_WEIGHTS_FILE;
  const raw: unknown = JSON.parse(files.read(name).toString('utf8'));
  const model = PerformanceGruModel.fromJSON(raw, `${files.dir}/${name}`);
  return {
    flavor: 'performance',
    signature: files.manifest.signature,
    manifest: files.manifest,
    model,
    accepts: (row) => {
      try {
        model.predict([toInput(row as unknown as PerformanceGruRow)]);
        return undefined;
      } catch (error) {
        return (error as Error).message;
      }
    },
    predict: async (batch) => predictRows(model, batch),
  };
}

export interface SavePerformanceGruOptions {
  metrics?: Record<string, number>;
  lineage?: { datasetSha256?: string; parentRun?: string };
  params?: Record<string, unknown>;
}

export function savePerformanceGruModel(
  dir: string,
  model: PerformanceGruModel,
  options: SavePerformanceGruOptions = {},
): ModelManifest {
  const { kind, window, targetPolls, hidden, layers } = model.params;
  return saveModel(dir, {
    flavor: 'performance',
    signature: performanceGruSignature(window, targetPolls),
    params: { kind, services: model.services, window, targetPolls, hidden, layers, ...options.params },
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.lineage ? { lineage: options.lineage } : {}),
    files: { [PERFORMANCE_GRU_WEIGHTS_FILE]: `${JSON.stringify(model.toJSON())}\n` },
  });
}
