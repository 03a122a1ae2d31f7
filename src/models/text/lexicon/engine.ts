/**
 * The `lexicon` kind: VADER (Hutto & Gilbert 2014, the `vader-sentiment` package), a rule-based
 * sentiment model with no weights to download, so a fresh install serves sentiment at once. Texts
 * are read up to `max_tokens` whitespace-separated words (512 by default): VADER's cost grows
 * faster than linearly with words on texts with "but", and a classifier of sentences gains nothing
 * from page 40 of a document. The rest is cut off and reported, like the ONNX kind truncates.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { z } from 'zod';
import { FleetcastError } from '../../../core/errors.js';
import type { LexiconParams, TextClassification, TextEngine } from '../types.js';
import { compoundToPrediction } from './confidence.js';

export const LEXICON_MAX_TOKENS = 512;
/** The model's one file: which VADER it was built with, pinned by the sha256 of the code that runs. */
export const LEXICON_FILE = 'lexicon.json';

const require = createRequire(import.meta.url);

export const LexiconPinSchema = z
  .object({ lexicon: z.literal('vader'), package: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) })
  .strict();
export type LexiconPin = z.infer<typeof LexiconPinSchema>;

/** The installed vader-sentiment: its version and the sha256 of its bundle (rules and lexicon). */
export function installedVader(): LexiconPin {
  const pkg = require('vader-sentiment/package.json') as { version?: string };
  const bundle = readFileSync(require.resolve('vader-sentiment'));
  return {
    lexicon: 'vader',
    package: `vader-sentiment@${pkg.version ?? 'unknown'}`,
    sha256: createHash('sha256').update(bundle).digest('hex'),
  };
}

interface Vader {
  polarity_scores(text: string): { neg: number; neu: number; pos: number; compound: number };
}

let vader: Vader | undefined;
/** The package is CommonJS without types; it is loaded once, on first use. */
function loadVader(): Vader {
  vader ??= (require('vader-sentiment') as { SentimentIntensityAnalyzer: Vader }).SentimentIntensityAnalyzer;
  return vader;
}

/** The number of whitespace-separated words, and the text cut after the `max`-th one. */
export function cutWords(text: string, max: number): { text: string; tokens: number } {
  const words = /\S+/g;
  let tokens = 0;
  let end = text.length;
  for (let match = words.exec(text); match; match = words.exec(text)) {
    tokens++;
    if (tokens === max) end = match.index + match[0].length;
  }
  return { text: tokens > max ? text.slice(0, end) : text, tokens };
}

/**
 * A VADER engine. `pin` (the model's lexicon.json) must match the installed package: a different
 * lexicon would answer differently under the same registered version, which the registry's
 * checksums exist to prevent.
 */
export function lexiconEngine(params: LexiconParams, pin: unknown, where: string): TextEngine {
  const parsed = LexiconPinSchema.safeParse(pin);
  if (!parsed.success) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${where}: ${LEXICON_FILE} is not a VADER pin`, {
      hint: 'write the model again with writeLexiconSentimentModel',
    });
  }
  const installed = installedVader();
  if (parsed.data.sha256 !== installed.sha256) {
    throw new FleetcastError(
      'FLEETCAST_CHECKSUM_MISMATCH',
      `${where} was built with ${parsed.data.package}, but the installed ${installed.package} differs`,
      {
        hint: 'register a new version written with writeLexiconSentimentModel, or install the pinned package',
        details: { expected: parsed.data.sha256, actual: installed.sha256 },
      },
    );
  }
  const analyzer = loadVader();
  const classifyOne = (text: string): TextClassification => {
    const cut = cutWords(text, params.max_tokens);
    const { compound } = analyzer.polarity_scores(cut.text);
    return {
      ...compoundToPrediction(compound, { threshold: params.threshold, sharpness: params.sharpness }),
      truncated: cut.tokens > params.max_tokens,
      tokens: cut.tokens,
      max_tokens: params.max_tokens,
    };
  };
  return {
    labels: params.labels,
    maxTokens: params.max_tokens,
    classify: async (texts) => texts.map(classifyOne),
  };
}
