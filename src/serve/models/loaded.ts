/**
 * One model version in memory: its predictor, the adapter that speaks to it, and its own dynamic
 * batcher. Requests hold a lease on it; a version retired by a hot swap (or evicted) is closed only
 * when its last lease is returned, so no request in flight ever meets a closed batcher.
 */
import type { BatchingConfig } from '../../core/config/schema.js';
import type { Predictor } from '../../models/index.js';
import type { ModelVersion } from '../../registry/index.js';
import { DynamicBatcher } from '../batching/index.js';
import type { ServeMetrics } from '../metrics/registry.js';
import { type PredictionTrace, traceBatch } from '../tracing/index.js';
import { adapterFor, type ModelAdapter, type Outcome } from './adapters.js';
import type { Row } from './fields.js';

export class LoadedModel {
  readonly adapter: ModelAdapter;
  readonly #batcher: DynamicBatcher<Row, Outcome, PredictionTrace>;
  readonly #metrics: ServeMetrics;
  /** The `model` label of its metrics (a shadow version reports as `NAME:shadow`). */
  readonly #label: string;
  #leases = 0;
  #retired = false;
  #closed: Promise<void> | undefined;

  constructor(
    readonly version: ModelVersion,
    readonly predictor: Predictor,
    batching: BatchingConfig,
    metrics: ServeMetrics,
    label = version.name,
  ) {
    this.adapter = adapterFor(predictor);
    this.#metrics = metrics;
    this.#label = label;
    const model = label;
    this.#batcher = new DynamicBatcher<Row, Outcome, PredictionTrace>(
      (rows, traces) => this.run(rows, traces),
      { maxBatchSize: batching.maxBatchSize, maxWaitMs: batching.maxWaitMs },
      { onBatch: (size) => metrics.batchSize.observe({ model }, size) },
    );
  }

  get name(): string {
    return this.version.name;
  }

  get number(): number {
    return this.version.version;
  }

  /** One input through the batcher; `trace` (tracing on) puts it in its request's trace. */
  submit(row: Row, trace?: PredictionTrace): Promise<Outcome> {
    return this.#batcher.submit(row, trace);
  }

  /**
   * Many inputs at once, bypassing the batcher (async jobs already come in batches). `traces` holds
   * the prediction of each input when it came through the batcher with tracing on: only then does
   * the run get a span.
   */
  run(rows: Row[], traces?: readonly (PredictionTrace | undefined)[]): Promise<Outcome[]> {
    const predict = () => {
      const stop = this.#metrics.inferenceDuration.startTimer({ model: this.#label });
      return this.adapter.predict(rows).finally(() => stop());
    };
    return traces?.some(Boolean) ? traceBatch(this, traces, predict) : predict();
  }

  acquire(): () => void {
    this.#leases++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#leases--;
      if (this.#retired && this.#leases === 0) void this.close();
    };
  }

  /** No new leases will be taken; closes once the current ones are returned. */
  retire(): void {
    this.#retired = true;
    if (this.#leases === 0) void this.close();
  }

  close(): Promise<void> {
    this.#closed ??= this.#batcher.close().then(() => this.predictor.dispose?.());
    return this.#closed;
  }
}
