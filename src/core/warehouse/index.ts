/**
 * The warehouse entry point: a URL picks the implementation. Embedded: `duckdb:/abs/path/file.duckdb`
 * or `duckdb::memory:`. Scaled: `postgres://…` / `postgresql://…`.
 */
import { maskUrl } from '../config/mask.js';
import { FleetcastError } from '../errors.js';
import { DuckDbWarehouse } from './duckdb.js';
import { PostgresWarehouse } from './postgres.js';
import type { Warehouse } from './types.js';

export { DuckDbWarehouse } from './duckdb.js';
export { PostgresWarehouse } from './postgres.js';
export type { ColumnSpec, ColumnType, Row, TableSpec, Warehouse } from './types.js';

const ACCEPTED =
  'use duckdb:/absolute/path/warehouse.duckdb, duckdb::memory:, or postgres://user:password@host:5432/database';

/** Opens the warehouse a URL names. DuckDB opens its file now; PostgreSQL connects on first use. */
export async function openWarehouse(url: string): Promise<Warehouse> {
  const text = url.trim();
  if (/^postgres(ql)?:\/\//i.test(text)) {
    try {
      new URL(text);
    } catch {
      throw invalid(text, 'it is not a valid URL');
    }
    return new PostgresWarehouse(text);
  }
  if (/^duckdb:/i.test(text)) {
    // `duckdb:///abs` and `duckdb:/abs` both name /abs; anything relative would depend on the cwd.
    const rest = text.slice('duckdb:'.length).replace(/^\/\/(?=\/)/, '');
    if (rest === ':memory:') return DuckDbWarehouse.open(':memory:');
    if (!rest.startsWith('/') || rest.length < 2) throw invalid(text, 'the DuckDB path must be absolute');
    return DuckDbWarehouse.open(rest);
  }
  throw invalid(text, 'the scheme is not duckdb: or postgres://');
}

function invalid(url: string, reason: string): FleetcastError {
  return new FleetcastError('FLEETCAST_URL_INVALID', `invalid warehouse URL ${maskUrl(url)}: ${reason}`, {
    hint: ACCEPTED,
  });
}
