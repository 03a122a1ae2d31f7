/**
 * The `hf-onnx` kind: a Hugging Face text-classification model exported to ONNX (DistilBERT SST-2
 * and its kin), run by @huggingface/transformers (AutoTokenizer + AutoModelForSequenceClassification
 * over onnxruntime-node) from a local folder. Tokenisation, truncation and padding are done here
 * rather than by the tokenizer's call, for two reasons: every text is tokenised once and its full
 * length reported (`tokens`), and truncation keeps the model's special tokens ([CLS] … [SEP]) as
 * Python's tokenizers do, where transformers.js 4 cuts the ids array short, [SEP] included.
 */
import { resolve } from 'node:path';
import { errorMessage, FleetcastError } from '../../../core/errors.js';
import { pickLabel, softmax } from '../labels.js';
import type { HfOnnxParams, TextClassification, TextEngine } from '../types.js';
import { loadTransformers } from './runtime.js';

/** Texts per ONNX run; a batch is sorted by length first, so each run pads little. */
export const HF_RUN_BATCH = 32;

interface Tokenizer {
  encode(text: string, options?: { add_special_tokens?: boolean }): number[];
  pad_token_id: number | null | undefined;
}

interface Encoded {
  ids: number[];
  tokens: number;
  truncated: boolean;
}

/**
 * The special tokens the tokenizer wraps a single text in ([CLS] / [SEP] for BERT, <s> / </s> for
 * RoBERTa), found by encoding a probe with and without them.
 */
function specialTokens(tokenizer: Tokenizer): { prefix: number[]; suffix: number[] } {
  const probe = 'fleetcast probe';
  const withSpecials = tokenizer.encode(probe);
  const bare = tokenizer.encode(probe, { add_special_tokens: false });
  for (let start = 0; start + bare.length <= withSpecials.length; start++) {
    if (bare.every((id, i) => withSpecials[start + i] === id)) {
      return { prefix: withSpecials.slice(0, start), suffix: withSpecials.slice(start + bare.length) };
    }
  }
  return { prefix: [], suffix: [] }; // no recognisable wrapping: truncate the ids as they come
}

export async function hfOnnxEngine(dir: string, params: HfOnnxParams): Promise<TextEngine> {
  const { AutoTokenizer, AutoModelForSequenceClassification, Tensor } = await loadTransformers();
  // An absolute path is never mistaken for a Hub model id, so transformers.js reads it as a folder.
  const folder = resolve(dir);
  let tokenizer: Tokenizer;
  let model: Awaited<ReturnType<typeof AutoModelForSequenceClassification.from_pretrained>>;
  try {
    tokenizer = (await AutoTokenizer.from_pretrained(folder, { local_files_only: true })) as unknown as Tokenizer;
    model = await AutoModelForSequenceClassification.from_pretrained(folder, {
      local_files_only: true,
      dtype: params.dtype,
      device: 'cpu',
    });
  } catch (error) {
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `${dir}: cannot load the text classifier: ${errorMessage(error)}`,
      {
        hint: 'the folder needs config.json, tokenizer.json, tokenizer_config.json and onnx/model.onnx (or model_quantized.onnx for q8)',
        cause: error,
      },
    );
  }
  const { prefix, suffix } = specialTokens(tokenizer);
  const maxTokens = params.max_tokens;
  const room = Math.max(0, maxTokens - prefix.length - suffix.length);
  const padId = tokenizer.pad_token_id ?? 0;

  const encode = (text: string): Encoded => {
    const bare = tokenizer.encode(text, { add_special_tokens: false });
    const tokens = prefix.length + bare.length + suffix.length;
    if (tokens <= maxTokens) return { ids: [...prefix, ...bare, ...suffix], tokens, truncated: false };
    return { ids: [...prefix, ...bare.slice(0, room), ...suffix].slice(0, maxTokens), tokens, truncated: true };
  };

  /** One ONNX run over ≤ HF_RUN_BATCH sequences, right-padded to the longest. */
  const run = async (sequences: number[][]): Promise<number[][]> => {
    const width = Math.max(...sequences.map((s) => s.length));
    const ids = new BigInt64Array(sequences.length * width).fill(BigInt(padId));
    const mask = new BigInt64Array(sequences.length * width);
    sequences.forEach((sequence, row) => {
      sequence.forEach((id, column) => {
        ids[row * width + column] = BigInt(id);
        mask[row * width + column] = 1n;
      });
    });
    const output = (await model({
      input_ids: new Tensor('int64', ids, [sequences.length, width]),
      attention_mask: new Tensor('int64', mask, [sequences.length, width]),
    })) as { logits?: { data: ArrayLike<number>; dims: number[] } };
    const logits = output.logits;
    const classes = params.labels.length;
    if (logits?.dims.length !== 2 || logits.dims[1] !== classes || logits.dims[0] !== sequences.length) {
      throw new FleetcastError(
        'FLEETCAST_INVALID_ARGUMENT',
        `${dir}: the model answered logits of shape [${logits?.dims.join(', ') ?? ''}], not [${sequences.length}, ${classes}]`,
        { hint: 'config.json id2label must list one label per output of the classifier' },
      );
    }
    return sequences.map((_, row) => Array.from({ length: classes }, (_, j) => Number(logits.data[row * classes + j])));
  };

  /** Logits in input order; runs are formed from texts of similar token lengths. */
  const logitsOf = async (encoded: Encoded[]): Promise<number[][]> => {
    const order = encoded.map((_, i) => i).sort((a, b) => encoded[a]!.ids.length - encoded[b]!.ids.length);
    const result: number[][] = new Array(encoded.length);
    for (let start = 0; start < order.length; start += HF_RUN_BATCH) {
      const chunk = order.slice(start, start + HF_RUN_BATCH);
      const answers = await run(chunk.map((i) => encoded[i]!.ids));
      chunk.forEach((i, k) => {
        result[i] = answers[k]!;
      });
    }
    return result;
  };

  return {
    labels: params.labels,
    maxTokens,
    logits: (texts) => logitsOf(texts.map(encode)),
    classify: async (texts): Promise<TextClassification[]> => {
      if (texts.length === 0) return [];
      const encoded = texts.map(encode);
      const logits = await logitsOf(encoded);
      return encoded.map((e, i) => ({
        ...pickLabel(params.labels, softmax(logits[i]!)),
        truncated: e.truncated,
        tokens: e.tokens,
        max_tokens: maxTokens,
      }));
    },
    dispose: async () => {
      await model.dispose();
    },
  };
}
