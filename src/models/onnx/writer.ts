/**
 * Exports a linear model `Y = X · W + B` (X float[N, k], Y float[N, 1]) as ONNX, the graph
 * scikit-learn's LinearRegression exports, with a hand-rolled protobuf encoder (no onnx package is
 * needed). Tests and benchmarks build their ONNX fixtures with it, so nothing is downloaded. Field numbers are those of onnx.proto (ModelProto, GraphProto, NodeProto, TensorProto,
 * ValueInfoProto, TypeProto).
 */

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

const key = (field: number, wire: number) => varint((field << 3) | wire);
const int = (field: number, value: number) => [...key(field, 0), ...varint(value)];
const bytes = (field: number, data: number[] | Uint8Array) => [...key(field, 2), ...varint(data.length), ...data];
const text = (field: number, value: string) => bytes(field, [...Buffer.from(value, 'utf8')]);

const FLOAT = 1;

function floats(values: number[]): number[] {
  const buffer = Buffer.alloc(values.length * 4);
  for (const [i, v] of values.entries()) buffer.writeFloatLE(v, i * 4);
  return [...buffer];
}

function tensor(name: string, dims: number[], values: number[]): number[] {
  return [...dims.flatMap((d) => int(1, d)), ...int(2, FLOAT), ...bytes(4, floats(values)), ...text(8, name)];
}

/** A float tensor value: `dims` entries are numbers or symbolic names (`N`). */
function valueInfo(name: string, dims: Array<number | string>): number[] {
  const shape = dims.flatMap((d) => bytes(1, typeof d === 'number' ? int(1, d) : text(2, d)));
  const tensorType = [...int(1, FLOAT), ...bytes(2, shape)];
  return [...text(1, name), ...bytes(2, bytes(1, tensorType))];
}

function node(op: string, inputs: string[], outputs: string[], name: string): number[] {
  return [
    ...inputs.flatMap((i) => text(1, i)),
    ...outputs.flatMap((o) => text(2, o)),
    ...text(3, name),
    ...text(4, op),
  ];
}

export function linearModelOnnx(weights: number[], bias: number): Buffer {
  const k = weights.length;
  const graph = [
    ...bytes(1, node('MatMul', ['X', 'W'], ['XW'], 'matmul')),
    ...bytes(1, node('Add', ['XW', 'B'], ['Y'], 'add')),
    ...text(2, 'linear'),
    ...bytes(5, tensor('W', [k, 1], weights)),
    ...bytes(5, tensor('B', [1], [bias])),
    ...bytes(11, valueInfo('X', ['N', k])),
    ...bytes(12, valueInfo('Y', ['N', 1])),
  ];
  const model = [
    ...int(1, 8),
    ...text(2, 'fleetcast-test'),
    ...bytes(7, graph),
    ...bytes(8, [...text(1, ''), ...int(2, 13)]),
  ];
  return Buffer.from(model);
}
