/**
 * Reads the series a backtest runs on from a CSV with a header: a time column, a value column and an
 * optional id column (one series per id). Deliberately small — the data pipeline of `src/models/data`
 * does bucketing, gap filling and scaling; here every problem is an error that names the column and
 * the row (rows are counted like a spreadsheet: the header is row 1), and rows are put in time order.
 */
import { FleetcastError } from '../../core/errors.js';

export interface SeriesData {
  id: string;
  /** Timestamps in time order (epoch ms for dates, the numbers themselves otherwise). */
  times: number[];
  values: number[];
  /** The series' group (first value of the group column), when one was named. */
  group?: string;
}

export interface CsvColumns {
  timeCol: string;
  valueCol: string;
  idCol?: string;
  /** Column naming each series' group (archetype, service), for fleet models. */
  groupCol?: string;
}

/** Splits CSV text into records (RFC 4180: quoted fields may hold commas, quotes and newlines). */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      field = '';
      if (!(record.length === 1 && record[0] === '')) records.push(record);
      record = [];
    } else field += c;
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}

function invalid(message: string, hint: string, details?: Record<string, unknown>): FleetcastError {
  return new FleetcastError('FLEETCAST_INVALID_ARGUMENT', message, { hint, ...(details ? { details } : {}) });
}

function parseTime(raw: string): number | undefined {
  const text = raw.trim();
  if (text === '') return undefined;
  const number = Number(text);
  if (Number.isFinite(number)) return number;
  const date = Date.parse(text);
  return Number.isFinite(date) ? date : undefined;
}

/** Parses the CSV and returns one series per id (a single series named after the value column without one). */
export function readSeriesCsv(text: string, columns: CsvColumns, source = 'input'): SeriesData[] {
  const records = parseCsv(text);
  const header = records[0];
  if (!header) throw invalid(`${source} is empty`, 'give a CSV with a header row and data rows');
  const names = header.map((name) => name.trim());
  const index = (column: string, flag: string): number => {
    const position = names.indexOf(column);
    if (position < 0) {
      throw invalid(
        `${source}: column "${column}" (${flag}) is not in the header`,
        `columns in the header: ${names.join(', ')}`,
        { column },
      );
    }
    return position;
  };
  const timeAt = index(columns.timeCol, '--time-col');
  const valueAt = index(columns.valueCol, '--value-col');
  const idAt = columns.idCol === undefined ? undefined : index(columns.idCol, '--id-col');
  const groupAt = columns.groupCol === undefined ? undefined : index(columns.groupCol, '--group-col');
  const groupOf = new Map<string, string>();
  if (records.length < 2) throw invalid(`${source} has a header but no data rows`, 'add data rows');

  const groups = new Map<string, { time: number; value: number; row: number }[]>();
  for (let r = 1; r < records.length; r++) {
    const record = records[r]!;
    const row = r + 1;
    if (record.length !== names.length) {
      throw invalid(
        `${source} row ${row}: ${record.length} fields, the header has ${names.length}`,
        'every row needs one field per header column (quote fields that contain commas)',
        { row },
      );
    }
    const rawTime = record[timeAt]!;
    const time = parseTime(rawTime);
    if (time === undefined) {
      throw invalid(
        `${source} row ${row}: column "${columns.timeCol}" holds "${rawTime}", not a number or a date`,
        'use epoch numbers or ISO-8601 timestamps',
        { row, column: columns.timeCol },
      );
    }
    const rawValue = record[valueAt]!;
    const value = rawValue.trim() === '' ? Number.NaN : Number(rawValue);
    if (!Number.isFinite(value)) {
      throw invalid(
        `${source} row ${row}: column "${columns.valueCol}" holds "${rawValue}", not a finite number`,
        'remove or fill empty, NaN and infinite values before backtesting',
        { row, column: columns.valueCol },
      );
    }
    const id = idAt === undefined ? columns.valueCol : record[idAt]!.trim();
    if (groupAt !== undefined && !groupOf.has(id)) groupOf.set(id, record[groupAt]!.trim());
    let group = groups.get(id);
    if (!group) {
      group = [];
      groups.set(id, group);
    }
    group.push({ time, value, row });
  }

  const out: SeriesData[] = [];
  for (const [id, rows] of groups) {
    rows.sort((a, b) => a.time - b.time || a.row - b.row);
    for (let k = 1; k < rows.length; k++) {
      if (rows[k]!.time === rows[k - 1]!.time) {
        throw invalid(
          `${source} rows ${rows[k - 1]!.row} and ${rows[k]!.row}: series "${id}" has two values at time "${records[rows[k]!.row - 1]![timeAt]}"`,
          columns.idCol
            ? 'aggregate duplicate timestamps first (one value per time per series)'
            : 'if the file holds several series, name the column that tells them apart with --id-col; otherwise aggregate duplicate timestamps first',
          { rows: [rows[k - 1]!.row, rows[k]!.row], column: columns.timeCol },
        );
      }
    }
    out.push({
      id,
      times: rows.map((r) => r.time),
      values: rows.map((r) => r.value),
      ...(groupOf.has(id) ? { group: groupOf.get(id)! } : {}),
    });
  }
  return out;
}
