/**
 * Text classification benchmarks (issue 8, item 4), in predictions per second through the flavor's
 * `predict` (validation, tokenisation, inference, labels):
 * - `text-onnx-batching`: the tiny DistilBERT (built here from its seeded generator, nothing read
 *   from the repository) one text per call against 32 per call: what batching buys an ONNX model;
 * - `text-classify`: the built-in VADER lexicon against the tiny DistilBERT, both 32 per call.
 * The texts are review-like sentences of 5–40 words drawn from a seeded PRNG over the tiny model's
 * vocabulary, so every run measures the same work.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Benchmark, BenchSide } from '../../core/bench/harness.js';
import { loadTextClassifier } from './flavor.js';
import { saveTextClassifier } from './hf/save.js';
import { writeLexiconSentimentModel } from './lexicon/save.js';
import { writeTinyTextClassifier } from './tiny/fixture.js';
import { tinyVocabulary } from './tiny/vocab.js';
import type { TextClassifierPredictor } from './types.js';

export function benchTexts(count: number, seed = 7): string[] {
  const words = tinyVocabulary().filter((w) => /^[a-z]{2,}$/.test(w));
  let state = seed >>> 0;
  const uniform = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  return Array.from({ length: count }, () => {
    const length = 5 + Math.floor(uniform() * 36);
    const text = Array.from({ length }, () => words[Math.floor(uniform() * words.length)]!).join(' ');
    return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
  });
}

type Kind = 'lexicon' | 'tiny-onnx';

/** Writes the model in a scratch folder and loads it through the flavor. */
async function openModel(kind: Kind): Promise<{ predictor: TextClassifierPredictor; remove: () => void }> {
  const scratch = mkdtempSync(join(tmpdir(), 'fleetcast-bench-text-'));
  const remove = () => rmSync(scratch, { recursive: true, force: true });
  try {
    if (kind === 'lexicon') {
      writeLexiconSentimentModel(join(scratch, 'model'));
    } else {
      writeTinyTextClassifier(join(scratch, 'hf'));
      await saveTextClassifier(join(scratch, 'hf'), join(scratch, 'model'));
    }
    return { predictor: await loadTextClassifier(join(scratch, 'model')), remove };
  } catch (error) {
    remove();
    throw error;
  }
}

function side(label: string, kind: Kind, batchSize: number, texts: string[]): BenchSide {
  return {
    label,
    open: async () => {
      const { predictor, remove } = await openModel(kind);
      const batches: Array<Array<{ text: string }>> = [];
      for (let i = 0; i < texts.length; i += batchSize) {
        batches.push(texts.slice(i, i + batchSize).map((text) => ({ text })));
      }
      return {
        iteration: async () => {
          for (const batch of batches) await predictor.predict(batch);
          return texts.length;
        },
        close: async () => {
          await predictor.dispose();
          remove();
        },
      };
    },
  };
}

/** `scale` multiplies the texts per repetition (640 at scale 1). */
export function textBenchmarks(scale = 1): Benchmark[] {
  const texts = benchTexts(Math.max(32, Math.round(640 * scale)));
  return [
    {
      name: 'text-onnx-batching',
      description: 'tiny DistilBERT ONNX via transformers.js, 5–40-word texts, 32 per call (reference: 1 per call)',
      unit: 'predictions/s',
      reference: side('tiny DistilBERT, batch 1', 'tiny-onnx', 1, texts),
      subject: side('tiny DistilBERT, batch 32', 'tiny-onnx', 32, texts),
    },
    {
      name: 'text-classify',
      description: 'tiny DistilBERT ONNX, 32 texts per call (reference: the VADER lexicon, 32 per call)',
      unit: 'predictions/s',
      reference: side('VADER lexicon, batch 32', 'lexicon', 32, texts),
      subject: side('tiny DistilBERT, batch 32', 'tiny-onnx', 32, texts),
    },
  ];
}
