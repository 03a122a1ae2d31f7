/**
 * Aligning a simulated table with the observed one on a key: for every observed key, the simulated
 * value that belongs to it.
 * - exact: the simulated row with the same key;
 * - as-of: the last simulated row whose key is at or before the observed key (numeric keys, e.g.
 *   times), optionally no further back than `tolerance`.
 * A missing match fails the trial rather than shortening the comparison: losses over different sets
 * of observations would not be comparable between trials.
 */
import { column, type Key, keyText, normalizeKey, type SimulatedTables, TableError, toNumber } from './tables.js';

export type JoinKind = 'exact' | 'asof';

export interface JoinSpec {
  table: string;
  key: string;
  value: string;
  join: JoinKind;
  /** As-of only: the largest allowed distance between the observed key and the matched one. */
  tolerance?: number;
}

/** The simulated column as (key, value) pairs, every value finite. */
function pairs(tables: SimulatedTables, spec: JoinSpec): Array<{ key: Key; value: number }> {
  const keys = column(tables, spec.table, spec.key);
  const values = column(tables, spec.table, spec.value);
  return keys.map((raw, i) => {
    const key = normalizeKey(raw);
    if (key === undefined) throw new TableError(`table "${spec.table}" row ${i}: key ${String(raw)} is not a key`);
    const value = toNumber(values[i]);
    if (value === undefined) {
      throw new TableError(
        `table "${spec.table}" at ${spec.key} ${keyText(key)}: ${spec.value} ${String(values[i])} is not a finite number`,
      );
    }
    return { key, value };
  });
}

export function exactJoin(tables: SimulatedTables, spec: JoinSpec, observedKeys: readonly Key[]): number[] {
  const byKey = new Map<Key, number>();
  for (const { key, value } of pairs(tables, spec)) {
    if (byKey.has(key)) throw new TableError(`table "${spec.table}" has two rows at ${spec.key} ${keyText(key)}`);
    byKey.set(key, value);
  }
  return observedKeys.map((key) => {
    const value = byKey.get(key);
    if (value === undefined) throw new TableError(`table "${spec.table}" has no row at ${spec.key} ${keyText(key)}`);
    return value;
  });
}

export function asofJoin(tables: SimulatedTables, spec: JoinSpec, observedKeys: readonly Key[]): number[] {
  const rows = pairs(tables, spec);
  for (const { key } of rows) {
    if (typeof key !== 'number') {
      throw new TableError(`an as-of join needs numeric or time keys; table "${spec.table}" has ${keyText(key)}`);
    }
  }
  const sorted = (rows as Array<{ key: number; value: number }>).sort((a, b) => a.key - b.key);
  return observedKeys.map((key) => {
    if (typeof key !== 'number') throw new TableError(`observed key ${keyText(key)} is not numeric or a time`);
    // Last simulated key ≤ the observed key (binary search; on equal keys the last row wins).
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]!.key <= key) lo = mid + 1;
      else hi = mid;
    }
    const match = sorted[lo - 1];
    if (match === undefined) throw new TableError(`table "${spec.table}" has no row at or before ${spec.key} ${key}`);
    if (spec.tolerance !== undefined && key - match.key > spec.tolerance) {
      throw new TableError(
        `table "${spec.table}": the last row before ${spec.key} ${key} is at ${match.key}, further back than the tolerance ${spec.tolerance}`,
      );
    }
    return match.value;
  });
}

export function align(tables: SimulatedTables, spec: JoinSpec, observedKeys: readonly Key[]): number[] {
  return spec.join === 'exact' ? exactJoin(tables, spec, observedKeys) : asofJoin(tables, spec, observedKeys);
}
