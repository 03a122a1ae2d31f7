/**
 * The tiny DistilBERT SST-2 fixture: a randomly initialised (seeded) model of DistilBERT's
 * architecture in the Hugging Face ONNX export layout (`config.json`, `tokenizer.json`,
 * `tokenizer_config.json`, `special_tokens_map.json`, `vocab.txt`, `onnx/model.onnx`,
 * `onnx/model_quantized.onnx`), plus `expected.json`: token ids and logits for a few sentences from
 * the independent TypeScript forward pass. `scripts/make-tiny-text-classifier.mjs` writes it to
 * `fixtures/tiny-distilbert-sst2/`; the same function builds it on the fly for benchmarks.
 * Everything is deterministic: the same options give byte-identical files.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { makeFolderSync } from '../../../core/folders.js';
import { tinyDistilBertLogits } from './forward.js';
import { tinyDistilBertOnnx } from './graph.js';
import { encodeTiny, SPECIAL_TOKENS_MAP, tinyVocabulary, tokenizerConfigJson, tokenizerJson } from './vocab.js';
import { dequantizedWeights, initTinyDistilBert, type TinyDistilBertConfig } from './weights.js';

export const TINY_TEXT_CLASSIFIER_SEED = 20261140;

/** Sentences whose logits the fixture records: words, subwords, unknown words, punctuation, a long one. */
export const TINY_SENTENCES = [
  'I loved this movie!',
  'The plot was boring and the acting was terrible.',
  'Not bad at all, quite enjoyable.',
  'Zyxwv qqq, café 😀 unknownword!',
  'The servers crashed again; latency is awful.',
  'A brilliant, moving story with excellent characters and a superb cast, '.repeat(5).trim(),
];

export interface TinyTextClassifierFixture {
  /** Relative file name → content (the Hugging Face folder layout, plus expected.json). */
  files: Record<string, Buffer>;
  expected: TinyExpected;
}

export interface TinyExpected {
  seed: number;
  max_tokens: number;
  labels: string[];
  sentences: Array<{
    text: string;
    input_ids: number[];
    /** Tokens before truncation, [CLS] and [SEP] included. */
    tokens: number;
    truncated: boolean;
    logits: number[];
    /** The same pass over the INT8-rounded weights of onnx/model_quantized.onnx. */
    logits_dequantized: number[];
  }>;
}

const json = (value: unknown) => Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8');

export function makeTinyTextClassifier(options: { seed?: number } = {}): TinyTextClassifierFixture {
  const vocabulary = tinyVocabulary();
  const config: TinyDistilBertConfig = {
    vocabSize: vocabulary.length,
    hidden: 32,
    heads: 4,
    layers: 2,
    ffn: 128,
    maxPositions: 64,
    labels: 2,
    seed: options.seed ?? TINY_TEXT_CLASSIFIER_SEED,
  };
  const labels = ['NEGATIVE', 'POSITIVE'];
  const weights = initTinyDistilBert(config);
  const quantized = dequantizedWeights(weights);
  const round = (values: number[]) => values.map((v) => Number(v.toPrecision(9)));
  const expected: TinyExpected = {
    seed: config.seed,
    max_tokens: config.maxPositions,
    labels,
    sentences: TINY_SENTENCES.map((text) => {
      const full = encodeTiny(text, vocabulary, Number.POSITIVE_INFINITY);
      const ids = encodeTiny(text, vocabulary, config.maxPositions);
      return {
        text,
        input_ids: ids,
        tokens: full.length,
        truncated: full.length > ids.length,
        logits: round(tinyDistilBertLogits(weights, ids)),
        logits_dequantized: round(tinyDistilBertLogits(quantized, ids)),
      };
    }),
  };
  const hfConfig = {
    _name_or_path: 'fleetcast/tiny-distilbert-sst2',
    activation: 'gelu',
    architectures: ['DistilBertForSequenceClassification'],
    attention_dropout: 0.1,
    dim: config.hidden,
    dropout: 0.1,
    finetuning_task: 'sst-2',
    hidden_dim: config.ffn,
    id2label: Object.fromEntries(labels.map((label, i) => [String(i), label])),
    initializer_range: 0.02,
    label2id: Object.fromEntries(labels.map((label, i) => [label, i])),
    max_position_embeddings: config.maxPositions,
    model_type: 'distilbert',
    n_heads: config.heads,
    n_layers: config.layers,
    pad_token_id: 0,
    qa_dropout: 0.1,
    seq_classif_dropout: 0.2,
    sinusoidal_pos_embds: false,
    tie_weights_: true,
    vocab_size: config.vocabSize,
  };
  const files: Record<string, Buffer> = {
    'config.json': json(hfConfig),
    'tokenizer.json': json(tokenizerJson(vocabulary)),
    'tokenizer_config.json': json(tokenizerConfigJson(config.maxPositions)),
    'special_tokens_map.json': json(SPECIAL_TOKENS_MAP),
    'vocab.txt': Buffer.from(`${vocabulary.join('\n')}\n`, 'utf8'),
    'onnx/model.onnx': tinyDistilBertOnnx(weights),
    'onnx/model_quantized.onnx': tinyDistilBertOnnx(weights, { quantized: true }),
    'expected.json': json(expected),
    'README.md': Buffer.from(readme(config), 'utf8'),
  };
  return { files, expected };
}

function readme(config: TinyDistilBertConfig): string {
  return `# tiny-distilbert-sst2 (test fixture)

A randomly initialised model with DistilBERT's architecture and the file layout of a Hugging Face
ONNX export of \`distilbert-base-uncased-finetuned-sst-2-english\`. Its predictions mean nothing: it
exists so tests load a real transformer through @huggingface/transformers and onnxruntime-node.

- ${config.layers} blocks, hidden ${config.hidden}, ${config.heads} heads, feed-forward ${config.ffn}, ${config.maxPositions} positions,
  ${config.vocabSize} WordPiece tokens, labels NEGATIVE / POSITIVE; weights drawn with seed ${config.seed}.
- \`onnx/model.onnx\`: float32, opset 17. \`onnx/model_quantized.onnx\`: the same weights stored INT8
  (per-tensor, symmetric) with DequantizeLinear in the graph.
- \`expected.json\`: token ids and logits for a few sentences from an independent TypeScript forward
  pass (\`logits\`), and the same pass over the INT8-rounded weights (\`logits_dequantized\`; onnxruntime
  also quantizes activations when it runs the INT8 graph, so those agree only to ~0.05).

Regenerate (byte-identical): \`npm run build && node scripts/make-tiny-text-classifier.mjs\`.
Source: \`src/models/text/tiny/\`.
`;
}

/** Writes the fixture's files under `dir` (created if needed); returns their names. */
export function writeTinyTextClassifier(dir: string, options: { seed?: number } = {}): string[] {
  const { files } = makeTinyTextClassifier(options);
  for (const [name, content] of Object.entries(files)) {
    makeFolderSync(dirname(join(dir, name)));
    writeFileSync(join(dir, name), content);
  }
  return Object.keys(files);
}
