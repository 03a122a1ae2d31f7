/**
 * What a simulation returns, and reading columns out of it. A simulation returns named tables;
 * each table is either an array of row objects or an object of equal-length column arrays (cheaper
 * for long outputs). Keys are normalised so both sides of a join compare alike: dates, bigints and
 * numeric or ISO-date strings become numbers (dates as epoch ms); other strings stay strings.
 */
import type { PlainParams } from '../../contracts/index.js';

export type TableRow = Readonly<Record<string, unknown>>;
export type ColumnTable = Readonly<Record<string, ArrayLike<unknown>>>;
export type SimulatedTable = readonly TableRow[] | ColumnTable;
export type SimulatedTables = Readonly<Record<string, SimulatedTable>>;

/**
 * The simulation-function contract: a module (TS or JS) exporting `simulate`. It must be
 * deterministic in (params, seed): a replicate is reproduced exactly from its derived 64-bit seed.
 */
export interface SimulationModule {
  simulate(params: PlainParams, seed: bigint): SimulatedTables | Promise<SimulatedTables>;
}

export type Key = number | string;

/** Thrown for a simulated table that does not fit the targets: the trial is told `failed`. */
export class TableError extends Error {
  override readonly name = 'TableError';
}

export function tableLength(table: SimulatedTable, name: string): number {
  if (Array.isArray(table)) return table.length;
  const columns = Object.values(table as ColumnTable);
  if (columns.length === 0) return 0;
  const length = columns[0]!.length;
  if (columns.some((c) => c.length !== length)) throw new TableError(`table "${name}": columns differ in length`);
  return length;
}

/** The values of one column, or a TableError naming the table and what it has. */
export function column(tables: SimulatedTables, table: string, name: string): unknown[] {
  const t = Object.hasOwn(tables, table) ? tables[table] : undefined;
  if (t === undefined || t === null || typeof t !== 'object') {
    throw new TableError(`the simulation returned no table "${table}" (tables: ${Object.keys(tables).join(', ')})`);
  }
  if (Array.isArray(t)) {
    const rows = t as readonly TableRow[];
    if (rows.length > 0 && !(name in rows[0]!)) {
      throw new TableError(`table "${table}" has no column "${name}" (columns: ${Object.keys(rows[0]!).join(', ')})`);
    }
    return rows.map((row) => row[name]);
  }
  const columns = t as ColumnTable;
  const values = Object.hasOwn(columns, name) ? columns[name] : undefined;
  if (values === undefined) {
    throw new TableError(`table "${table}" has no column "${name}" (columns: ${Object.keys(columns).join(', ')})`);
  }
  tableLength(columns, table);
  return Array.from(values);
}

const NUMERIC = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** A join key: numbers (dates as epoch ms) where the value reads as one, else the string. */
export function normalizeKey(value: unknown): Key | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string') {
    const text = value.trim();
    if (NUMERIC.test(text)) return Number(text);
    if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
      const ms = Date.parse(text);
      if (Number.isFinite(ms)) return ms;
    }
    return text;
  }
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

/** A finite number out of a cell (numbers, bigints, numeric strings), else undefined. */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && NUMERIC.test(value.trim())) return Number(value);
  if (value instanceof Date) return value.getTime();
  return undefined;
}

export function keyText(key: Key): string {
  return typeof key === 'number' ? String(key) : JSON.stringify(key);
}
