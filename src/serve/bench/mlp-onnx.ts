/**
 * A multi-layer perceptron as ONNX (X[N, k] → Dense+ReLU → … → Y[N, 1]) with deterministic
 * pseudo-random weights, for the serving benchmarks: its wide hidden layers make one session run
 * cost about as much for 1 row as for 32 (the weights are read once per run), which is the case
 * dynamic batching exists for. Encoded with Buffers (field numbers of onnx.proto), nothing downloaded.
 */

function varint(value: number): Buffer {
  const out: number[] = [];
  let v = value;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Buffer.from(out);
}

const key = (field: number, wire: number) => varint((field << 3) | wire);
const int = (field: number, value: number) => Buffer.concat([key(field, 0), varint(value)]);
const bytes = (field: number, data: Buffer) => Buffer.concat([key(field, 2), varint(data.length), data]);
const text = (field: number, value: string) => bytes(field, Buffer.from(value, 'utf8'));

const FLOAT = 1;

function tensor(name: string, dims: number[], values: Float32Array): Buffer {
  const raw = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  return Buffer.concat([...dims.map((d) => int(1, d)), int(2, FLOAT), bytes(9, raw), text(8, name)]);
}

function valueInfo(name: string, dims: Array<number | string>): Buffer {
  const shape = Buffer.concat(dims.map((d) => bytes(1, typeof d === 'number' ? int(1, d) : text(2, d))));
  const tensorType = Buffer.concat([int(1, FLOAT), bytes(2, shape)]);
  return Buffer.concat([text(1, name), bytes(2, bytes(1, tensorType))]);
}

function node(op: string, inputs: string[], outputs: string[], name: string): Buffer {
  return Buffer.concat([
    ...inputs.map((i) => text(1, i)),
    ...outputs.map((o) => text(2, o)),
    text(3, name),
    text(4, op),
  ]);
}

/** Weights from a fixed LCG, scaled so activations stay near 1 whatever the width. */
function weights(rows: number, cols: number, seed: number): Float32Array {
  const values = new Float32Array(rows * cols);
  let state = seed >>> 0;
  const scale = Math.sqrt(2 / rows);
  for (let i = 0; i < values.length; i++) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    values[i] = (state / 2 ** 32 - 0.5) * 2 * scale;
  }
  return values;
}

/** `inputs` features → `hidden` layer widths (ReLU) → one output. */
export function mlpModelOnnx(inputs: number, hidden: readonly number[]): Buffer {
  const widths = [inputs, ...hidden, 1];
  const nodes: Buffer[] = [];
  const initializers: Buffer[] = [];
  let current = 'X';
  for (let layer = 0; layer < widths.length - 1; layer++) {
    const [rows, cols] = [widths[layer]!, widths[layer + 1]!];
    const last = layer === widths.length - 2;
    initializers.push(tensor(`W${layer}`, [rows, cols], weights(rows, cols, 17 + layer)));
    initializers.push(tensor(`B${layer}`, [cols], new Float32Array(cols).fill(0.01)));
    nodes.push(node('MatMul', [current, `W${layer}`], [`M${layer}`], `matmul${layer}`));
    const added = last ? 'Y' : `A${layer}`;
    nodes.push(node('Add', [`M${layer}`, `B${layer}`], [added], `add${layer}`));
    if (!last) {
      nodes.push(node('Relu', [added], [`H${layer}`], `relu${layer}`));
      current = `H${layer}`;
    }
  }
  const graph = Buffer.concat([
    ...nodes.map((n) => bytes(1, n)),
    text(2, 'mlp'),
    ...initializers.map((t) => bytes(5, t)),
    bytes(11, valueInfo('X', ['N', inputs])),
    bytes(12, valueInfo('Y', ['N', 1])),
  ]);
  return Buffer.concat([
    int(1, 8),
    text(2, 'fleetcast-bench'),
    bytes(7, graph),
    bytes(8, Buffer.concat([text(1, ''), int(2, 13)])),
  ]);
}
