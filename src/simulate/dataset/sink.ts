/**
 * Dataset export: Parquet shards per split plus the card, written into a temporary folder that is
 * renamed to the target only at the end (an interrupted export leaves `DIR.partial-PID`, never a
 * complete-looking DIR). Resources are grouped into shards of about `shardRows` rows; each shard
 * streams to a temporary CSV per split and is converted by DuckDB when its last resource is done,
 * so memory stays bounded whatever the fleet size.
 */
import { mkdirSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResourceSummary } from '../fleet/resource.js';
import type { FleetSpec } from '../fleet/spec.js';
import type { FleetStats } from '../fleet/summary.js';
import type { MetricBatch, TimeGrid } from '../generator/types.js';
import { CsvFileWriter, formatBatch, TimestampText } from '../output/csv.js';
import { csvToParquet } from '../output/parquet.js';
import type { Sink } from '../output/types.js';
import { renderCard, type SplitStats } from './card.js';
import { type SplitRange, splitGrid } from './split.js';

export interface DatasetTarget {
  dir: string;
  split: readonly [number, number, number];
  shardRows: number;
}

interface OpenShard {
  index: number;
  writers: CsvFileWriter[];
}

class SplitAccumulator {
  readonly files: string[] = [];
  rows = 0;
  cpu = 0;
  memory = 0;
  anomalyRows = 0;
  idleRows = 0;

  constructor(readonly range: SplitRange) {}

  add(batch: MetricBatch): void {
    for (let i = 0; i < batch.length; i++) {
      this.cpu += batch.cpu[i] ?? 0;
      this.memory += batch.memory[i] ?? 0;
      if ((batch.anomaly[i] ?? 0) > 0) this.anomalyRows++;
      this.idleRows += batch.isIdle[i] ?? 0;
    }
    this.rows += batch.length;
  }

  stats(): SplitStats {
    return {
      range: this.range,
      files: this.files,
      rows: this.rows,
      cpuMean: this.rows > 0 ? this.cpu / this.rows : 0,
      memoryMean: this.rows > 0 ? this.memory / this.rows : 0,
      anomalyRows: this.anomalyRows,
      idleRows: this.idleRows,
    };
  }
}

/** Rows [from, to) of a batch, as views (no copy). */
function slice(batch: MetricBatch, from: number, to: number): MetricBatch {
  return {
    resource: batch.resource,
    length: to - from,
    timestampMs: batch.timestampMs.subarray(from, to),
    cpu: batch.cpu.subarray(from, to),
    memory: batch.memory.subarray(from, to),
    networkIn: batch.networkIn.subarray(from, to),
    networkOut: batch.networkOut.subarray(from, to),
    diskIops: batch.diskIops.subarray(from, to),
    isIdle: batch.isIdle.subarray(from, to),
    anomaly: batch.anomaly.subarray(from, to),
  };
}

export class DatasetSink implements Sink {
  private readonly temp: string;
  private readonly grid: TimeGrid;
  private readonly splits: SplitAccumulator[];
  private readonly perShard: number;
  private readonly shards: number;
  private readonly times: TimestampText;
  private open: OpenShard | undefined;

  constructor(
    private readonly target: DatasetTarget,
    private readonly spec: FleetSpec,
    private readonly fleetStats: () => FleetStats,
  ) {
    this.temp = `${target.dir}.partial-${process.pid}`;
    this.grid = { startMs: spec.startMs, stepMs: spec.stepMs, rows: spec.rowsPerResource };
    this.splits = splitGrid(this.grid, target.split).map((range) => new SplitAccumulator(range));
    this.perShard = Math.max(1, Math.floor(target.shardRows / spec.rowsPerResource));
    this.shards = Math.ceil(spec.fleet / this.perShard);
    this.times = new TimestampText(this.grid);
    mkdirSync(join(this.temp, 'data'), { recursive: true });
  }

  async write(batch: MetricBatch, resource: ResourceSummary): Promise<void> {
    const shard = Math.floor(resource.plan.index / this.perShard);
    if (this.open?.index !== shard) {
      await this.closeShard();
      this.open = {
        index: shard,
        writers: this.splits.map((s) => new CsvFileWriter(join(this.temp, `${s.range.name}-${shard}.csv`))),
      };
    }
    const first = Math.round(((batch.timestampMs[0] ?? 0) - this.grid.startMs) / this.grid.stepMs);
    for (const [i, split] of this.splits.entries()) {
      const from = Math.max(split.range.fromRow, first) - first;
      const to = Math.min(split.range.toRow, first + batch.length) - first;
      if (to <= from) continue;
      const part = slice(batch, from, to);
      split.add(part);
      await this.open.writers[i]?.write(formatBatch(part, resource, this.times));
    }
  }

  private async closeShard(): Promise<void> {
    const open = this.open;
    if (!open) return;
    this.open = undefined;
    const of = String(this.shards).padStart(5, '0');
    for (const [i, split] of this.splits.entries()) {
      const csv = join(this.temp, `${split.range.name}-${open.index}.csv`);
      await open.writers[i]?.close();
      const name = `${split.range.name}-${String(open.index).padStart(5, '0')}-of-${of}.parquet`;
      await csvToParquet(csv, join(this.temp, 'data', name));
      await rm(csv, { force: true });
      split.files.push(`data/${name}`);
    }
  }

  /** Per-split statistics of the rows written so far. */
  splitStats(): SplitStats[] {
    return this.splits.map((s) => s.stats());
  }

  async finish(): Promise<void> {
    await this.closeShard();
    const stats = this.fleetStats();
    const card = renderCard({
      seed: this.spec.seed.toString(),
      fleet: this.spec.fleet,
      startIso: new Date(this.spec.startMs).toISOString(),
      endIso: new Date(this.spec.startMs + this.spec.rowsPerResource * this.spec.stepMs).toISOString(),
      intervalSeconds: this.spec.stepMs / 1000,
      anomalyRate: this.spec.anomalyRate,
      mix: this.spec.mix,
      splits: this.splitStats(),
      fleetStats: stats.fleet,
      archetypes: stats.archetypes,
      anomalies: stats.anomalies,
    });
    await writeFile(join(this.temp, 'README.md'), card);
    await rename(this.temp, this.target.dir);
  }

  async abort(): Promise<void> {
    for (const writer of this.open?.writers ?? []) writer.destroy();
    this.open = undefined;
    await rm(this.temp, { recursive: true, force: true });
  }
}
