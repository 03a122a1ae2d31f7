/**
 * Values across the DuckDB boundary: row values checked and coerced for the Appender (which trusts
 * its input), query parameters, result values, and DuckDB errors mapped to the catalogue.
 */
import {
  type DuckDBType,
  DuckDBTypeId,
  type DuckDBValue,
  type JS,
  JSToDuckDBValueConverter,
  listValue,
  TIMESTAMPTZ,
} from '@duckdb/node-api';
import { errorMessage, FleetcastError } from '../errors.js';
import { describeValue, fromBigInt, jsonBigInt } from './sql.js';
import type { Row } from './types.js';

export interface TableInfo {
  /** The name as stored (DuckDB matches identifiers case-insensitively). */
  name: string;
  columns: string[];
  types: DuckDBType[];
  key: string[];
}

const INTEGER_RANGES: Partial<Record<DuckDBTypeId, readonly [bigint, bigint]>> = {
  [DuckDBTypeId.TINYINT]: [-128n, 127n],
  [DuckDBTypeId.SMALLINT]: [-32_768n, 32_767n],
  [DuckDBTypeId.INTEGER]: [-2_147_483_648n, 2_147_483_647n],
  [DuckDBTypeId.BIGINT]: [-(2n ** 63n), 2n ** 63n - 1n],
  [DuckDBTypeId.UTINYINT]: [0n, 255n],
  [DuckDBTypeId.USMALLINT]: [0n, 65_535n],
  [DuckDBTypeId.UINTEGER]: [0n, 4_294_967_295n],
  [DuckDBTypeId.UBIGINT]: [0n, 2n ** 64n - 1n],
};
const TIMESTAMPS = new Set([
  DuckDBTypeId.TIMESTAMP_TZ,
  DuckDBTypeId.TIMESTAMP,
  DuckDBTypeId.TIMESTAMP_MS,
  DuckDBTypeId.TIMESTAMP_S,
  DuckDBTypeId.TIMESTAMP_NS,
  DuckDBTypeId.DATE,
]);
const INVALID = Symbol('invalid');

/**
 * Brings a row value to the JS form the chunk converter expects for the column's type, or INVALID.
 * The converter trusts its input (a float into an INTEGER vector, an out-of-range number), so this
 * is where a wrong type is caught — accepting what PostgreSQL accepts too (numeric strings, ISO
 * timestamps), so both warehouses take the same rows.
 */
function coerce(value: unknown, type: DuckDBType): unknown {
  if (value === undefined || value === null) return null;
  if (type.alias === 'JSON') return JSON.stringify(value, jsonBigInt);
  const range = INTEGER_RANGES[type.typeId];
  if (range) {
    // Mixed number/bigint comparisons are exact in JS. Narrow columns get numbers, as they need.
    if (typeof value === 'number' && Number.isSafeInteger(value)) {
      return value >= range[0] && value <= range[1] ? value : INVALID;
    }
    const integer = asInteger(value);
    return integer !== undefined && integer >= range[0] && integer <= range[1] ? fromBigInt(integer) : INVALID;
  }
  if (TIMESTAMPS.has(type.typeId)) {
    const date = typeof value === 'string' || typeof value === 'number' ? new Date(value) : value;
    return date instanceof Date && !Number.isNaN(date.getTime()) ? date : INVALID;
  }
  switch (type.typeId) {
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.FLOAT: {
      if (typeof value === 'number') return value;
      const number =
        typeof value === 'bigint' || (typeof value === 'string' && value.trim() !== '') ? Number(value) : Number.NaN;
      return Number.isNaN(number) ? INVALID : number;
    }
    case DuckDBTypeId.BOOLEAN:
      return typeof value === 'boolean' ? value : INVALID;
    case DuckDBTypeId.VARCHAR:
      if (typeof value === 'string') return value;
      return typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean'
        ? String(value)
        : INVALID;
    default:
      return value; // types ensureTable never creates: the converter has the last word
  }
}

function asInteger(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : undefined;
  if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) return BigInt(value.trim());
  return undefined;
}

/** Row values in table column order, ready for a data chunk; names the first value that is not. */
export function chunkValues(info: TableInfo, rows: Row[], offset: number): JS[][] {
  return rows.map((row, rowIndex) =>
    info.columns.map((name, columnIndex) => {
      const type = info.types[columnIndex];
      if (!type) return null;
      const value = coerce(row[name], type);
      if (value !== INVALID) return value as JS;
      throw new FleetcastError(
        'FLEETCAST_BACKEND_ERROR',
        `DuckDB: Conversion Error: column "${name}" (${type}) cannot hold ${describeValue(row[name])} (row ${offset + rowIndex})`,
        { hint: `pass values of the column's type to "${info.name}"`, details: { table: info.name, column: name } },
      );
    }),
  );
}

/** Query parameters: what DuckDB cannot infer a type for gets an explicit DuckDB value. */
export function toParam(value: unknown): DuckDBValue {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return JSToDuckDBValueConverter(value, TIMESTAMPTZ, JSToDuckDBValueConverter);
  if (Array.isArray(value)) return listValue(value.map(toParam));
  if (typeof value === 'object') return JSON.stringify(value);
  return value as DuckDBValue;
}

/** Result values: 64-bit integers as numbers when exact, nested lists and structs likewise. */
export function fromDuckDb(value: JS): unknown {
  if (typeof value === 'bigint') return fromBigInt(value);
  if (Array.isArray(value)) return value.map(fromDuckDb);
  if (value && typeof value === 'object' && !(value instanceof Date) && !(value instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fromDuckDb(item)]));
  }
  return value;
}

export function toFleetcastError(error: unknown): FleetcastError {
  if (error instanceof FleetcastError) return error;
  const message = errorMessage(error).trim();
  const missing = /^Catalog Error: Table with name (\S+) does not exist/.exec(message);
  if (missing?.[1]) {
    return new FleetcastError('FLEETCAST_NOT_FOUND', `DuckDB: ${message}`, {
      hint: 'create the table first (ensureTable), or check the name with listTables',
      details: { table: missing[1] },
      cause: error,
    });
  }
  return new FleetcastError('FLEETCAST_BACKEND_ERROR', `DuckDB: ${message}`, {
    hint: 'check the statement and the values against the table',
    cause: error,
  });
}
