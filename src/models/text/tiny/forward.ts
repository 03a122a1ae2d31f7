/**
 * An independent forward pass of the tiny DistilBERT in plain TypeScript (float64 arithmetic over
 * the float32 weights), written from DistilBERT's definition rather than from the ONNX graph. The
 * fixture's expected logits come from here, so the test compares two implementations: this one and
 * onnxruntime running the exported graph through @huggingface/transformers.
 */
import type { LayerNorm, Linear, TinyDistilBertWeights } from './weights.js';

const LAYER_NORM_EPS = 1e-12;

/** erf to ~1e-15: Maclaurin series near 0, Lentz continued fraction for erfc further out. */
export function erf(x: number): number {
  const a = Math.abs(x);
  if (a < 2.5) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 100; n++) {
      term *= (-x * x) / n;
      const next = term / (2 * n + 1);
      sum += next;
      if (Math.abs(next) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  if (a > 6) return Math.sign(x);
  // erfc(a) = exp(−a²)/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + 2/(a + …))))), evaluated by Lentz.
  const tiny = 1e-300;
  let f = a;
  let c = a;
  let d = 0;
  for (let n = 1; n < 200; n++) {
    const coefficient = n / 2;
    d = a + coefficient * d;
    d = d === 0 ? tiny : 1 / d;
    c = a + coefficient / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}

type Matrix = Float64Array[]; // rows of a [sequence, width] activation

function applyLinear(x: Matrix, l: Linear): Matrix {
  return x.map((row) => {
    const out = new Float64Array(l.outputs);
    for (let j = 0; j < l.outputs; j++) {
      let sum = l.bias[j]!;
      for (let i = 0; i < l.inputs; i++) sum += row[i]! * l.weight[i * l.outputs + j]!;
      out[j] = sum;
    }
    return out;
  });
}

function applyLayerNorm(x: Matrix, ln: LayerNorm): Matrix {
  return x.map((row) => {
    const n = row.length;
    const mean = row.reduce((a, b) => a + b, 0) / n;
    const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
    const inv = 1 / Math.sqrt(variance + LAYER_NORM_EPS);
    return row.map((v, i) => (v - mean) * inv * ln.weight[i]! + ln.bias[i]!);
  });
}

const add = (a: Matrix, b: Matrix): Matrix => a.map((row, s) => row.map((v, i) => v + b[s]![i]!));

/**
 * Logits for one sequence of token ids (already with [CLS]/[SEP], at most maxPositions long).
 * Without padding the attention mask is all ones; padding only ever hides keys, which the caller
 * reproduces by running the unpadded sequence.
 */
export function tinyDistilBertLogits(weights: TinyDistilBertWeights, ids: readonly number[]): number[] {
  const { hidden, heads, maxPositions, vocabSize } = weights.config;
  if (ids.length === 0 || ids.length > maxPositions) throw new Error(`sequence length ${ids.length} out of range`);
  const headDim = hidden / heads;
  const embedded: Matrix = ids.map((id, position) => {
    if (id < 0 || id >= vocabSize) throw new Error(`token id ${id} out of range`);
    const row = new Float64Array(hidden);
    for (let i = 0; i < hidden; i++) {
      row[i] = weights.wordEmbeddings[id * hidden + i]! + weights.positionEmbeddings[position * hidden + i]!;
    }
    return row;
  });
  let h = applyLayerNorm(embedded, weights.embeddingLayerNorm);
  const length = ids.length;
  for (const block of weights.blocks) {
    const q = applyLinear(h, block.q);
    const k = applyLinear(h, block.k);
    const v = applyLinear(h, block.v);
    const context: Matrix = Array.from({ length }, () => new Float64Array(hidden));
    for (let head = 0; head < heads; head++) {
      const offset = head * headDim;
      for (let s = 0; s < length; s++) {
        const scores = new Float64Array(length);
        let max = Number.NEGATIVE_INFINITY;
        for (let t = 0; t < length; t++) {
          let dot = 0;
          for (let d = 0; d < headDim; d++) dot += (q[s]![offset + d]! / Math.sqrt(headDim)) * k[t]![offset + d]!;
          scores[t] = dot;
          max = Math.max(max, dot);
        }
        let total = 0;
        for (let t = 0; t < length; t++) {
          scores[t] = Math.exp(scores[t]! - max);
          total += scores[t]!;
        }
        for (let t = 0; t < length; t++) {
          const p = scores[t]! / total;
          for (let d = 0; d < headDim; d++) context[s]![offset + d]! += p * v[t]![offset + d]!;
        }
      }
    }
    const sa = applyLayerNorm(add(applyLinear(context, block.out), h), block.saLayerNorm);
    const up = applyLinear(sa, block.ffn1).map((row) => row.map((x) => 0.5 * x * (1 + erf(x / Math.SQRT2))));
    h = applyLayerNorm(add(applyLinear(up, block.ffn2), sa), block.outputLayerNorm);
  }
  const pooled = applyLinear([h[0]!], weights.preClassifier).map((row) => row.map((x) => Math.max(0, x)));
  return [...applyLinear(pooled, weights.classifier)[0]!];
}
