/**
 * The SQL side of the fake BigQuery server: GoogleSQL as the BigQuery adapter and the conformance
 * suite write it, rewritten for the DuckDB engine underneath, and BigQuery's types and cells.
 * Covered: 'single' and "double" quoted strings (backslash escapes), `backtick` paths
 * (`project.dataset.table` → "dataset"."table"), @named parameters, # comments, and
 * `dataset.INFORMATION_SCHEMA.COLUMNS` (served from the fake's own catalog of BigQuery types).
 */
import { type DuckDBType, DuckDBTypeId, listValue } from '@duckdb/node-api';
import { toParam } from '../../../src/core/warehouse/duckdb-values.js';

/** GoogleSQL → DuckDB SQL. `catalog` is the table holding INFORMATION_SCHEMA.COLUMNS rows. */
export function translateSql(sql: string, catalog: string): string {
  let out = '';
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      let text = '';
      let j = i + 1;
      for (; j < sql.length && sql[j] !== c; j++) {
        if (sql[j] === '\\') {
          j++;
          const escaped = sql[j] ?? '';
          text += ({ n: '\n', t: '\t', r: '\r' } as Record<string, string>)[escaped] ?? escaped;
        } else {
          text += sql[j];
        }
      }
      out += `'${text.replaceAll("'", "''")}'`;
      i = j;
    } else if (c === '`') {
      const end = sql.indexOf('`', i + 1);
      const parts = sql.slice(i + 1, end).split('.');
      out += (parts.length === 3 ? parts.slice(1) : parts).map((part) => `"${part}"`).join('.');
      i = end;
    } else if (c === '@' && /[A-Za-z_]/.test(sql[i + 1] ?? '')) {
      out += '$';
    } else if (c === '#') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end - 1;
    } else {
      out += c;
    }
  }
  return out.replace(
    /(?:"([A-Za-z_]\w*)"|\b([A-Za-z_]\w*))\.INFORMATION_SCHEMA\.COLUMNS\b/gi,
    (_, quoted: string | undefined, bare: string | undefined) =>
      `(SELECT * FROM ${catalog} WHERE table_schema = '${quoted ?? bare}')`,
  );
}

/** DuckDB column type for a BigQuery field type (standard or legacy name). */
export function duckType(type: string): string {
  const types: Record<string, string> = {
    STRING: 'VARCHAR',
    INT64: 'BIGINT',
    INTEGER: 'BIGINT',
    FLOAT64: 'DOUBLE',
    FLOAT: 'DOUBLE',
    BOOL: 'BOOLEAN',
    BOOLEAN: 'BOOLEAN',
    TIMESTAMP: 'TIMESTAMPTZ',
    JSON: 'JSON',
    NUMERIC: 'DECIMAL(38, 9)',
    DATE: 'DATE',
  };
  const mapped = types[type.toUpperCase()];
  if (!mapped) throw new BadRequest(`Invalid field type: ${type}`, 'invalid');
  return mapped;
}

/** The legacy type names the REST API answers with (INT64 → INTEGER, FLOAT64 → FLOAT, BOOL → BOOLEAN). */
export function legacyType(type: string): string {
  const upper = type.toUpperCase();
  return ({ INT64: 'INTEGER', FLOAT64: 'FLOAT', BOOL: 'BOOLEAN' } as Record<string, string>)[upper] ?? upper;
}

/** The standard SQL names INFORMATION_SCHEMA.COLUMNS.data_type shows. */
export function standardType(type: string): string {
  const upper = type.toUpperCase();
  return ({ INTEGER: 'INT64', FLOAT: 'FLOAT64', BOOLEAN: 'BOOL' } as Record<string, string>)[upper] ?? upper;
}

export interface ResultField {
  name: string;
  type: string;
  mode: 'NULLABLE' | 'REPEATED';
  fields?: ResultField[];
}

/** The BigQuery result field of a DuckDB result column. */
export function resultField(name: string, type: DuckDBType): ResultField {
  if (type.typeId === DuckDBTypeId.LIST) return { ...resultField(name, type.valueType), mode: 'REPEATED' };
  if (type.typeId === DuckDBTypeId.STRUCT) {
    return {
      name,
      type: 'RECORD',
      mode: 'NULLABLE',
      fields: type.entryNames.map((entry, i) => resultField(entry, type.entryTypes[i]!)),
    };
  }
  return { name, type: scalarType(type), mode: 'NULLABLE' };
}

function scalarType(type: DuckDBType): string {
  if (type.alias === 'JSON') return 'JSON';
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return 'BOOLEAN';
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
      return 'INTEGER';
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return 'FLOAT';
    case DuckDBTypeId.DECIMAL:
      return 'NUMERIC';
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_NS:
      return 'TIMESTAMP';
    case DuckDBTypeId.DATE:
      return 'DATE';
    default:
      return 'STRING';
  }
}

/** One cell as the REST API encodes it: every scalar as text, timestamps in microseconds. */
export function cell(field: ResultField, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (field.mode === 'REPEATED') {
    return (value as unknown[]).map((item) => ({ v: cell({ ...field, mode: 'NULLABLE' }, item) }));
  }
  if (field.type === 'RECORD') {
    const record = value as Record<string, unknown>;
    return { f: (field.fields ?? []).map((child) => ({ v: cell(child, record[child.name]) })) };
  }
  if (field.type === 'TIMESTAMP') return String(BigInt((value as Date).getTime()) * 1000n);
  if (field.type === 'DATE' && value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A request BigQuery refuses, with its reason (invalid, invalidQuery, notFound, duplicate…). */
export class BadRequest extends Error {
  constructor(
    message: string,
    readonly reason: string,
    readonly status = reason === 'notFound' ? 404 : reason === 'duplicate' ? 409 : 400,
  ) {
    super(message);
  }
}

/** DuckDB's error as the one BigQuery gives for the same mistake. */
export function bigQueryErrorOf(error: unknown, project: string, dataset: string): BadRequest {
  if (error instanceof BadRequest) return error;
  const message = error instanceof Error ? error.message : String(error);
  const table = /Table with name (\S+) does not exist/.exec(message)?.[1];
  if (table)
    return new BadRequest(`Not found: Table ${project}:${dataset}.${table} was not found in location US`, 'notFound');
  const column = /Referenced column "?([^"\s]+)"? not found/.exec(message)?.[1];
  if (column) return new BadRequest(`Unrecognized name: ${column} at [1:8]`, 'invalidQuery');
  return new BadRequest(message.replace(/^[A-Za-z ]+Error: /, ''), 'invalidQuery');
}

/** The rows of a newline-delimited JSON load, converted for DuckDB, and what BigQuery would refuse. */
export function parseLoadRows(
  fields: ReadonlyArray<{ name: string; type: string; mode?: string }>,
  data: Buffer,
): { rows: unknown[][]; problems: string[] } {
  const rows: unknown[][] = [];
  const problems: string[] = [];
  let position = 0;
  for (const line of data.toString('utf8').split('\n')) {
    if (line.trim() !== '') {
      const row = JSON.parse(line) as Record<string, unknown>;
      const at = `JSON parsing error in row starting at position ${position}: `;
      for (const name of Object.keys(row))
        if (!fields.some((f) => f.name === name)) problems.push(`${at}No such field: ${name}.`);
      rows.push(
        fields.map((f) => {
          const value = row[f.name];
          if (value === null || value === undefined) {
            if (f.mode === 'REQUIRED')
              problems.push(`${at}Only optional fields can be set to NULL. Field: ${f.name}; Value: NULL`);
            return null;
          }
          const converted = loadValue(f.type, value);
          if (converted === undefined) {
            problems.push(
              `${at}Could not convert value '${JSON.stringify(value)}' to ${f.type.toLowerCase()}. Field: ${f.name}; Value: ${String(value)}`,
            );
          }
          return converted ?? null;
        }),
      );
    }
    position += Buffer.byteLength(line) + 1;
  }
  return { rows, problems };
}

export function duckParameter(parameter: QueryParameter): unknown {
  if (parameter.parameterType.type === 'ARRAY') {
    const type = parameter.parameterType.arrayType?.type ?? 'STRING';
    return listValue(
      (parameter.parameterValue.arrayValues ?? []).map((item) => scalarParameter(type, item.value ?? null) as never),
    );
  }
  return scalarParameter(parameter.parameterType.type, parameter.parameterValue.value ?? null);
}

function scalarParameter(type: string, value: string | null): unknown {
  if (value === null) return null;
  switch (type) {
    case 'INT64':
      return BigInt(value);
    case 'FLOAT64':
      return Number(value);
    case 'BOOL':
      return value === 'true';
    case 'TIMESTAMP':
      return toParam(new Date(value.replace(' ', 'T')));
    default:
      return value;
  }
}

/** A load job's JSON value as the DuckDB column wants it, or undefined when BigQuery would refuse it. */
function loadValue(type: string, value: unknown): unknown {
  switch (type) {
    case 'INTEGER':
      if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
      return typeof value === 'string' && /^-?\d+$/.test(value) ? BigInt(value) : undefined;
    case 'FLOAT':
      if (typeof value === 'number') return value;
      return typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))
        ? Number(value)
        : undefined;
    case 'BOOLEAN':
      if (typeof value === 'boolean') return value;
      return typeof value === 'string' && /^(true|false)$/i.test(value) ? value.toLowerCase() === 'true' : undefined;
    case 'TIMESTAMP': {
      const date = typeof value === 'string' ? new Date(value) : undefined;
      return date && !Number.isNaN(date.getTime()) ? date : undefined;
    }
    case 'JSON':
      return JSON.stringify(value);
    default:
      return typeof value === 'object' ? undefined : String(value);
  }
}

/** A named query parameter as jobs.query receives it. */
export interface QueryParameter {
  name: string;
  parameterType: { type: string; arrayType?: { type: string } };
  parameterValue: { value?: string | null; arrayValues?: Array<{ value: string | null }> };
}
