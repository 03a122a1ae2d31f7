/**
 * CSV output: one header line, then rows in column order. Numbers are written in their shortest
 * exact form (the generator already rounded them), so the same seed gives byte-identical files.
 * Rows go to a temporary name beside the target, renamed only when all are written: an interrupted
 * run leaves a `.partial` file, never one that looks complete.
 */
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { anomalyLabel } from '../anomalies/types.js';
import type { ResourceSummary } from '../fleet/resource.js';
import type { MetricBatch, TimeGrid } from '../generator/types.js';
import { COLUMN_NAMES } from './columns.js';
import type { Sink } from './types.js';

export function csvHeader(): string {
  return `${COLUMN_NAMES.join(',')}\n`;
}

function isoSeconds(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, 19)}Z` : iso;
}

/**
 * Every resource shares the same sample times, so their text is made once per run (up to a
 * bound) instead of once per row: formatting dates is the dearest part of a CSV row.
 */
export class TimestampText {
  private readonly cache: string[] = [];

  constructor(private readonly grid?: TimeGrid) {}

  at(ms: number): string {
    const grid = this.grid;
    if (!grid) return isoSeconds(ms);
    const k = (ms - grid.startMs) / grid.stepMs;
    if (k >= 0 && k < MAX_CACHED && Number.isInteger(k)) {
      let text = this.cache[k];
      if (text === undefined) {
        text = isoSeconds(ms);
        this.cache[k] = text;
      }
      return text;
    }
    return isoSeconds(ms);
  }
}

const MAX_CACHED = 200_000;

/** The CSV lines of one batch (labels are plain identifiers: no quoting is ever needed). */
export function formatBatch(batch: MetricBatch, resource: ResourceSummary, times = new TimestampText()): string {
  const plan = batch.resource;
  const labels = `,${plan.id},${plan.archetype.key},${plan.provider},${plan.region},${plan.instance.name},${plan.environment},${plan.team},`;
  const cost = `,${plan.instance.hourlyUsd},`;
  const over = resource.overprovisioned ? 'true' : 'false';
  const parts: string[] = new Array(batch.length);
  for (let i = 0; i < batch.length; i++) {
    const code = batch.anomaly[i] ?? 0;
    parts[i] =
      `${times.at(batch.timestampMs[i] ?? 0)}${labels}${batch.cpu[i]},${batch.memory[i]},${batch.networkIn[i]},` +
      `${batch.networkOut[i]},${batch.diskIops[i]}${cost}${batch.isIdle[i] ? 'true' : 'false'},${over},` +
      `${code > 0 ? 'true' : 'false'},${anomalyLabel(code) ?? ''}\n`;
  }
  return parts.join('');
}

/** A temporary name beside `path` that no reader mistakes for the finished file. */
export function partialPath(path: string, suffix = ''): string {
  return `${path}.partial-${process.pid}${suffix}`;
}

export class CsvFileWriter {
  private readonly stream: WriteStream;
  private failure: Error | undefined;

  constructor(readonly path: string) {
    this.stream = createWriteStream(path);
    this.stream.on('error', (error) => {
      this.failure = error;
    });
    this.stream.write(csvHeader());
  }

  async write(text: string): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.stream.write(text)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    if (this.failure) throw this.failure;
    this.stream.end();
    await once(this.stream, 'close');
    if (this.failure) throw this.failure;
  }

  destroy(): void {
    this.stream.destroy();
  }
}

export class CsvSink implements Sink {
  private readonly temp: string;
  private readonly writer: CsvFileWriter;
  private readonly times: TimestampText;

  constructor(
    private readonly target: string,
    grid?: TimeGrid,
  ) {
    this.temp = partialPath(target);
    this.writer = new CsvFileWriter(this.temp);
    this.times = new TimestampText(grid);
  }

  write(batch: MetricBatch, resource: ResourceSummary): Promise<void> {
    return this.writer.write(formatBatch(batch, resource, this.times));
  }

  async finish(): Promise<void> {
    await this.writer.close();
    await rename(this.temp, this.target);
  }

  async abort(): Promise<void> {
    this.writer.destroy();
    await rm(this.temp, { force: true });
  }
}
