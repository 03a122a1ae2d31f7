/**
 * Checks on the destination, made before any row is generated: a known file type, a table name the
 * warehouse accepts, and enough free disk for the estimated output.
 */
import { existsSync, mkdirSync, readdirSync, statfsSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { FleetcastError } from '../../core/index.js';
import { splitGrid } from '../dataset/split.js';
import type { FleetSpec } from '../fleet/spec.js';
import { gridOf } from '../fleet/stream.js';
import type { OutputTarget } from '../output/types.js';

/** Bytes per CSV row measured on default fleets (~140), rounded up. */
export const CSV_BYTES_PER_ROW = 150;
/** Parquet needs the temporary CSV plus the Parquet file itself (zstd, well under half the CSV). */
const PARQUET_FACTOR = 1.5;

/** `--out` path → target by extension. */
export function fileTarget(path: string, cwd: string): OutputTarget {
  const absolute = resolve(cwd, path);
  const ext = extname(absolute).toLowerCase();
  if (ext === '.csv') return { kind: 'csv', path: absolute };
  if (ext === '.parquet') return { kind: 'parquet', path: absolute };
  throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `cannot tell the format of ${path}`, {
    hint: 'end the output file name with .csv or .parquet',
  });
}

export function checkTarget(target: OutputTarget, spec: FleetSpec): void {
  if (target.kind === 'warehouse') {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(target.table)) {
      throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `invalid table name ${JSON.stringify(target.table)}`, {
        hint: 'use letters, digits and underscores only, not starting with a digit',
      });
    }
    return;
  }
  if (target.kind === 'none') return;
  if (target.kind === 'dataset') {
    checkDataset(target, spec);
    return;
  }
  const folder = dirname(target.path);
  const rows = spec.fleet * spec.rowsPerResource;
  const needed = rows * CSV_BYTES_PER_ROW * (target.kind === 'parquet' ? PARQUET_FACTOR : 1);
  // Measured on the nearest folder that exists: nothing is created for a request that cannot fit.
  const stats = statfsSync(existingAncestor(folder));
  const free = stats.bavail * stats.bsize;
  if (needed > free) {
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `${rows} rows need about ${gib(needed)} GiB but ${folder} has ${gib(free)} GiB free`,
      { hint: 'use fewer resources, fewer days or a longer interval, or write elsewhere', details: { needed, free } },
    );
  }
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `cannot create the folder ${folder}`, {
      hint: 'choose an output path in a writable folder',
      cause: error,
    });
  }
}

function checkDataset(target: Extract<OutputTarget, { kind: 'dataset' }>, spec: FleetSpec): void {
  if (existsSync(target.dir) && readdirSync(target.dir).length > 0) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `the dataset folder ${target.dir} is not empty`, {
      hint: 'choose a new folder: an export never mixes with older files',
    });
  }
  if (!Number.isInteger(target.shardRows) || target.shardRows < 1) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `shard size ${target.shardRows} is not a whole number ≥ 1`, {
      hint: 'pass --shard-rows N (default 1000000)',
    });
  }
  splitGrid(gridOf(spec), target.split);
  const rows = spec.fleet * spec.rowsPerResource;
  const needed = rows * CSV_BYTES_PER_ROW * PARQUET_FACTOR;
  const stats = statfsSync(existingAncestor(dirname(target.dir)));
  const free = stats.bavail * stats.bsize;
  if (needed > free) {
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `${rows} rows need about ${gib(needed)} GiB but ${dirname(target.dir)} has ${gib(free)} GiB free`,
      { hint: 'use fewer resources, fewer days or a longer interval, or write elsewhere', details: { needed, free } },
    );
  }
}

/** The rightsizing report is a CSV; its folder is created if needed. */
export function checkReportPath(path: string): void {
  if (extname(path).toLowerCase() !== '.csv') {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `the report ${path} must be a .csv file`, {
      hint: 'pass --report FILE.csv',
    });
  }
  mkdirSync(dirname(path), { recursive: true });
}

function existingAncestor(folder: string): string {
  let current = folder;
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
  return current;
}

function gib(bytes: number): string {
  return (bytes / 1024 ** 3).toFixed(1);
}
