/**
 * The data side of a fleet bundle: rows grouped by series, validated, ordered by time, and put on
 * one regular grid for the fleet (its step: the median of the series' own median steps), with
 * duplicates averaged and gaps filled by the rule of data/gaps.ts. What was repaired is counted.
 */
import { FleetcastError } from '../../core/errors.js';
import { medianStep, type RegularSeries, regularize } from '../data/gaps.js';

export interface BundleColumns {
  idColumn: string;
  timeColumn: string;
  valueColumn: string;
  groupColumn?: string;
  season?: number;
}

export interface PreparedSeries {
  id: string;
  group?: string;
  /** Time of the last observation (ms). */
  lastMs: number;
  /** Rows the series had (before duplicates were merged and gaps filled). */
  observations: number;
  grid: RegularSeries;
}

export interface PreparedBundle {
  series: PreparedSeries[];
  /** Grid step in ms (undefined when no series has two points). */
  step: number | undefined;
  skipped: Array<{ series: string; reason: string }>;
  repaired: Array<{ series: string; duplicates: number; interpolated: number; longGapFilled: number }>;
}

export function prepareBundleSeries(
  rows: ReadonlyArray<Record<string, unknown>>,
  options: BundleColumns,
): PreparedBundle {
  if (rows.length === 0) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', 'no rows to train on', { hint: 'check --data' });
  }
  for (const column of [
    options.idColumn,
    options.timeColumn,
    options.valueColumn,
    ...(options.groupColumn ? [options.groupColumn] : []),
  ]) {
    if (!(column in rows[0]!)) {
      throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `column "${column}" is not in the data`, {
        hint: `columns: ${Object.keys(rows[0]!).join(', ')}`,
      });
    }
  }
  const groups = new Map<string, Array<{ t: number; v: number }>>();
  const groupOf = new Map<string, string>();
  rows.forEach((row, index) => {
    const id = String(row[options.idColumn]);
    const t = toMs(row[options.timeColumn]);
    const v = Number(row[options.valueColumn]);
    if (!Number.isFinite(t) || !Number.isFinite(v)) {
      throw new FleetcastError(
        'FLEETCAST_INVALID_ARGUMENT',
        `row ${index + 1}: ${Number.isFinite(t) ? options.valueColumn : options.timeColumn} is not a ${Number.isFinite(t) ? 'finite number' : 'time'}`,
        { hint: 'clean or filter the data (e.g. --data "SELECT … WHERE value IS NOT NULL")' },
      );
    }
    const points = groups.get(id) ?? [];
    points.push({ t, v });
    groups.set(id, points);
    if (options.groupColumn && !groupOf.has(id)) groupOf.set(id, String(row[options.groupColumn]));
  });
  const season = options.season ?? 1;
  const skipped: PreparedBundle['skipped'] = [];
  const repaired: PreparedBundle['repaired'] = [];
  const steps = [...groups.values()].map((points) => medianStep(points.map((p) => p.t))).filter((v) => v > 0);
  steps.sort((a, b) => a - b);
  const step = steps[Math.floor(steps.length / 2)];
  const series: PreparedSeries[] = [];
  for (const [id, points] of groups) {
    points.sort((a, b) => a.t - b.t);
    if (points.length < 2 || step === undefined) {
      skipped.push({ series: id, reason: `${points.length} point(s): too short to forecast` });
      continue;
    }
    const grid = regularize(
      points.map((p) => p.t),
      points.map((p) => p.v),
      { step, season },
    );
    let interpolated = 0;
    let longGapFilled = 0;
    for (const flag of grid.filled) {
      if (flag === 1) interpolated++;
      else if (flag === 2) longGapFilled++;
    }
    if (grid.duplicates + interpolated + longGapFilled > 0) {
      repaired.push({ series: id, duplicates: grid.duplicates, interpolated, longGapFilled });
    }
    series.push({
      id,
      lastMs: points.at(-1)!.t,
      observations: points.length,
      grid,
      ...(groupOf.has(id) ? { group: groupOf.get(id)! } : {}),
    });
  }
  return { series, step, skipped, repaired };
}

/**
 * Numeric times below 1e11 are epoch seconds, larger ones epoch milliseconds: 1e11 ms is March 1973,
 * while 1e11 s is the year 5138, so the two ranges cannot meet for real data (the rule pandas and
 * DuckDB users meet as `unit='s'`). Without it, a seconds column became dates in January 1970.
 */
export const EPOCH_SECONDS_BELOW = 1e11;

function toMs(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number' || typeof value === 'bigint') {
    const number = Number(value);
    return Math.abs(number) < EPOCH_SECONDS_BELOW ? number * 1000 : number;
  }
  return typeof value === 'string' ? Date.parse(value) : Number.NaN;
}
