/**
 * A small ONNX protobuf encoder, the approach of `./writer.ts` generalised to what built-in test
 * graphs need (the tiny DistilBERT of text/tiny, the tiny Chronos-Bolt of chronos/tiny):
 * int64/int8/bool tensors in `raw_data`, node attributes (ints, floats, negative axes) and symbolic
 * dimensions. It builds Buffers instead of number arrays so 100 KB of weights encode without
 * copying them element by element. Field numbers are those of onnx.proto.
 */

/** ONNX TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, INT8: 3, INT64: 7, BOOL: 9 } as const;
export type DataTypeCode = (typeof DataType)[keyof typeof DataType];

/** Varint of a 64-bit integer; negative values are two's complement (10 bytes), as protobuf wants. */
function varint(value: number | bigint): Buffer {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  while (v > 0x7fn) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Buffer.from(out);
}

const key = (field: number, wire: 0 | 2 | 5) => varint((field << 3) | wire);
const intField = (field: number, value: number | bigint) => Buffer.concat([key(field, 0), varint(value)]);
const bytesField = (field: number, data: Buffer) => Buffer.concat([key(field, 2), varint(data.length), data]);
const textField = (field: number, value: string) => bytesField(field, Buffer.from(value, 'utf8'));
function floatField(field: number, value: number): Buffer {
  const data = Buffer.alloc(4);
  data.writeFloatLE(value);
  return Buffer.concat([key(field, 5), data]);
}

/** A tensor initializer; `values` are written little-endian in `raw_data`. */
export interface TensorSpec {
  name: string;
  type: DataTypeCode;
  dims: number[];
  values: ArrayLike<number>;
}

function rawData(type: DataTypeCode, values: ArrayLike<number>): Buffer {
  const n = values.length;
  switch (type) {
    case DataType.FLOAT: {
      const out = Buffer.alloc(n * 4);
      for (let i = 0; i < n; i++) out.writeFloatLE(values[i]!, i * 4);
      return out;
    }
    case DataType.INT64: {
      const out = Buffer.alloc(n * 8);
      for (let i = 0; i < n; i++) out.writeBigInt64LE(BigInt(values[i]!), i * 8);
      return out;
    }
    case DataType.INT8: {
      const out = Buffer.alloc(n);
      for (let i = 0; i < n; i++) out.writeInt8(values[i]!, i);
      return out;
    }
    case DataType.BOOL: {
      const out = Buffer.alloc(n);
      for (let i = 0; i < n; i++) out[i] = values[i] ? 1 : 0;
      return out;
    }
  }
}

export function tensorProto(spec: TensorSpec): Buffer {
  const count = spec.dims.reduce((a, b) => a * b, 1);
  if (count !== spec.values.length) {
    throw new Error(`tensor ${spec.name}: dims [${spec.dims}] need ${count} values, got ${spec.values.length}`);
  }
  return Buffer.concat([
    ...spec.dims.map((d) => intField(1, d)),
    intField(2, spec.type),
    textField(8, spec.name),
    bytesField(9, rawData(spec.type, spec.values)),
  ]);
}

/** Node attribute values: an int, a float, or a list of ints. */
export type Attribute = { int: number } | { float: number } | { ints: number[] };

function attributeProto(name: string, value: Attribute): Buffer {
  // AttributeType: FLOAT = 1, INT = 2, INTS = 7.
  if ('int' in value) return Buffer.concat([textField(1, name), intField(3, value.int), intField(20, 2)]);
  if ('float' in value) return Buffer.concat([textField(1, name), floatField(2, value.float), intField(20, 1)]);
  return Buffer.concat([textField(1, name), ...value.ints.map((v) => intField(8, v)), intField(20, 7)]);
}

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  name: string;
  attributes?: Record<string, Attribute>;
}

function nodeProto(node: NodeSpec): Buffer {
  return Buffer.concat([
    ...node.inputs.map((i) => textField(1, i)),
    ...node.outputs.map((o) => textField(2, o)),
    textField(3, node.name),
    textField(4, node.op),
    ...Object.entries(node.attributes ?? {}).map(([name, value]) => bytesField(5, attributeProto(name, value))),
  ]);
}

/** A graph input or output: `dims` entries are sizes or symbolic names (`batch`, `sequence`). */
export interface ValueSpec {
  name: string;
  type: DataTypeCode;
  dims: Array<number | string>;
}

function valueInfoProto(value: ValueSpec): Buffer {
  const shape = Buffer.concat(
    value.dims.map((d) => bytesField(1, typeof d === 'number' ? intField(1, d) : textField(2, d))),
  );
  const tensorType = Buffer.concat([intField(1, value.type), bytesField(2, shape)]);
  return Buffer.concat([textField(1, value.name), bytesField(2, bytesField(1, tensorType))]);
}

export interface ModelSpec {
  graphName: string;
  producer: string;
  opset: number;
  /** ONNX IR version matching the opset (8 for opsets 15–18). */
  irVersion: number;
  nodes: NodeSpec[];
  initializers: TensorSpec[];
  inputs: ValueSpec[];
  outputs: ValueSpec[];
}

/** Serialises a whole ModelProto. */
export function modelProto(spec: ModelSpec): Buffer {
  const graph = Buffer.concat([
    ...spec.nodes.map((n) => bytesField(1, nodeProto(n))),
    textField(2, spec.graphName),
    ...spec.initializers.map((t) => bytesField(5, tensorProto(t))),
    ...spec.inputs.map((v) => bytesField(11, valueInfoProto(v))),
    ...spec.outputs.map((v) => bytesField(12, valueInfoProto(v))),
  ]);
  return Buffer.concat([
    intField(1, spec.irVersion),
    textField(2, spec.producer),
    bytesField(7, graph),
    bytesField(8, Buffer.concat([textField(1, ''), intField(2, spec.opset)])),
  ]);
}
