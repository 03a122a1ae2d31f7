/**
 * Reading load-step CSVs (the kpp format: one row per poll per service) with validation that names
 * the bad column and line, so a broken export is fixed at the source rather than modelled.
 */
import { readFileSync } from 'node:fs';
import { FleetcastError } from '../../core/errors.js';
import type { LoadStepRow } from './types.js';

/** Column names of the kpp collector, and the row field each fills. */
export const REQUIRED_COLUMNS = [
  'Timestamp',
  'Service',
  'User Count',
  'Response Time (s)',
  'Throughput (req/s)',
  'CPU Usage',
] as const;
export const OPTIONAL_COLUMNS = ['Replicas', 'CPU Request'] as const;
const MEASUREMENTS = new Set(['Response Time (s)', 'Throughput (req/s)', 'CPU Usage']);

/** Splits one CSV line, honouring double quotes (RFC 4180 style, `""` inside quotes is a quote). */
export function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}

function badValue(source: string, line: number, column: string, raw: string, why: string): FleetcastError {
  return new FleetcastError(
    'FLEETCAST_INVALID_ARGUMENT',
    `${source}: line ${line}, column "${column}": ${why} (got "${raw}")`,
    {
      hint: 'fix or drop that row at the source; measurements may be `nan` when a poll saw no request, inputs may not',
      details: { line, column, value: raw },
    },
  );
}

/**
 * Parses a number. Measurements accept `nan` or an empty cell as missing (NaN); every other cell
 * must be a finite, non-negative number: an infinity is a collector bug, not a measurement.
 */
function parseCell(source: string, line: number, column: string, raw: string): number {
  const text = raw.trim();
  if (MEASUREMENTS.has(column) && (text === '' || text.toLowerCase() === 'nan')) return Number.NaN;
  if (text === '') throw badValue(source, line, column, raw, 'empty value');
  // Python writes infinities as `inf`; they are collector bugs, reported as such.
  const value = /^[+-]?inf(inity)?$/i.test(text) ? Number.POSITIVE_INFINITY : Number(text);
  if (Number.isNaN(value)) throw badValue(source, line, column, raw, 'not a number');
  if (!Number.isFinite(value)) throw badValue(source, line, column, raw, 'infinite value');
  if (value < 0) throw badValue(source, line, column, raw, 'negative value');
  return value;
}

/** Parses CSV text in the kpp format; `source` names the input in errors. */
export function parseLoadStepCsv(text: string, source = 'input'): LoadStepRow[] {
  const lines = text.split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? '').map((name) => name.trim());
  const missing = REQUIRED_COLUMNS.filter((name) => !header.includes(name));
  if (missing.length > 0) {
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `${source}: the header lacks ${missing.map((m) => `"${m}"`).join(', ')}`,
      {
        hint: `expected columns: ${[...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS.map((c) => `${c} (optional)`)].join(', ')}`,
        details: { missing, header },
      },
    );
  }
  const index = (name: string): number => header.indexOf(name);
  const optional = OPTIONAL_COLUMNS.filter((name) => header.includes(name));
  const rows: LoadStepRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const lineText = lines[i]!;
    if (lineText.trim() === '') continue;
    const line = i + 1;
    const cells = splitCsvLine(lineText);
    if (cells.length !== header.length) {
      throw new FleetcastError(
        'FLEETCAST_INVALID_ARGUMENT',
        `${source}: line ${line} has ${cells.length} cells, the header ${header.length}`,
        { hint: 'every row needs one value per header column', details: { line } },
      );
    }
    const cell = (name: string): string => cells[index(name)]!;
    const service = cell('Service').trim();
    if (service === '') throw badValue(source, line, 'Service', cell('Service'), 'empty service name');
    const number = (name: string): number => parseCell(source, line, name, cell(name));
    const row: LoadStepRow = {
      timestamp: number('Timestamp'),
      service,
      users: number('User Count'),
      responseTime: number('Response Time (s)'),
      throughput: number('Throughput (req/s)'),
      cpu: number('CPU Usage'),
    };
    if (optional.includes('Replicas')) row.replicas = number('Replicas');
    if (optional.includes('CPU Request')) row.cpuRequest = number('CPU Request');
    rows.push(row);
  }
  if (rows.length === 0) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${source}: no data rows`, {
      hint: 'the file holds only a header; point at a file with measurements',
    });
  }
  return rows;
}

/** Reads and parses a load-step CSV file. */
export function readLoadStepCsv(path: string): LoadStepRow[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new FleetcastError('FLEETCAST_NOT_FOUND', `cannot read ${path}: ${(error as Error).message}`, {
      hint: 'check the --data / --test path',
    });
  }
  return parseLoadStepCsv(text, path);
}
