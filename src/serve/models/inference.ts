/**
 * One prediction, the way every route makes it: lease the version, check the input, look in the
 * cache (model version + input hash), else hand the input to the version's batcher; then record
 * the prediction so feedback can name it. Input checks fail with a 400 before any model work.
 */
import { randomUUID } from 'node:crypto';
import { FleetcastError, isFleetcastError } from '../../core/errors.js';
import { cacheKey, type PredictionCache } from '../cache/index.js';
import type { DriftMonitor } from '../drift/index.js';
import type { ServeMetrics } from '../metrics/registry.js';
import type { PredictionRecorder } from '../predictions/recorder.js';
import type { Row } from './fields.js';
import type { LoadedModel } from './loaded.js';
import type { ModelPool } from './pool.js';
import type { ShadowTraffic } from './shadow.js';

export interface PredictionResult {
  output: Row;
  cached: boolean;
  prediction_id: string;
}

export interface InferenceOptions {
  pool: ModelPool;
  cache: PredictionCache | undefined;
  metrics: ServeMetrics;
  recorder: PredictionRecorder | undefined;
  /** Sees every input and output of a version (keyed NAME@VERSION: a new version, a new baseline). */
  drift?: DriftMonitor | undefined;
  /** Mirrors inputs of the served versions to their shadow versions. */
  shadows?: ShadowTraffic | undefined;
}

export const driftKey = (name: string, version: number): string => `${name}@${version}`;

export class InferenceService {
  constructor(private readonly options: InferenceOptions) {}

  get pool(): ModelPool {
    return this.options.pool;
  }

  /**
   * Runs `work` with a lease on the model version asked for, returned however `work` ends: a hot
   * swap waits for it before closing the old version.
   */
  async withModel<T>(name: string, version: number | string | undefined, work: (model: LoadedModel) => Promise<T>) {
    const lease = await this.options.pool.acquire(name, version);
    try {
      return await work(lease.model);
    } finally {
      lease.release();
    }
  }

  /** Parses every input first (all-or-nothing 400), then predicts them together. */
  async predictMany(model: LoadedModel, inputs: readonly unknown[], requestId: string): Promise<PredictionResult[]> {
    const rows = inputs.map((input, index) => {
      try {
        return model.adapter.parse(input);
      } catch (error) {
        if (isFleetcastError(error) && inputs.length > 1) {
          throw new FleetcastError(error.code, error.message.replace(/^input\b/, `inputs[${index}]`), {
            details: { ...error.details, index },
          });
        }
        throw error;
      }
    });
    return Promise.all(rows.map((row) => this.#predictRow(model, row, requestId)));
  }

  async #predictRow(model: LoadedModel, row: Row, requestId: string): Promise<PredictionResult> {
    const { cache, metrics, recorder } = this.options;
    const labels = { model: model.name };
    const key = cache ? cacheKey(model.name, model.number, row) : undefined;
    let output = key && cache ? ((await cache.get(key)) as Row | undefined) : undefined;
    const cached = output !== undefined;
    if (cache) (cached ? metrics.cacheHits : metrics.cacheMisses).inc(labels);
    if (output === undefined) {
      const outcome = await model.submit(row);
      if (!outcome.ok) {
        metrics.predictions.inc({ ...labels, outcome: 'error' });
        throw outcome.error;
      }
      output = outcome.output;
      if (key && cache) void cache.set(key, output);
    }
    metrics.predictions.inc({ ...labels, outcome: 'ok' });
    this.options.drift?.observe(driftKey(model.name, model.number), row, output);
    if (this.options.shadows?.count && this.options.pool.served(model.name).current === model) {
      this.options.shadows.mirror(model, row, output);
    }
    const prediction_id = randomUUID();
    recorder?.record({
      prediction_id,
      model: model.name,
      version: model.number,
      request_id: requestId,
      input: row,
      output,
    });
    return { output, cached, prediction_id };
  }
}
