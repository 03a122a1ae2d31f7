/**
 * `import` as a capability: read a trace file line by line, drop and count invalid readings,
 * resample to the chosen interval, and write the output columns (missing ones null) to CSV,
 * Parquet or a wide warehouse table of its own source.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { createInterface } from 'node:readline';
import { FleetcastError, openWarehouse, type Row, type TableSpec } from '../../core/index.js';
import { parseInterval } from '../fleet/spec.js';
import { IDLE_CPU_PCT, IDLE_NETWORK_MBPS } from '../generator/series.js';
import { COLUMN_NAMES, OUTPUT_COLUMNS } from '../output/columns.js';
import { partialPath } from '../output/csv.js';
import { csvToParquet } from '../output/parquet.js';
import type { OutputTarget } from '../output/types.js';
import {
  FORMATS,
  type Parsed,
  parseAlibaba,
  parseAzure,
  parseBitbrains,
  parseGeneric,
  parseGoogle,
  type TraceFormat,
} from './formats.js';
import { type ResampledRow, Resampler } from './resample.js';

export interface ImportOptions {
  format: TraceFormat;
  input: string;
  /** Resampling interval (`5m`, `300`, …). */
  interval: string | number;
  /** Start of the trace for formats with relative times (Alibaba, Google, Azure); default 2018-01-01. */
  start?: string;
  /** CSV, Parquet or warehouse (a dataset export is the simulator's). */
  output: Extract<OutputTarget, { kind: 'csv' | 'parquet' | 'warehouse' }>;
}

export interface ImportSummary {
  format: TraceFormat;
  lines: number;
  readings: number;
  invalid: number;
  invalid_reasons: Record<string, number>;
  resources: number;
  rows: number;
  interval_seconds: number;
}

const DEFAULT_TRACE_START = '2018-01-01T00:00:00Z';

/** All output columns, nullable except the key: imports rarely know labels, cost or flags. */
export function importedTableSpec(name: string): TableSpec {
  return {
    name,
    columns: OUTPUT_COLUMNS.map((c) => ({
      name: c.name,
      type: c.warehouse,
      nullable: c.name !== 'timestamp' && c.name !== 'resource_id',
    })),
  };
}

function toRow(r: ResampledRow): Row {
  const [cpu, memory, netIn, netOut, disk] = r.values;
  const known = (x: number): number | null => (Number.isNaN(x) ? null : Math.round(x * 1000) / 1000);
  const idle =
    Number.isNaN(cpu) || Number.isNaN(netIn) || Number.isNaN(netOut)
      ? null
      : cpu < IDLE_CPU_PCT && netIn + netOut < IDLE_NETWORK_MBPS;
  const row: Row = Object.fromEntries(COLUMN_NAMES.map((name) => [name, null]));
  row.timestamp = new Date(r.timestampMs);
  row.resource_id = r.resourceId;
  row.cpu_utilization = known(cpu);
  row.memory_utilization = known(memory);
  row.network_in_mbps = known(netIn);
  row.network_out_mbps = known(netOut);
  row.disk_iops = known(disk);
  row.is_idle = idle;
  return row;
}

function csvLine(row: Row): string {
  return `${COLUMN_NAMES.map((name) => {
    const value = row[name];
    if (value === null || value === undefined) return '';
    if (value instanceof Date) return value.toISOString();
    const text = String(value);
    return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  }).join(',')}\n`;
}

async function readReadings(options: ImportOptions, resampler: Resampler, summary: ImportSummary): Promise<void> {
  const originMs = Date.parse(options.start ?? DEFAULT_TRACE_START);
  if (!Number.isFinite(originMs)) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `cannot read the start time ${options.start}`, {
      hint: 'give an ISO time such as 2018-01-01T00:00:00Z',
    });
  }
  const resourceFromFile = basename(options.input, extname(options.input));
  let header: string[] | undefined;
  const lines = createInterface({ input: createReadStream(options.input), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    summary.lines++;
    let parsed: Parsed;
    switch (options.format) {
      case 'alibaba':
        parsed = parseAlibaba(line, originMs);
        break;
      case 'azure':
        parsed = parseAzure(line, originMs);
        break;
      case 'google2019':
        parsed = parseGoogle(line, originMs);
        break;
      case 'bitbrains':
        if (!header) {
          header = line.split(';').map((x) => x.trim());
          continue;
        }
        parsed = parseBitbrains(line, header, resourceFromFile);
        break;
      case 'csv':
        if (!header) {
          header = line.split(',').map((x) => x.trim());
          if (!header.includes('timestamp') || !header.includes('resource_id')) {
            throw new FleetcastError(
              'FLEETCAST_INVALID_ARGUMENT',
              `${options.input} has no timestamp and resource_id columns`,
              {
                hint: `name the columns in the header line, using: ${COLUMN_NAMES.join(', ')}`,
              },
            );
          }
          continue;
        }
        parsed = parseGeneric(line, header);
        break;
    }
    if (parsed === undefined) continue;
    if ('invalid' in parsed) {
      summary.invalid++;
      summary.invalid_reasons[parsed.invalid] = (summary.invalid_reasons[parsed.invalid] ?? 0) + 1;
      continue;
    }
    summary.readings++;
    resampler.add(parsed);
  }
}

async function writeFile(path: string, rows: Iterable<ResampledRow>, parquet: boolean): Promise<number> {
  const csvPath = partialPath(path, parquet ? '.csv' : '');
  const stream = createWriteStream(csvPath);
  let count = 0;
  try {
    stream.write(`${COLUMN_NAMES.join(',')}\n`);
    for (const r of rows) {
      if (!stream.write(csvLine(toRow(r)))) await once(stream, 'drain');
      count++;
    }
    stream.end();
    await once(stream, 'close');
    if (parquet) {
      await csvToParquet(csvPath, partialPath(path));
      await rename(partialPath(path), path);
    } else await rename(csvPath, path);
    return count;
  } finally {
    stream.destroy();
    await rm(csvPath, { force: true });
    if (parquet) await rm(partialPath(path), { force: true });
  }
}

export async function importTrace(options: ImportOptions): Promise<ImportSummary> {
  if (!FORMATS.includes(options.format)) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `unknown trace format ${JSON.stringify(options.format)}`, {
      hint: `use one of ${FORMATS.join(', ')}`,
    });
  }
  const stepMs = parseInterval(options.interval);
  const summary: ImportSummary = {
    format: options.format,
    lines: 0,
    readings: 0,
    invalid: 0,
    invalid_reasons: {},
    resources: 0,
    rows: 0,
    interval_seconds: stepMs / 1000,
  };
  // Relative-time traces align buckets to their start; absolute ones to the Unix epoch.
  const relative = options.format === 'alibaba' || options.format === 'azure' || options.format === 'google2019';
  const resampler = new Resampler(relative ? Date.parse(options.start ?? DEFAULT_TRACE_START) : 0, stepMs);
  await readReadings(options, resampler, summary);
  summary.resources = resampler.resources;
  const output = options.output;
  if (output.kind === 'warehouse') {
    const warehouse = await openWarehouse(output.url);
    try {
      await warehouse.ensureTable(importedTableSpec(output.table));
      // One append: all rows of the import land or none do (the resampled rows are in memory anyway).
      const rows = [...resampler.rows()].map(toRow);
      summary.rows = await warehouse.append(output.table, rows);
    } finally {
      await warehouse.close();
    }
  } else summary.rows = await writeFile(output.path, resampler.rows(), output.kind === 'parquet');
  return summary;
}
