/**
 * Writes a tiny DistilBERT as the ONNX graph `torch.onnx.export` produces for
 * DistilBertForSequenceClassification (opset 17): inputs `input_ids` and `attention_mask` int64
 * [batch, sequence], output `logits` float [batch, labels]. Word + position embeddings, LayerNorm,
 * N blocks of multi-head self-attention (masked with `Where(mask == 0, float.min, scores)`, as
 * DistilBERT's masked_fill) and a GELU feed-forward, then pre_classifier + ReLU + classifier on the
 * [CLS] position. With `quantized`, matmul weights and word embeddings are stored INT8 and
 * dequantized in the graph (weight-only QDQ), the layout of an `onnx/model_quantized.onnx`.
 */
import { DataType, type ModelSpec, modelProto, type NodeSpec, type TensorSpec } from '../../onnx/proto.js';
import { type LayerNorm, type Linear, quantizeInt8, type TinyDistilBertWeights } from './weights.js';

/** torch.finfo(torch.float32).min, what DistilBERT fills masked attention scores with. */
export const FLOAT32_MIN = -3.4028234663852886e38;
const LAYER_NORM_EPS = 1e-12;

export function tinyDistilBertOnnx(weights: TinyDistilBertWeights, options: { quantized?: boolean } = {}): Buffer {
  const { hidden, heads } = weights.config;
  const headDim = hidden / heads;
  const nodes: NodeSpec[] = [];
  const initializers: TensorSpec[] = [];
  let counter = 0;
  const node = (op: string, inputs: string[], attributes?: NodeSpec['attributes']): string => {
    const output = `${op.toLowerCase()}_${counter++}`;
    nodes.push({ op, inputs, outputs: [output], name: `/${output}`, ...(attributes ? { attributes } : {}) });
    return output;
  };
  const constant = (name: string, type: TensorSpec['type'], dims: number[], values: number[]) => {
    initializers.push({ name, type, dims, values });
    return name;
  };
  /** A float weight, stored INT8 + DequantizeLinear when quantizing. */
  const weight = (name: string, dims: number[], values: Float32Array, quantize: boolean): string => {
    if (!quantize) {
      initializers.push({ name, type: DataType.FLOAT, dims, values });
      return name;
    }
    const { q, scale } = quantizeInt8(values);
    initializers.push({ name: `${name}_quantized`, type: DataType.INT8, dims, values: q });
    initializers.push({ name: `${name}_scale`, type: DataType.FLOAT, dims: [], values: [scale] });
    initializers.push({ name: `${name}_zero_point`, type: DataType.INT8, dims: [], values: [0] });
    return node('DequantizeLinear', [`${name}_quantized`, `${name}_scale`, `${name}_zero_point`]);
  };
  const quantized = options.quantized === true;
  const linear = (x: string, name: string, l: Linear): string => {
    const w = weight(`${name}.weight`, [l.inputs, l.outputs], l.weight, quantized);
    const b = weight(`${name}.bias`, [l.outputs], l.bias, false);
    return node('Add', [node('MatMul', [x, w]), b]);
  };
  const layerNorm = (x: string, name: string, ln: LayerNorm): string =>
    node(
      'LayerNormalization',
      [x, weight(`${name}.weight`, [hidden], ln.weight, false), weight(`${name}.bias`, [hidden], ln.bias, false)],
      { axis: { int: -1 }, epsilon: { float: LAYER_NORM_EPS } },
    );

  const zero = constant('const_zero', DataType.INT64, [], [0]);
  const one = constant('const_one', DataType.INT64, [], [1]);
  const splitHeads = constant('const_split_heads', DataType.INT64, [4], [0, 0, heads, headDim]);
  const mergeHeads = constant('const_merge_heads', DataType.INT64, [3], [0, 0, hidden]);
  const maskAxes = constant('const_mask_axes', DataType.INT64, [2], [1, 2]);
  const scaleDivisor = constant('const_sqrt_head_dim', DataType.FLOAT, [], [Math.sqrt(headDim)]);
  const maskFill = constant('const_float_min', DataType.FLOAT, [], [FLOAT32_MIN]);
  const half = constant('const_half', DataType.FLOAT, [], [0.5]);
  const oneFloat = constant('const_one_float', DataType.FLOAT, [], [1]);
  const sqrt2 = constant('const_sqrt2', DataType.FLOAT, [], [Math.SQRT2]);

  // Embeddings: word + position (positions 0..sequence-1), then LayerNorm.
  const sequence = node('Gather', [node('Shape', ['input_ids']), one], { axis: { int: 0 } });
  const positions = node('Range', [zero, sequence, one]);
  const words = node('Gather', [
    weight(
      'distilbert.embeddings.word_embeddings.weight',
      [weights.config.vocabSize, hidden],
      weights.wordEmbeddings,
      quantized,
    ),
    'input_ids',
  ]);
  const place = node('Gather', [
    weight(
      'distilbert.embeddings.position_embeddings.weight',
      [weights.config.maxPositions, hidden],
      weights.positionEmbeddings,
      false,
    ),
    positions,
  ]);
  let h = layerNorm(node('Add', [words, place]), 'distilbert.embeddings.LayerNorm', weights.embeddingLayerNorm);

  // [batch, 1, 1, sequence]: true where a key is padding.
  const masked = node('Unsqueeze', [node('Equal', ['attention_mask', zero]), maskAxes]);

  weights.blocks.forEach((block, i) => {
    const prefix = `distilbert.transformer.layer.${i}`;
    const heads4 = (x: string, perm: number[]) =>
      node('Transpose', [node('Reshape', [x, splitHeads])], { perm: { ints: perm } });
    const q = heads4(linear(h, `${prefix}.attention.q_lin`, block.q), [0, 2, 1, 3]);
    const k = heads4(linear(h, `${prefix}.attention.k_lin`, block.k), [0, 2, 3, 1]);
    const v = heads4(linear(h, `${prefix}.attention.v_lin`, block.v), [0, 2, 1, 3]);
    const scores = node('MatMul', [node('Div', [q, scaleDivisor]), k]);
    const probs = node('Softmax', [node('Where', [masked, maskFill, scores])], { axis: { int: -1 } });
    const context = node('Reshape', [
      node('Transpose', [node('MatMul', [probs, v])], { perm: { ints: [0, 2, 1, 3] } }),
      mergeHeads,
    ]);
    const attended = linear(context, `${prefix}.attention.out_lin`, block.out);
    const sa = layerNorm(node('Add', [attended, h]), `${prefix}.sa_layer_norm`, block.saLayerNorm);
    const up = linear(sa, `${prefix}.ffn.lin1`, block.ffn1);
    // Exact GELU: 0.5 · x · (1 + erf(x / √2)).
    const gelu = node('Mul', [
      node('Mul', [up, half]),
      node('Add', [node('Erf', [node('Div', [up, sqrt2])]), oneFloat]),
    ]);
    const down = linear(gelu, `${prefix}.ffn.lin2`, block.ffn2);
    h = layerNorm(node('Add', [down, sa]), `${prefix}.output_layer_norm`, block.outputLayerNorm);
  });

  const cls = node('Gather', [h, zero], { axis: { int: 1 } });
  const pooled = node('Relu', [linear(cls, 'pre_classifier', weights.preClassifier)]);
  const logits = linear(pooled, 'classifier', weights.classifier);
  nodes.push({ op: 'Identity', inputs: [logits], outputs: ['logits'], name: '/logits' });

  const spec: ModelSpec = {
    graphName: 'tiny_distilbert_sst2',
    producer: 'fleetcast',
    opset: 17,
    irVersion: 8,
    nodes,
    initializers,
    inputs: [
      { name: 'input_ids', type: DataType.INT64, dims: ['batch_size', 'sequence_length'] },
      { name: 'attention_mask', type: DataType.INT64, dims: ['batch_size', 'sequence_length'] },
    ],
    outputs: [{ name: 'logits', type: DataType.FLOAT, dims: ['batch_size', weights.config.labels] }],
  };
  return modelProto(spec);
}
