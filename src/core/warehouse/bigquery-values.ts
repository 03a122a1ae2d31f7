/**
 * Values across the BigQuery REST boundary: column types, rows as newline-delimited JSON for load
 * jobs, query parameters (`$1` in Fleetcast's SQL becomes the named parameter `@p1`), and the typed
 * cells of query results (`{f: [{v}]}`, every scalar as text) back to the JS values the other
 * warehouses return.
 */
import { FleetcastError } from '../errors.js';
import { fromBigInt, jsonBigInt } from './sql.js';
import type { ColumnType, Row } from './types.js';

/** BigQuery's standard SQL type for each column type (both integer widths are INT64). */
export const BIGQUERY_TYPES: Record<ColumnType, string> = {
  text: 'STRING',
  integer: 'INT64',
  bigint: 'INT64',
  double: 'FLOAT64',
  boolean: 'BOOL',
  timestamp: 'TIMESTAMP',
  json: 'JSON',
};

/** A field of a BigQuery schema (tables, query results). REST answers use legacy names (INTEGER…). */
export interface BigQueryField {
  name: string;
  type: string;
  mode?: 'NULLABLE' | 'REQUIRED' | 'REPEATED';
  fields?: BigQueryField[];
}

/** One named query parameter as the REST API takes it. */
export interface QueryParameter {
  name: string;
  parameterType: { type: string; arrayType?: { type: string } };
  parameterValue: { value?: string | null; arrayValues?: Array<{ value: string | null }> };
}

/**
 * Rewrites `$1`, `$2` … (the placeholders of Fleetcast's warehouse SQL) to `@p1`, `@p2` …, leaving
 * string literals, quoted identifiers and comments alone.
 */
export function toNamedParameters(sql: string): string {
  let out = '';
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'" || c === '"' || c === '`') {
      const end = closingQuote(sql, i, c);
      out += sql.slice(i, end + 1);
      i = end;
    } else if ((c === '-' && sql[i + 1] === '-') || c === '#') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      const stop = end === -1 ? sql.length : end + 2;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '$' && /\d/.test(sql[i + 1] ?? '')) {
      let j = i + 1;
      while (/\d/.test(sql[j] ?? '')) j++;
      out += `@p${sql.slice(i + 1, j)}`;
      i = j - 1;
    } else {
      out += c;
    }
  }
  return out;
}

/** The index of the quote closing the literal opened at `start` (backslash escapes, as in BigQuery). */
function closingQuote(sql: string, start: number, quote: string): number {
  for (let i = start + 1; i < sql.length; i++) {
    if (sql[i] === '\\') i++;
    else if (sql[i] === quote) return i;
  }
  return sql.length - 1;
}

/** `params[i]` as the named parameter `p{i+1}`, typed from its JS value. */
export function queryParameters(params: readonly unknown[]): QueryParameter[] {
  return params.map((value, index) => {
    const name = `p${index + 1}`;
    if (Array.isArray(value)) {
      const first = value.find((item) => item !== null && item !== undefined);
      const type = scalarType(first);
      return {
        name,
        parameterType: { type: 'ARRAY', arrayType: { type } },
        parameterValue: { arrayValues: value.map((item) => ({ value: scalarText(item) })) },
      };
    }
    return { name, parameterType: { type: scalarType(value) }, parameterValue: { value: scalarText(value) } };
  });
}

function scalarType(value: unknown): string {
  if (typeof value === 'bigint') return 'INT64';
  if (typeof value === 'number') return Number.isInteger(value) ? 'INT64' : 'FLOAT64';
  if (typeof value === 'boolean') return 'BOOL';
  if (value instanceof Date) return 'TIMESTAMP';
  if (value !== null && typeof value === 'object') return 'JSON';
  return 'STRING';
}

function scalarText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString().replace('T', ' ').replace('Z', '+00:00');
  if (typeof value === 'object') return JSON.stringify(value, jsonBigInt);
  return String(value);
}

/**
 * One row as a line of a NEWLINE_DELIMITED_JSON load. INT64 values beyond ±2^53 travel as strings
 * (BigQuery's advice, as JSON numbers would lose digits); a JSON column takes the raw JSON value.
 */
export function ndjsonLine(row: Row, columns: readonly string[]): string {
  const out: Record<string, unknown> = {};
  for (const name of columns) {
    const value = row[name];
    if (value === undefined) continue;
    out[name] =
      typeof value === 'bigint'
        ? value.toString()
        : value instanceof Date
          ? Number.isNaN(value.getTime())
            ? 'invalid date'
            : value.toISOString()
          : value;
  }
  return JSON.stringify(out, jsonBigInt);
}

/** A query result cell (`v`) as the JS value the other warehouses return for that type. */
export function fromCell(field: BigQueryField, cell: unknown): unknown {
  if (cell === null || cell === undefined) return null;
  if (field.mode === 'REPEATED') {
    const items = Array.isArray(cell) ? (cell as Array<{ v: unknown }>) : [];
    return items.map((item) => fromCell({ ...field, mode: 'NULLABLE' }, item?.v));
  }
  const type = field.type.toUpperCase();
  if (type === 'RECORD' || type === 'STRUCT') {
    const values = (cell as { f?: Array<{ v: unknown }> }).f ?? [];
    const record: Row = {};
    (field.fields ?? []).forEach((child, index) => {
      record[child.name] = fromCell(child, values[index]?.v);
    });
    return record;
  }
  const text = String(cell);
  switch (type) {
    case 'INTEGER':
    case 'INT64':
      return fromBigInt(BigInt(text));
    case 'FLOAT':
    case 'FLOAT64':
    case 'NUMERIC':
    case 'BIGNUMERIC':
      return Number(text);
    case 'BOOLEAN':
    case 'BOOL':
      return text === 'true';
    case 'TIMESTAMP':
      // Microseconds since the epoch (formatOptions.useInt64Timestamp), or float seconds.
      return new Date(/^-?\d+$/.test(text) ? Number(BigInt(text) / 1000n) : Number(text) * 1000);
    case 'JSON':
      return JSON.parse(text);
    default:
      return text; // STRING, DATE, DATETIME, TIME, BYTES (base64), GEOGRAPHY
  }
}

/** Rows of a result page, keyed by field name. */
export function fromRows(fields: readonly BigQueryField[], rows: ReadonlyArray<{ f: Array<{ v: unknown }> }>): Row[] {
  return rows.map((row) => {
    const out: Row = {};
    fields.forEach((field, index) => {
      out[field.name] = fromCell(field, row.f[index]?.v);
    });
    return out;
  });
}

export function bigQueryType(type: ColumnType): string {
  const mapped = Object.hasOwn(BIGQUERY_TYPES, type) ? BIGQUERY_TYPES[type] : undefined;
  if (!mapped) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `unknown column type ${JSON.stringify(type)}`, {
      hint: `use one of: ${Object.keys(BIGQUERY_TYPES).join(', ')}`,
    });
  }
  return mapped;
}
