/**
 * Where a spec's data comes from: a CSV or Parquet file (read through an in-memory DuckDB, paths
 * relative to the spec file), or the configured warehouse (a table name or a SELECT).
 */
import { existsSync } from 'node:fs';
import { extname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { FleetcastError } from '../../core/errors.js';
import { openWarehouse, type Row } from '../../core/warehouse/index.js';

export const DataSourceSchema = z.union([
  z.strictObject({ file: z.string().min(1) }),
  z.strictObject({ table: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.]*$/, 'a table name: letters, digits, _ and .') }),
  z.strictObject({ query: z.string().regex(/^\s*(select|with)\s/i, 'a SELECT (or WITH … SELECT) statement') }),
]);
export type DataSource = z.infer<typeof DataSourceSchema>;

export function describeSource(source: DataSource): string {
  if ('file' in source) return source.file;
  if ('table' in source) return `warehouse table ${source.table}`;
  return 'warehouse query';
}

/** The rows of a data source; `warehouseUrl` is needed only for tables and queries. */
export async function loadRows(source: DataSource, baseDir: string, warehouseUrl?: string): Promise<Row[]> {
  if ('file' in source) {
    const path = isAbsolute(source.file) ? source.file : resolve(baseDir, source.file);
    if (!existsSync(path)) {
      throw new FleetcastError('FLEETCAST_NOT_FOUND', `data file ${path} does not exist`, {
        hint: 'paths in a spec are relative to the spec file',
      });
    }
    const extension = extname(path).toLowerCase();
    if (extension !== '.csv' && extension !== '.parquet') {
      throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `data file ${path} is not .csv or .parquet`, {
        hint: 'give a CSV or Parquet file, or a warehouse table',
      });
    }
    const reader = await openWarehouse('duckdb::memory:');
    try {
      const fn = extension === '.csv' ? 'read_csv_auto' : 'read_parquet';
      return await reader.query(`SELECT * FROM ${fn}($1)`, [path]);
    } finally {
      await reader.close();
    }
  }
  if (warehouseUrl === undefined) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${describeSource(source)} needs a warehouse`, {
      hint: 'set FLEETCAST_WAREHOUSE_URL, or give a file',
    });
  }
  const warehouse = await openWarehouse(warehouseUrl);
  try {
    if ('table' in source && !(await warehouse.hasTable(source.table))) {
      throw new FleetcastError('FLEETCAST_NOT_FOUND', `the warehouse has no table ${source.table}`, {
        hint: 'check the name, or write the data with fleetcast simulate --to-warehouse / fleetcast import',
      });
    }
    return await warehouse.query('table' in source ? source.table : source.query);
  } finally {
    await warehouse.close();
  }
}
