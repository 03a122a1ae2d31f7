/**
 * What every `text-classifier` model shares, whatever its kind: the signature (one `text` in; a
 * label, its probability, every label's probability and the truncation report out), the output
 * row, and the manifest params of each kind. A kind is how the model computes (`hf-onnx`: a Hugging
 * Face model exported to ONNX; `lexicon`: the built-in VADER lexicon); callers never need to know.
 */
import { z } from 'zod';
import type { Predictor } from '../artifact/flavors.js';
import type { ModelManifest } from '../artifact/manifest.js';

export const TEXT_CLASSIFIER_SIGNATURE: ModelManifest['signature'] = {
  inputs: [{ name: 'text', type: 'string', description: 'the text to classify (UTF-8, any language the model knows)' }],
  outputs: [
    { name: 'label', type: 'string', description: 'POSITIVE, NEGATIVE or NEUTRAL for sentiment models' },
    { name: 'score', type: 'float64', description: 'the probability of the label, in [0, 1]' },
    { name: 'scores', type: 'json', description: 'the probability of every label' },
    { name: 'truncated', type: 'bool', description: 'the text was longer than the model reads' },
    { name: 'tokens', type: 'int64', description: "the text's length in the model's tokens, before truncation" },
    { name: 'max_tokens', type: 'int64', description: 'the most tokens the model reads' },
  ],
};

export interface TextRow {
  text: string;
}

export interface TextClassification {
  label: string;
  score: number;
  scores: Record<string, number>;
  truncated: boolean;
  tokens: number;
  max_tokens: number;
}

export const TEXT_CLASSIFIER_KINDS = ['hf-onnx', 'lexicon'] as const;
export type TextClassifierKind = (typeof TEXT_CLASSIFIER_KINDS)[number];

export const HfOnnxParamsSchema = z
  .object({
    kind: z.literal('hf-onnx'),
    /** transformers.js dtype: `fp32` reads onnx/model.onnx, `q8` onnx/model_quantized.onnx. */
    dtype: z.enum(['fp32', 'q8']),
    /** Output labels by class index, normalised (POSITIVE/NEGATIVE/NEUTRAL where they mean that). */
    labels: z.array(z.string().min(1)).min(2),
    /** config.json's id2label as it was, for the record. */
    source_labels: z.array(z.string()),
    max_tokens: z.number().int().min(2),
    model_type: z.string().optional(),
    architecture: z.string().optional(),
  })
  .strict();
export type HfOnnxParams = z.infer<typeof HfOnnxParamsSchema>;

export const LexiconParamsSchema = z
  .object({
    kind: z.literal('lexicon'),
    lexicon: z.literal('vader'),
    package: z.string(),
    labels: z.tuple([z.literal('NEGATIVE'), z.literal('NEUTRAL'), z.literal('POSITIVE')]),
    /** VADER's published cut-off: compound ≥ threshold is POSITIVE, ≤ −threshold NEGATIVE. */
    threshold: z.number().positive().max(1),
    /** Sharpness of the compound → probability mapping (see lexicon/confidence.ts). */
    sharpness: z.number().positive(),
    /** Whitespace-separated words read; the rest is cut off and reported. */
    max_tokens: z.number().int().min(1),
  })
  .strict();
export type LexiconParams = z.infer<typeof LexiconParamsSchema>;

export const TextClassifierParamsSchema = z.discriminatedUnion('kind', [HfOnnxParamsSchema, LexiconParamsSchema]);
export type TextClassifierParams = z.infer<typeof TextClassifierParamsSchema>;

/** The engine behind a predictor: texts (already validated) in, one classification each out. */
export interface TextEngine {
  readonly labels: readonly string[];
  readonly maxTokens: number;
  classify(texts: readonly string[]): Promise<TextClassification[]>;
  /** Raw model outputs before softmax (hf-onnx only): what the fixture test compares. */
  logits?(texts: readonly string[]): Promise<number[][]>;
  dispose?(): Promise<void>;
}

export type TextClassifierPredictor = Predictor<TextRow[], TextClassification[]> & {
  readonly kind: TextClassifierKind;
  readonly labels: readonly string[];
  readonly maxTokens: number;
  logits?(texts: readonly string[]): Promise<number[][]>;
  /** Releases the ONNX session (a no-op for the lexicon). */
  dispose(): Promise<void>;
};
