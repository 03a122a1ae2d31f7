import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  labelsFromId2Label,
  makeTinyTextClassifier,
  normaliseLabel,
  TINY_SENTENCES,
} from '../../../src/models/index.js';
import { erf } from '../../../src/models/text/tiny/forward.js';
import { basicTokens, tinyVocabulary, wordPiece } from '../../../src/models/text/tiny/vocab.js';

const FIXTURE = fileURLToPath(new URL('../../../fixtures/tiny-distilbert-sst2/', import.meta.url));

function listFiles(root: string, dir = root): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(root, path) : [relative(root, path)];
  });
}

describe('the tiny DistilBERT fixture', () => {
  it('is exactly what the generator writes (regenerate with scripts/make-tiny-text-classifier.mjs)', () => {
    const { files } = makeTinyTextClassifier();
    expect(listFiles(FIXTURE).sort()).toEqual(Object.keys(files).sort());
    for (const [name, content] of Object.entries(files)) {
      expect(readFileSync(join(FIXTURE, name)).equals(content), name).toBe(true);
    }
    const total = Object.values(files).reduce((sum, content) => sum + content.length, 0);
    expect(total).toBeLessThan(400_000);
  });

  it('covers words, subwords, unknown characters and truncation in its sentences', () => {
    const { expected } = makeTinyTextClassifier();
    expect(expected.sentences.map((s) => s.text)).toEqual(TINY_SENTENCES);
    const ids = expected.sentences.flatMap((s) => s.input_ids);
    expect(ids).toContain(1); // [UNK], for the emoji
    expect(expected.sentences.some((s) => s.truncated && s.tokens > expected.max_tokens)).toBe(true);
    const vocabulary = tinyVocabulary();
    expect(vocabulary.length).toBeGreaterThan(400);
    expect(vocabulary.slice(0, 5)).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
  });

  it('tokenizes like BERT: lower case, accents stripped, punctuation split, longest match first', () => {
    expect(basicTokens('Héllo,  WORLD!\u0000')).toEqual(['hello', ',', 'world', '!']);
    const vocab = new Map(tinyVocabulary().map((t, i) => [t, i]));
    expect(wordPiece('movies', vocab)).toEqual(['movie', '##s']);
    expect(wordPiece('😀', vocab)).toEqual(['[UNK]']);
    expect(wordPiece('a'.repeat(101), vocab)).toEqual(['[UNK]']);
  });

  it('computes erf to 1e-12 for the exact GELU', () => {
    const known: Array<[number, number]> = [
      [0, 0],
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [2, 0.9953222650189527],
      [3, 0.9999779095030014],
      [-1.5, -0.9661051464753108],
      [4.5, 0.9999999998033839],
      [7, 1],
    ];
    for (const [x, value] of known) expect(Math.abs(erf(x) - value)).toBeLessThan(1e-12);
  });
});

describe('label normalisation', () => {
  it('maps sentiment synonyms to POSITIVE / NEGATIVE / NEUTRAL and keeps other labels', () => {
    expect(['positive', 'POS', ' Negative ', 'neg', 'Neutral', 'neu'].map(normaliseLabel)).toEqual([
      'POSITIVE',
      'POSITIVE',
      'NEGATIVE',
      'NEGATIVE',
      'NEUTRAL',
      'NEUTRAL',
    ]);
    expect(normaliseLabel('toxic')).toBe('toxic');
    expect(labelsFromId2Label({ 0: 'negative', 1: 'neutral', 2: 'positive' })).toEqual([
      'NEGATIVE',
      'NEUTRAL',
      'POSITIVE',
    ]);
    expect(labelsFromId2Label({ 0: 'LABEL_0', 1: 'LABEL_1' })).toEqual(['NEGATIVE', 'POSITIVE']);
    expect(labelsFromId2Label({ 0: 'LABEL_0', 1: 'LABEL_1', 2: 'LABEL_2' })).toEqual([
      'NEGATIVE',
      'NEUTRAL',
      'POSITIVE',
    ]);
    expect(labelsFromId2Label({ 0: 'LABEL_0', 1: 'LABEL_1' }, ['pos', 'neg'])).toEqual(['POSITIVE', 'NEGATIVE']);
    expect(labelsFromId2Label({ 0: '1 star', 1: '5 stars' })).toEqual(['1 star', '5 stars']);
  });

  it('refuses gaps, duplicates and a wrong number of overrides', () => {
    expect(() => labelsFromId2Label({ 0: 'NEGATIVE', 2: 'POSITIVE' })).toThrow(/number its classes/);
    expect(() => labelsFromId2Label({ 0: 'neg', 1: 'negative' })).toThrow(/not distinct/);
    expect(() => labelsFromId2Label({ 0: 'a', 1: 'b' }, ['x'])).toThrow(/1 labels given for a model with 2/);
  });
});
