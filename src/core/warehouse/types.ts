import type { Table as ArrowTable } from 'apache-arrow';

/** Column types every warehouse dialect maps to its own (DuckDB, PostgreSQL, BigQuery). */
export type ColumnType = 'text' | 'integer' | 'bigint' | 'double' | 'boolean' | 'timestamp' | 'json';

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  /** Defaults to true; key columns are always NOT NULL. */
  nullable?: boolean;
}

export interface TableSpec {
  name: string;
  columns: ColumnSpec[];
  /** Columns of the primary key; required for `upsert`. */
  key?: string[];
}

/** One row: column name → value. Timestamps as Date (or ISO string), json as any JSON value. */
export type Row = Record<string, unknown>;

/**
 * The analytical store: metrics, datasets, predictions. Embedded: a DuckDB file. Scaled: PostgreSQL,
 * or BigQuery on Google Cloud. Every write of one call is atomic: all rows land or none do. SQL passed
 * to `query` is the backend's own dialect, with parameters written `$1`, `$2` … everywhere.
 */
export interface Warehouse {
  readonly kind: 'duckdb' | 'postgres' | 'bigquery';
  /** Creates the table if it does not exist; an existing table is left as it is. */
  ensureTable(spec: TableSpec): Promise<void>;
  hasTable(name: string): Promise<boolean>;
  listTables(): Promise<string[]>;
  /** Appends rows in one transaction; returns the number of rows written. */
  append(table: string, rows: Row[]): Promise<number>;
  /** Inserts or replaces rows on `key` (defaults to the table's key), in one transaction. */
  upsert(table: string, rows: Row[], key?: string[]): Promise<number>;
  /** Reads a whole table, or the result of a SELECT, as plain rows. */
  query(tableOrSql: string, params?: unknown[]): Promise<Row[]>;
  /** Same as `query`, as an Apache Arrow table (column types follow the values). */
  queryArrow(tableOrSql: string, params?: unknown[]): Promise<ArrowTable>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
