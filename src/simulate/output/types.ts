import type { ResourceSummary } from '../fleet/resource.js';
import type { MetricBatch } from '../generator/types.js';

/** Where rows go. `none` generates and measures only (benchmarks, calibration). */
export type OutputTarget =
  | { kind: 'csv'; path: string }
  | { kind: 'parquet'; path: string }
  | { kind: 'warehouse'; url: string; table: string }
  /** A Hugging Face-style dataset folder: Parquet shards per chronological split, plus a card. */
  | { kind: 'dataset'; dir: string; split: readonly [number, number, number]; shardRows: number }
  | { kind: 'none' };

/** A destination for batches; `finish` makes the output visible, `abort` leaves nothing behind. */
export interface Sink {
  write(batch: MetricBatch, resource: ResourceSummary): Promise<void>;
  finish(): Promise<void>;
  abort(): Promise<void>;
}
