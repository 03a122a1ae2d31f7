/**
 * Checks input rows against a model's signature before prediction. A row that does not fit is not
 * dropped silently: it is returned with the reason, and the job writes it to a side table.
 */
import type { FieldSpec, ModelManifest } from '../models/index.js';

export type Row = Record<string, unknown>;

export interface RejectedRow {
  index: number;
  reason: string;
  row: Row;
}

/** Splits rows into those that fit the signature's inputs (values coerced to their types) and the rest. */
export function validateRows(
  rows: Row[],
  signature: ModelManifest['signature'],
  /** The model's own check (e.g. a forecaster that knows only some series); returns a reason. */
  accepts?: (row: Row) => string | undefined,
): { accepted: Array<{ index: number; row: Row }>; rejected: RejectedRow[] } {
  const accepted: Array<{ index: number; row: Row }> = [];
  const rejected: RejectedRow[] = [];
  rows.forEach((row, index) => {
    const clean: Row = { ...row };
    for (const field of signature.inputs) {
      const problem = coerceField(clean, field);
      if (problem) {
        rejected.push({ index, reason: `${field.name}: ${problem}`, row });
        return;
      }
    }
    const refusal = accepts?.(clean);
    if (refusal) {
      rejected.push({ index, reason: refusal, row });
      return;
    }
    accepted.push({ index, row: clean });
  });
  return { accepted, rejected };
}

/** Coerces `row[field.name]` in place; returns a reason when it cannot. */
function coerceField(row: Row, field: FieldSpec): string | undefined {
  const value = row[field.name];
  if (value === undefined || value === null || value === '') {
    if (field.optional) {
      row[field.name] = null;
      return undefined;
    }
    return 'missing';
  }
  switch (field.type) {
    case 'float64':
    case 'float32': {
      const number =
        typeof value === 'number'
          ? value
          : typeof value === 'bigint' || typeof value === 'string'
            ? Number(value)
            : Number.NaN;
      if (!Number.isFinite(number)) return `${JSON.stringify(String(value))} is not a finite number`;
      row[field.name] = number;
      return undefined;
    }
    case 'int64': {
      const number =
        typeof value === 'number'
          ? value
          : typeof value === 'bigint' || typeof value === 'string'
            ? Number(value)
            : Number.NaN;
      if (!Number.isSafeInteger(number)) return `${JSON.stringify(String(value))} is not an integer`;
      row[field.name] = number;
      return undefined;
    }
    case 'bool':
      if (typeof value === 'boolean') return undefined;
      if (value === 'true' || value === 'false') {
        row[field.name] = value === 'true';
        return undefined;
      }
      return `${JSON.stringify(value)} is not true or false`;
    case 'string':
      if (typeof value === 'string') return undefined;
      if (typeof value === 'number' || typeof value === 'bigint') {
        row[field.name] = String(value);
        return undefined;
      }
      return `${JSON.stringify(value)} is not text`;
    case 'timestamp': {
      const date = value instanceof Date ? value : new Date(String(value));
      if (Number.isNaN(date.getTime())) return `${JSON.stringify(String(value))} is not a timestamp`;
      row[field.name] = date;
      return undefined;
    }
    default:
      return undefined; // arrays and json pass through to the model, which knows their shape
  }
}
