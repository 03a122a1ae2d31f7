/**
 * Resampling of irregular readings onto a regular grid: each reading falls into the interval
 * bucket containing its time (buckets aligned to `originMs`), and a bucket's value per metric is the
 * mean of the readings that measured it (missing ones do not count). Memory grows with the
 * resampled output (resources × buckets), never with the raw readings.
 */
import type { Reading } from './formats.js';

export interface ResampledRow {
  timestampMs: number;
  resourceId: string;
  /** CPU, memory, network in, network out, disk IOPS; NaN where nothing was measured. */
  values: [number, number, number, number, number];
}

export class Resampler {
  /** resource → bucket → [5 sums, 5 counts]. */
  private readonly series = new Map<string, Map<number, Float64Array>>();

  constructor(
    private readonly originMs: number,
    private readonly stepMs: number,
  ) {}

  add(r: Reading): void {
    const bucket = Math.floor((r.timeMs - this.originMs) / this.stepMs);
    let buckets = this.series.get(r.resourceId);
    if (!buckets) {
      buckets = new Map();
      this.series.set(r.resourceId, buckets);
    }
    let acc = buckets.get(bucket);
    if (!acc) {
      acc = new Float64Array(10);
      buckets.set(bucket, acc);
    }
    const values = [r.cpu, r.memory, r.networkIn, r.networkOut, r.diskIops];
    for (let m = 0; m < 5; m++) {
      const v = values[m] ?? Number.NaN;
      if (Number.isNaN(v)) continue;
      acc[m] = (acc[m] ?? 0) + v;
      acc[m + 5] = (acc[m + 5] ?? 0) + 1;
    }
  }

  get resources(): number {
    return this.series.size;
  }

  /** Rows by resource id, then time. */
  *rows(): Generator<ResampledRow> {
    for (const id of [...this.series.keys()].sort()) {
      const buckets = this.series.get(id);
      if (!buckets) continue;
      for (const bucket of [...buckets.keys()].sort((a, b) => a - b)) {
        const acc = buckets.get(bucket);
        if (!acc) continue;
        const mean = (m: number): number => ((acc[m + 5] ?? 0) > 0 ? (acc[m] ?? 0) / (acc[m + 5] ?? 1) : Number.NaN);
        yield {
          timestampMs: this.originMs + bucket * this.stepMs,
          resourceId: id,
          values: [mean(0), mean(1), mean(2), mean(3), mean(4)],
        };
      }
    }
  }
}
