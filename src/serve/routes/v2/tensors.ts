/**
 * Open Inference Protocol (KServe v2) tensors ↔ the rows a model takes and gives. Inputs name the
 * signature's fields, one tensor per field (shape [N] or [N, 1]; [N, H] for array fields); a model
 * whose inputs are all numeric also takes one [N, k] tensor, its columns in signature order (what
 * a client of the ONNX graph sends). Outputs come back one tensor per signature output.
 */
import { FleetcastError } from '../../../core/errors.js';
import type { FieldSpec } from '../../../models/index.js';
import type { Row } from '../../models/fields.js';

export const DATATYPES = [
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
  'BYTES',
] as const;
export type Datatype = (typeof DATATYPES)[number];

export interface Tensor {
  name: string;
  shape: number[];
  datatype: Datatype;
  data: unknown[];
}

export const MAX_TENSOR_ROWS = 1000;
const MAX_ELEMENTS = 1_000_000;

const bad = (message: string) => new FleetcastError('FLEETCAST_INVALID_ARGUMENT', message);

const NUMERIC = new Set<FieldSpec['type']>(['float64', 'float32', 'int64']);

export function datatypeOf(type: FieldSpec['type']): Datatype {
  switch (type) {
    case 'float64':
    case 'float64[]':
      return 'FP64';
    case 'float32':
    case 'float32[]':
      return 'FP32';
    case 'int64':
    case 'int64[]':
      return 'INT64';
    case 'bool':
      return 'BOOL';
    default:
      return 'BYTES';
  }
}

/** The shape the metadata endpoint reports for a field (-1: any number of rows). */
export function shapeOf(field: FieldSpec): number[] {
  return field.type.endsWith('[]') ? [-1, -1] : [-1];
}

/** Flattens nested row-major data and checks it holds exactly the shape's element count. */
function flatten(tensor: Tensor): unknown[] {
  const count = tensor.shape.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(count) || count > MAX_ELEMENTS) throw bad(`input ${tensor.name}: shape is too large`);
  const flat = (tensor.data as unknown[]).flat(tensor.shape.length);
  if (flat.length !== count) {
    throw bad(
      `input ${tensor.name}: shape [${tensor.shape.join(', ')}] needs ${count} values, data has ${flat.length}`,
    );
  }
  return flat;
}

function checkDatatype(tensor: Tensor, field: FieldSpec): void {
  const expected = datatypeOf(field.type);
  const numeric = tensor.datatype !== 'BYTES' && tensor.datatype !== 'BOOL';
  const fits =
    expected === 'BYTES'
      ? tensor.datatype === 'BYTES'
      : expected === 'BOOL'
        ? tensor.datatype === 'BOOL'
        : numeric || (field.type === 'int64' && tensor.datatype === 'BOOL');
  if (!fits) throw bad(`input ${tensor.name}: datatype ${tensor.datatype} does not fit ${field.type}`);
}

/** Input tensors → one row per request item. */
export function tensorsToRows(tensors: Tensor[], fields: readonly FieldSpec[]): Row[] {
  const byName = new Map(fields.map((f) => [f.name, f]));
  const single = tensors.length === 1 ? tensors[0]! : undefined;
  if (single && !byName.has(single.name)) {
    // One [N, k] tensor for a model of k numeric inputs (the ONNX graph's own input).
    if (
      single.shape.length === 2 &&
      single.shape[1] === fields.length &&
      fields.every((f) => NUMERIC.has(f.type) || f.type === 'bool')
    ) {
      const rows = single.shape[0]!;
      checkRows(rows);
      const flat = flatten(single);
      return Array.from({ length: rows }, (_, i) =>
        Object.fromEntries(
          fields.map((f, j) => {
            const value = flat[i * fields.length + j];
            return [f.name, f.type === 'bool' && typeof value === 'number' ? value !== 0 : value];
          }),
        ),
      );
    }
  }
  let rows: number | undefined;
  const columns = new Map<string, unknown[]>();
  for (const tensor of tensors) {
    const field = byName.get(tensor.name);
    if (!field) {
      throw bad(
        `unknown input ${JSON.stringify(tensor.name.slice(0, 60))} (the model takes ${[...byName.keys()].join(', ')})`,
      );
    }
    if (columns.has(tensor.name)) throw bad(`input ${tensor.name} is given twice`);
    checkDatatype(tensor, field);
    const n = tensor.shape[0] ?? 0;
    if (rows !== undefined && n !== rows) throw bad(`input ${tensor.name} has ${n} rows, others ${rows}`);
    rows = n;
    checkRows(n);
    const flat = flatten(tensor);
    const array = field.type.endsWith('[]');
    if (!array && tensor.shape.length > 1 && tensor.shape.slice(1).some((d) => d !== 1)) {
      throw bad(`input ${tensor.name}: shape [${tensor.shape.join(', ')}] is not [N] or [N, 1]`);
    }
    const width = array ? (tensor.shape.slice(1).reduce((a, b) => a * b, 1) as number) : 1;
    columns.set(
      tensor.name,
      array
        ? Array.from({ length: n }, (_, i) => flat.slice(i * width, (i + 1) * width))
        : field.type === 'bool'
          ? flat.map((v) => (typeof v === 'number' ? v !== 0 : v))
          : flat,
    );
  }
  if (rows === undefined) throw bad('no inputs');
  return Array.from({ length: rows }, (_, i) =>
    Object.fromEntries([...columns.entries()].map(([name, values]) => [name, values[i]])),
  );
}

function checkRows(rows: number): void {
  if (rows < 1 || rows > MAX_TENSOR_ROWS) throw bad(`the first dimension must be 1–${MAX_TENSOR_ROWS}, got ${rows}`);
}

/** Output rows → one tensor per (requested) output field. */
export function rowsToTensors(rows: Row[], fields: readonly FieldSpec[], wanted?: readonly string[]): Tensor[] {
  const chosen = wanted ? fields.filter((f) => wanted.includes(f.name)) : fields;
  if (wanted) {
    const unknown = wanted.filter((name) => !fields.some((f) => f.name === name));
    if (unknown.length > 0) throw bad(`unknown output ${unknown.slice(0, 3).join(', ')}`);
  }
  return chosen.map((field) => {
    const datatype = datatypeOf(field.type);
    const values = rows.map((row) => row[field.name]);
    if (field.type.endsWith('[]')) {
      const width = Math.max(0, ...values.map((v) => (Array.isArray(v) ? v.length : 0)));
      return {
        name: field.name,
        datatype,
        shape: [rows.length, width],
        data: values.flatMap((v) => (Array.isArray(v) ? v : [])),
      };
    }
    const data =
      datatype === 'BYTES'
        ? values.map((v) =>
            typeof v === 'string' ? v : v instanceof Date ? v.toISOString() : JSON.stringify(v ?? null),
          )
        : values.map((v) => (typeof v === 'number' || typeof v === 'boolean' ? v : null));
    return { name: field.name, datatype, shape: [rows.length], data };
  });
}
