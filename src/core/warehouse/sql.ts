/**
 * What the DuckDB and PostgreSQL warehouses share (and BigQuery, for identifiers, specs, keys and
 * result shaping): identifier checks, type mapping, statement building and result shaping. Everything here is pure (no connection), so it is tested through the
 * conformance suite of both implementations and stays identical between them.
 */
import {
  Bool,
  type DataType,
  Field,
  Float64,
  Int64,
  makeData,
  Null,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampMillisecond,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { FleetcastError } from '../errors.js';
import type { ColumnType, Row, TableSpec } from './types.js';

export type Dialect = 'duckdb' | 'postgres';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** PostgreSQL's wire protocol numbers bind parameters with an unsigned 16-bit count. */
export const MAX_PARAMETERS = 65_535;

/** Throws FLEETCAST_INVALID_ARGUMENT unless `name` is a plain SQL identifier; returns it. */
export function assertIdentifier(name: unknown, what = 'identifier'): string {
  if (typeof name !== 'string' || !IDENTIFIER.test(name)) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `invalid ${what} ${JSON.stringify(name)}`, {
      hint: 'use letters, digits and underscores only, not starting with a digit',
      details: { [what]: name },
    });
  }
  return name;
}

/**
 * Validates and double-quotes an identifier. Quoting keeps reserved words (`key`, `order`) usable
 * as column names; validation means the quotes can never be broken out of.
 */
export function quoteIdent(name: string, what = 'identifier'): string {
  return `"${assertIdentifier(name, what)}"`;
}

const SQL_TYPES: Record<Dialect, Record<ColumnType, string>> = {
  // TIMESTAMPTZ on both sides: the instant is stored, so a Date comes back as the same instant
  // whatever the server's or the process's time zone.
  duckdb: {
    text: 'VARCHAR',
    integer: 'INTEGER',
    bigint: 'BIGINT',
    double: 'DOUBLE',
    boolean: 'BOOLEAN',
    timestamp: 'TIMESTAMPTZ',
    json: 'JSON',
  },
  postgres: {
    text: 'text',
    integer: 'integer',
    bigint: 'bigint',
    double: 'double precision',
    boolean: 'boolean',
    timestamp: 'timestamptz',
    json: 'jsonb',
  },
};

export function columnSqlType(type: ColumnType, dialect: Dialect): string {
  const sqlType = Object.hasOwn(SQL_TYPES[dialect], type) ? SQL_TYPES[dialect][type] : undefined;
  if (!sqlType) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `unknown column type ${JSON.stringify(type)}`, {
      hint: `use one of: ${Object.keys(SQL_TYPES[dialect]).join(', ')}`,
    });
  }
  return sqlType;
}

/** `CREATE TABLE IF NOT EXISTS …` for a validated spec. */
export function createTableSql(spec: TableSpec, dialect: Dialect): string {
  const table = quoteIdent(spec.name, 'table name');
  const key = validateTableSpec(spec);
  const lines = spec.columns.map((column) => {
    const notNull = column.nullable === false || key.includes(column.name) ? ' NOT NULL' : '';
    return `${quoteIdent(column.name)} ${columnSqlType(column.type, dialect)}${notNull}`;
  });
  if (key.length > 0) lines.push(`PRIMARY KEY (${key.map((name) => quoteIdent(name)).join(', ')})`);
  return `CREATE TABLE IF NOT EXISTS ${table} (${lines.join(', ')})`;
}

/**
 * Checks a table spec every warehouse accepts the same way: identifiers, at least one column, no
 * column twice, key columns among the columns. Returns the key (empty when there is none).
 */
export function validateTableSpec(spec: TableSpec): string[] {
  assertIdentifier(spec.name, 'table name');
  if (spec.columns.length === 0) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `table "${spec.name}" has no columns`, {
      hint: 'declare at least one column',
    });
  }
  const names = new Set<string>();
  for (const column of spec.columns) {
    assertIdentifier(column.name, 'column name');
    if (names.has(column.name)) {
      throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `column "${column.name}" is declared twice`, {
        hint: `give each column of "${spec.name}" a distinct name`,
      });
    }
    names.add(column.name);
  }
  const key = spec.key ?? [];
  for (const name of key) {
    if (!names.has(assertIdentifier(name, 'key column'))) {
      throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `key column "${name}" is not a column of "${spec.name}"`, {
        hint: `declare "${name}" in columns, or remove it from key`,
      });
    }
  }
  return key;
}

/**
 * The columns to write, in table order: those that appear in at least one row. A row key that is not
 * a column of the table fails here, before anything is sent.
 */
export function resolveColumns(table: string, tableColumns: readonly string[], rows: readonly Row[]): string[] {
  const known = new Set(tableColumns);
  const present = new Set<string>();
  for (const row of rows) {
    for (const name of Object.keys(row)) {
      if (present.has(name)) continue;
      if (!known.has(name)) {
        throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `unknown column "${name}" for table "${table}"`, {
          hint: `the columns of "${table}" are: ${tableColumns.join(', ')}`,
          details: { table, column: name },
        });
      }
      present.add(name);
    }
  }
  return tableColumns.filter((name) => present.has(name));
}

/** The key an upsert applies: the one asked for, else the table's primary key; all real columns. */
export function resolveKey(
  table: string,
  columns: readonly string[],
  declared: readonly string[],
  key?: string[],
): string[] {
  const chosen = key && key.length > 0 ? key : [...declared];
  if (chosen.length === 0) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `table "${table}" has no key to upsert on`, {
      hint: 'declare key in ensureTable, or pass the key columns to upsert',
      details: { table },
    });
  }
  for (const name of chosen) {
    if (!columns.includes(assertIdentifier(name, 'key column'))) {
      throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `key column "${name}" is not a column of "${table}"`, {
        hint: `the columns of "${table}" are: ${columns.join(', ')}`,
        details: { table, column: name },
      });
    }
  }
  return chosen;
}

export function missingTableError(table: string): FleetcastError {
  return new FleetcastError('FLEETCAST_NOT_FOUND', `table "${table}" does not exist in the warehouse`, {
    hint: 'create it first (ensureTable), or check the name with listTables',
    details: { table },
  });
}

/** What a warehouse answers once `close()` was called. */
export function closedError(where: string): FleetcastError {
  return new FleetcastError('FLEETCAST_BACKEND_ERROR', `the warehouse ${where} is closed`, {
    hint: 'open the warehouse again (openWarehouse) before using it',
  });
}

/** A short, unambiguous rendering of a value for an error message. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Date) return `Date(${Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString()})`;
  if (value && typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return `${typeof value} ${String(value)}`;
}

/** JSON.stringify replacer: bigints, which JSON.stringify rejects, as numbers (exact up to 2^53). */
export function jsonBigInt(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? Number(value) : value;
}

/**
 * Keeps the last row of each key. ON CONFLICT DO UPDATE refuses to touch one row twice in a single
 * statement (PostgreSQL) or picks an arbitrary winner (DuckDB); "last one wins" is what a caller
 * replaying a stream of updates expects.
 */
export function dedupeByKey(rows: readonly Row[], key: readonly string[]): Row[] {
  const byKey = new Map<string, Row>();
  for (const row of rows) {
    const id = JSON.stringify(key.map((name) => keyPart(row[name])));
    byKey.delete(id); // re-inserting moves the entry last, so the output keeps the latest order
    byKey.set(id, row);
  }
  return [...byKey.values()];
}

function keyPart(value: unknown): unknown {
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Date) return value.getTime();
  return value ?? null;
}

/** `ON CONFLICT (key) DO UPDATE SET col = excluded.col …` (DO NOTHING when every column is key). */
export function conflictClause(columns: readonly string[], key: readonly string[]): string {
  const target = key.map((name) => quoteIdent(name)).join(', ');
  const updates = columns.filter((name) => !key.includes(name));
  if (updates.length === 0) return `ON CONFLICT (${target}) DO NOTHING`;
  const set = updates.map((name) => `${quoteIdent(name)} = excluded.${quoteIdent(name)}`).join(', ');
  return `ON CONFLICT (${target}) DO UPDATE SET ${set}`;
}

export interface Statement {
  sql: string;
  params: unknown[];
}

export interface InsertOptions {
  /** Turns the inserts into upserts on these columns. */
  conflictKey?: readonly string[];
  /** Bind-parameter budget per statement; defaults to PostgreSQL's limit. */
  maxParameters?: number;
  /** Cap on rows per statement, so one statement's text stays a reasonable size. */
  maxRows?: number;
}

/**
 * Multi-row INSERT statements with positional parameters ($1, $2 …), as many rows per statement
 * as the parameter budget allows. `values` are rows already ordered like `columns`.
 */
export function buildInsertStatements(
  table: string,
  columns: readonly string[],
  values: readonly (readonly unknown[])[],
  options: InsertOptions = {},
): Statement[] {
  if (columns.length === 0) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `no columns to write to "${table}"`, {
      hint: 'give each row at least one column',
    });
  }
  const budget = Math.floor((options.maxParameters ?? MAX_PARAMETERS) / columns.length);
  const perStatement = Math.max(1, Math.min(budget, options.maxRows ?? Number.POSITIVE_INFINITY));
  const head = `INSERT INTO ${quoteIdent(table)} (${columns.map((name) => quoteIdent(name)).join(', ')}) VALUES `;
  const tail = options.conflictKey ? ` ${conflictClause(columns, options.conflictKey)}` : '';
  const statements: Statement[] = [];
  for (let start = 0; start < values.length; start += perStatement) {
    const slice = values.slice(start, start + perStatement);
    const params: unknown[] = [];
    const tuples: string[] = [];
    for (const row of slice) {
      const marks: string[] = [];
      for (let index = 0; index < columns.length; index++) {
        params.push(row[index] ?? null);
        marks.push(`$${params.length}`);
      }
      tuples.push(`(${marks.join(', ')})`);
    }
    statements.push({ sql: head + tuples.join(', ') + tail, params });
  }
  return statements;
}

export type QueryTarget = { kind: 'table'; table: string } | { kind: 'sql'; sql: string };

/**
 * A bare identifier names a table; anything with SQL syntax in it is a statement. A single word that
 * is not a valid identifier (`my-table`) is a mistyped table name, not SQL, and is reported as such.
 */
export function parseQueryTarget(tableOrSql: string, params: readonly unknown[] = []): QueryTarget {
  const text = tableOrSql.trim();
  if (IDENTIFIER.test(text)) {
    if (params.length > 0) {
      throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `parameters given with table name "${text}"`, {
        hint: 'pass a SELECT statement with $1, $2 … to use parameters',
      });
    }
    return { kind: 'table', table: text };
  }
  if (text === '' || /^[^\s()*,;'"]+$/.test(text)) assertIdentifier(text, 'table name');
  return { kind: 'sql', sql: tableOrSql };
}

export function selectAllSql(table: string): string {
  return `SELECT * FROM ${quoteIdent(table, 'table name')}`;
}

/** Statements that cannot change the schema, so they need not invalidate cached table layouts. */
export function isReadOnlySql(sql: string): boolean {
  return /^\s*(select|with|from|values|table|show|describe|explain|summarize)\b/i.test(sql);
}

/**
 * Integers wider than 32 bits come back as a JS number when they fit exactly (|n| ≤ 2^53 − 1) and as
 * a bigint otherwise, so common counts and ids stay plain numbers without ever losing precision.
 */
export function fromBigInt(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** A plain result: the columns in result order, and the rows keyed by column name. */
export interface ResultSet {
  columns: string[];
  rows: Row[];
}

type Kind = 'number' | 'bigint' | 'string' | 'boolean' | 'date' | 'other';

function kindOf(value: unknown): Kind {
  if (value instanceof Date) return 'date';
  const type = typeof value;
  if (type === 'number' || type === 'bigint' || type === 'string' || type === 'boolean') return type as Kind;
  return 'other';
}

/** Arrow type and value list for one column, decided by the values it holds. */
function arrowColumn(values: unknown[]): { type: DataType; values: unknown[] } {
  const kinds = new Set<Kind>();
  for (const value of values) if (value !== null && value !== undefined) kinds.add(kindOf(value));
  const nullable = values.map((value) => value ?? null);
  if (kinds.size === 0) return { type: new Null(), values: nullable };
  const only = kinds.size === 1 ? [...kinds][0] : undefined;
  if (only === 'number') return { type: new Float64(), values: nullable };
  if (only === 'string') return { type: new Utf8(), values: nullable };
  if (only === 'boolean') return { type: new Bool(), values: nullable };
  if (only === 'date') return { type: new TimestampMillisecond(), values: nullable };
  // A 64-bit integer column mixes numbers (safe values) and bigints (the rest): keep it Int64.
  const integral = [...kinds].every((kind) => kind === 'bigint' || kind === 'number');
  if (integral && nullable.every((value) => typeof value !== 'number' || Number.isInteger(value))) {
    return {
      type: new Int64(),
      values: nullable.map((value) => (typeof value === 'number' ? BigInt(value) : value)),
    };
  }
  // Anything else (json objects, mixed kinds) travels as text: JSON for objects.
  return { type: new Utf8(), values: nullable.map(textOf) };
}

function textOf(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value, jsonBigInt);
  return String(value);
}

/**
 * An Arrow table from a result. Built from an explicit schema rather than an object of vectors, so
 * column order is the result's even for names like "1" that JS objects would reorder.
 */
export function rowsToArrow(result: ResultSet): Table {
  const fields: Field[] = [];
  const children = [];
  for (const name of result.columns) {
    const column = arrowColumn(result.rows.map((row) => row[name]));
    const vector = vectorFromArray(column.values, column.type);
    const [data] = vector.data;
    // vectorFromArray builds one contiguous chunk; anything else would misalign the record batch.
    if (!data || vector.data.length !== 1) {
      throw new Error(`arrow: column "${name}" built in ${vector.data.length} chunks`);
    }
    fields.push(new Field(name, column.type, true));
    children.push(data);
  }
  const schema = new Schema(fields);
  const batch = makeData({ type: new Struct(fields), length: result.rows.length, nullCount: 0, children });
  return new Table(schema, [new RecordBatch(schema, batch)]);
}
