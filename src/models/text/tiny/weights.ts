/**
 * The weights of a tiny DistilBERT-for-sequence-classification, drawn from a seeded PRNG. Names
 * follow the PyTorch state dict (`distilbert.transformer.layer.0.attention.q_lin…`); linear weights
 * are stored [in, out], the layout MatMul uses in an exported graph. Every value is rounded to
 * float32 once, so the ONNX file and the pure-TypeScript forward pass see the same numbers.
 */

export interface TinyDistilBertConfig {
  vocabSize: number;
  /** `dim` in DistilBERT's config. */
  hidden: number;
  heads: number;
  layers: number;
  /** `hidden_dim`: the feed-forward width (4 × hidden in DistilBERT). */
  ffn: number;
  maxPositions: number;
  labels: number;
  seed: number;
}

export interface Linear {
  /** [in, out], row-major. */
  weight: Float32Array;
  bias: Float32Array;
  inputs: number;
  outputs: number;
}

export interface LayerNorm {
  weight: Float32Array;
  bias: Float32Array;
}

export interface TransformerBlock {
  q: Linear;
  k: Linear;
  v: Linear;
  out: Linear;
  saLayerNorm: LayerNorm;
  ffn1: Linear;
  ffn2: Linear;
  outputLayerNorm: LayerNorm;
}

export interface TinyDistilBertWeights {
  config: TinyDistilBertConfig;
  /** [vocab, hidden] */
  wordEmbeddings: Float32Array;
  /** [maxPositions, hidden] */
  positionEmbeddings: Float32Array;
  embeddingLayerNorm: LayerNorm;
  blocks: TransformerBlock[];
  preClassifier: Linear;
  classifier: Linear;
}

/** mulberry32 uniforms and Box–Muller normals: small, seedable and the same on every platform. */
function createNormal(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => {
    let u = 0;
    while (u === 0) u = uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
}

/**
 * Draws every weight. Scales are chosen for a visibly non-degenerate model, not for training:
 * linear weights ~ N(0, 1/in) keep activations O(1) through the blocks, so the logits differ from
 * sentence to sentence by more than the test tolerance (HF's 0.02 init would make them all ≈ 0).
 */
export function initTinyDistilBert(config: TinyDistilBertConfig): TinyDistilBertWeights {
  const normal = createNormal(config.seed);
  const draw = (n: number, std: number, mean = 0) => Float32Array.from({ length: n }, () => mean + std * normal());
  const linear = (inputs: number, outputs: number): Linear => ({
    weight: draw(inputs * outputs, 1 / Math.sqrt(inputs)),
    bias: draw(outputs, 0.1),
    inputs,
    outputs,
  });
  const layerNorm = (n: number): LayerNorm => ({ weight: draw(n, 0.1, 1), bias: draw(n, 0.1) });
  const { hidden, ffn } = config;
  return {
    config,
    wordEmbeddings: draw(config.vocabSize * hidden, 1),
    positionEmbeddings: draw(config.maxPositions * hidden, 0.5),
    embeddingLayerNorm: layerNorm(hidden),
    blocks: Array.from({ length: config.layers }, () => ({
      q: linear(hidden, hidden),
      k: linear(hidden, hidden),
      v: linear(hidden, hidden),
      out: linear(hidden, hidden),
      saLayerNorm: layerNorm(hidden),
      ffn1: linear(hidden, ffn),
      ffn2: linear(ffn, hidden),
      outputLayerNorm: layerNorm(hidden),
    })),
    preClassifier: linear(hidden, hidden),
    classifier: linear(hidden, config.labels),
  };
}

/** Per-tensor symmetric INT8 weights: `value ≈ q · scale`, q in [−127, 127], zero point 0. */
export interface Int8Tensor {
  q: Int8Array;
  scale: number;
}

export function quantizeInt8(values: Float32Array): Int8Tensor {
  let max = 0;
  for (const v of values) max = Math.max(max, Math.abs(v));
  const scale = Math.fround(max > 0 ? max / 127 : 1);
  const q = Int8Array.from(values, (v) => Math.max(-127, Math.min(127, Math.round(v / scale))));
  return { q, scale };
}

/** What DequantizeLinear computes: (q − 0) · scale in float32. */
export function dequantizeInt8({ q, scale }: Int8Tensor): Float32Array {
  return Float32Array.from(q, (v) => Math.fround(v * scale));
}

/**
 * The weights an INT8 weight-only model computes with: every MatMul weight and the word embeddings
 * replaced by their dequantized values (biases, LayerNorms and position embeddings stay float).
 */
export function dequantizedWeights(weights: TinyDistilBertWeights): TinyDistilBertWeights {
  const round = (t: Float32Array) => dequantizeInt8(quantizeInt8(t));
  const linear = (l: Linear): Linear => ({ ...l, weight: round(l.weight) });
  return {
    ...weights,
    wordEmbeddings: round(weights.wordEmbeddings),
    blocks: weights.blocks.map((b) => ({
      ...b,
      q: linear(b.q),
      k: linear(b.k),
      v: linear(b.v),
      out: linear(b.out),
      ffn1: linear(b.ffn1),
      ffn2: linear(b.ffn2),
    })),
    preClassifier: linear(weights.preClassifier),
    classifier: linear(weights.classifier),
  };
}
