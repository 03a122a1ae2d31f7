/**
 * One prediction, the way every route makes it: lease the version, check the input, look in the
 * cache (model version + input hash), else hand the input to the version's batcher; then record
 * the prediction so feedback can name it. Input checks fail with a 400 before any model work.
 * With tracing on, a call is one `predict` span with its cache lookups and batches below it.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from '@opentelemetry/api';
import { FleetcastError, isFleetcastError } from '../../core/errors.js';
import { cacheKey, type PredictionCache } from '../cache/index.js';
import type { DriftMonitor } from '../drift/index.js';
import type { ServeMetrics } from '../metrics/registry.js';
import type { PredictionRecorder } from '../predictions/recorder.js';
import type { PredictionTrace, ServeTracing } from '../tracing/index.js';
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
  /** Present only when tracing is on. */
  tracing?: ServeTracing | undefined;
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

  /**
   * Parses every input first (all-or-nothing 400), then predicts them together. `trace` is the
   * request's trace context (`request.traceContext`), the parent of this call's spans.
   */
  async predictMany(
    model: LoadedModel,
    inputs: readonly unknown[],
    requestId: string,
    trace?: Context,
  ): Promise<PredictionResult[]> {
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
    const traced = this.options.tracing?.startPrediction(trace, model, rows.length);
    if (!traced) return this.#predictRows(model, rows, requestId, undefined);
    try {
      return await this.#predictRows(model, rows, requestId, traced);
    } catch (error) {
      traced.fail(error);
      throw error;
    } finally {
      traced.end();
    }
  }

  async #predictRows(
    model: LoadedModel,
    rows: Row[],
    requestId: string,
    traced: PredictionTrace | undefined,
  ): Promise<PredictionResult[]> {
    const found = this.options.cache ? await this.#lookup(this.options.cache, model, rows, traced) : undefined;
    return Promise.all(rows.map((row, index) => this.#predictRow(model, row, requestId, found?.[index], traced)));
  }

  /**
   * The cache lookups of a call, all at once (one span for them all when traced). Lookups never
   * throw: a Redis that is down is a miss.
   */
  async #lookup(
    cache: PredictionCache,
    model: LoadedModel,
    rows: Row[],
    traced: PredictionTrace | undefined,
  ): Promise<Array<{ key: string; output: Row | undefined }>> {
    const { metrics } = this.options;
    const done = traced?.cacheLookup();
    const found = await Promise.all(
      rows.map(async (row) => {
        const key = cacheKey(model.name, model.number, row);
        return { key, output: (await cache.get(key)) as Row | undefined };
      }),
    );
    const hits = found.reduce((count, entry) => (entry.output === undefined ? count : count + 1), 0);
    if (hits > 0) metrics.cacheHits.inc({ model: model.name }, hits);
    if (hits < found.length) metrics.cacheMisses.inc({ model: model.name }, found.length - hits);
    done?.(hits, found.length - hits);
    return found;
  }

  async #predictRow(
    model: LoadedModel,
    row: Row,
    requestId: string,
    found: { key: string; output: Row | undefined } | undefined,
    traced: PredictionTrace | undefined,
  ): Promise<PredictionResult> {
    const { cache, metrics, recorder } = this.options;
    const labels = { model: model.name };
    let output = found?.output;
    const cached = output !== undefined;
    if (output === undefined) {
      const outcome = await model.submit(row, traced);
      if (!outcome.ok) {
        metrics.predictions.inc({ ...labels, outcome: 'error' });
        throw outcome.error;
      }
      output = outcome.output;
      if (found && cache) void cache.set(found.key, output);
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
