/**
 * Checks one request input against a model signature, strictly: JSON numbers for numeric fields,
 * JSON strings for text, no unknown fields. (Batch prediction from a warehouse coerces text to
 * numbers; an HTTP caller who sends "12" for a number has a bug worth a 400.)
 */
import { FleetcastError } from '../../core/errors.js';
import type { FieldSpec } from '../../models/index.js';

export type Row = Record<string, unknown>;

/** Longest text value accepted in one field (the body limit bounds it well before). */
export const MAX_TEXT_CHARS = 1_000_000;
/** Longest array value accepted in one field. */
export const MAX_ARRAY_ITEMS = 100_000;

export function invalidInput(message: string, field?: string): FleetcastError {
  return new FleetcastError('FLEETCAST_INVALID_ARGUMENT', message, field ? { details: { field } } : {});
}

/** A plain JSON object, not an array or null. */
export function isObject(value: unknown): value is Row {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Validates `input` against `fields` (plus `extra` fields the adapter adds); returns a clean row. */
export function checkRow(input: unknown, fields: readonly FieldSpec[], where = 'input'): Row {
  if (!isObject(input)) throw invalidInput(`${where} must be a JSON object of the model's input fields`);
  const known = new Set(fields.map((f) => f.name));
  const unknown = Object.keys(input).filter((key) => !known.has(key));
  if (unknown.length > 0) {
    throw invalidInput(
      `${where}: unknown field${unknown.length > 1 ? 's' : ''} ${unknown.slice(0, 5).map(quote).join(', ')} (the model takes ${[...known].join(', ')})`,
      `${where}.${unknown[0]}`,
    );
  }
  const row: Row = {};
  for (const field of fields) {
    const value = input[field.name];
    const at = `${where}.${field.name}`;
    if (value === undefined || value === null) {
      if (field.optional) {
        row[field.name] = null;
        continue;
      }
      throw invalidInput(`${at} is required (${field.type})`, at);
    }
    row[field.name] = checkValue(value, field, at);
  }
  return row;
}

function checkValue(value: unknown, field: FieldSpec, at: string): unknown {
  switch (field.type) {
    case 'float64':
    case 'float32':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidInput(`${at} must be a finite number`, at);
      return value;
    case 'int64':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalidInput(`${at} must be an integer`, at);
      return value;
    case 'bool':
      if (typeof value !== 'boolean') throw invalidInput(`${at} must be true or false`, at);
      return value;
    case 'string':
      if (typeof value !== 'string' || value.length === 0) throw invalidInput(`${at} must be non-empty text`, at);
      if (value.length > MAX_TEXT_CHARS) throw invalidInput(`${at} is longer than ${MAX_TEXT_CHARS} characters`, at);
      return value;
    case 'timestamp': {
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
        throw invalidInput(`${at} must be an ISO-8601 timestamp`, at);
      }
      return value;
    }
    case 'float64[]':
    case 'float32[]':
    case 'int64[]': {
      const integer = field.type === 'int64[]';
      if (
        !Array.isArray(value) ||
        value.length > MAX_ARRAY_ITEMS ||
        !value.every((v) => typeof v === 'number' && (integer ? Number.isSafeInteger(v) : Number.isFinite(v)))
      ) {
        throw invalidInput(`${at} must be an array of ${integer ? 'integers' : 'finite numbers'}`, at);
      }
      return value;
    }
    default:
      return value; // json: the model knows its shape
  }
}

const quote = (text: string) => JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
