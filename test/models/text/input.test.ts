import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetcastError } from '../../../src/core/errors.js';
import {
  loadModel,
  MAX_TEXT_CHARS,
  saveTextClassifier,
  type TextClassification,
  type TextClassifierPredictor,
  wellFormed,
  writeLexiconSentimentModel,
} from '../../../src/models/index.js';
import { tempDir } from '../../helpers/services.js';

const FIXTURE = fileURLToPath(new URL('../../../fixtures/tiny-distilbert-sst2/', import.meta.url));
const dir = tempDir();
const kinds: Record<string, TextClassifierPredictor> = {};

beforeAll(async () => {
  writeLexiconSentimentModel(join(dir.path, 'lexicon'));
  await saveTextClassifier(FIXTURE, join(dir.path, 'onnx'));
  for (const kind of ['lexicon', 'onnx']) {
    kinds[kind] = (await loadModel(join(dir.path, kind))) as unknown as TextClassifierPredictor;
  }
});

afterAll(async () => {
  for (const predictor of Object.values(kinds)) await predictor.dispose();
  dir.remove();
});

const UNICODE = {
  emoji: 'great 😀🎉👍🏽 love it',
  'zero-width joiner sequence': 'family 👨‍👩‍👧 trip was fun',
  'right-to-left': 'هذا المنتج رائع جدا',
  'bidi override': 'good \u202Edab\u202C service',
  'lone surrogates': '\uD800 bad \uDFFF worse \uDBFF',
  'combining marks': 'cafe\u0301 ne\u0301e',
  'zero-width inside text': 'go\u200Bod mo\u200Cvie',
  'CJK and Thai': '这部电影很好 ภาพยนตร์ดี',
  '10,000 emoji characters': '😀'.repeat(5000),
  '10,000 characters of words': 'nice work '.repeat(1000),
  'NUL and controls': 'ok\u0000\u0007\u001b[31m text',
};

describe.each(['lexicon', 'onnx'])('text-classifier input checks (%s kind)', (kind) => {
  const predict = (batch: unknown) => kinds[kind]!.predict(batch as never) as Promise<TextClassification[]>;

  it.each(Object.entries(UNICODE))('answers a text with %s', async (_, text) => {
    const [row] = await predict([{ text }]);
    expect(typeof row!.label).toBe('string');
    expect(row!.score).toBeGreaterThan(0);
    expect(row!.score).toBeLessThanOrEqual(1);
    expect(row!.tokens).toBeGreaterThanOrEqual(0);
    expect(row!.truncated).toBe(row!.tokens > row!.max_tokens);
  });

  it('refuses bad rows with an INVALID_ARGUMENT error naming the row', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [[{ text: 'fine' }, { text: '' }], /^row 1: text is empty$/],
      [[{ text: 42 }], /^row 0: text must be a string, not number$/],
      [[{ text: null }], /^row 0: text must be a string, not null$/],
      [[{ text: ['a'] }], /^row 0: text must be a string, not an array$/],
      [[{}], /^row 0: text is missing$/],
      [['just a string'], /^row 0: the row is not an object with a text field$/],
      [[null], /^row 0: the row is not an object/],
      [[{ text: ' \t\n\u200B\u200D\uFEFF\u2060' }], /^row 0: text has only white space or invisible characters$/],
      [[{ text: 'x'.repeat(MAX_TEXT_CHARS + 1) }], /^row 0: text has 1000001 characters/],
      [{ text: 'not an array' }, /takes an array of \{text\} rows/],
    ];
    for (const [batch, message] of cases) {
      const error = await predict(batch).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FleetcastError);
      expect((error as FleetcastError).code).toBe('FLEETCAST_INVALID_ARGUMENT');
      expect((error as FleetcastError).message).toMatch(message);
    }
    expect(await predict([])).toEqual([]);
  });

  it('tells batch prediction which rows it cannot answer', () => {
    const accepts = kinds[kind]!.accepts!;
    expect(accepts({ text: 'fine' })).toBeUndefined();
    expect(accepts({ text: '\u200B' })).toMatch(/invisible/);
    expect(accepts({ text: 7 })).toMatch(/must be a string/);
  });

  it('answers or refuses clearly for any string of UTF-16 code units (fuzzed)', async () => {
    const anyText = fc
      .array(fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.constantFrom(0x20, 0x200b, 0xd83d, 0xde00)), {
        maxLength: 200,
      })
      .map((codes) => String.fromCharCode(...codes));
    await fc.assert(
      fc.asyncProperty(fc.array(anyText, { minLength: 1, maxLength: 8 }), async (batch) => {
        try {
          const rows = await predict(batch.map((text) => ({ text })));
          expect(rows).toHaveLength(batch.length);
          for (const row of rows) expect(Number.isFinite(row.score)).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(FleetcastError);
          expect((error as FleetcastError).code).toBe('FLEETCAST_INVALID_ARGUMENT');
        }
      }),
      { numRuns: kind === 'onnx' ? 150 : 500, seed: 8 },
    );
  });
});

describe('wellFormed', () => {
  it('replaces lone surrogates and keeps pairs', () => {
    expect(wellFormed('a\uD800b\uDC00c😀')).toBe('a\uFFFDb\uFFFDc😀');
    expect(wellFormed('\uDBFF')).toBe('\uFFFD');
  });
});
