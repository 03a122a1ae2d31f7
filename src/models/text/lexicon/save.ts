/**
 * The built-in sentiment model as an ordinary `text-classifier` artifact: a manifest of kind
 * `lexicon` and no weights, only `lexicon.json` pinning the VADER package it runs, so it is registered, versioned, promoted and loaded through the
 * registry like any other model. `fleetcast serve` registers it as DEFAULT_SENTIMENT_MODEL and
 * promotes it to prod when no such model exists.
 */
import { type ModelManifest, saveModel } from '../../artifact/manifest.js';
import { type LexiconParams, LexiconParamsSchema, TEXT_CLASSIFIER_SIGNATURE } from '../types.js';
import { VADER_SHARPNESS, VADER_THRESHOLD } from './confidence.js';
import { installedVader, LEXICON_FILE, LEXICON_MAX_TOKENS } from './engine.js';

/** The registry name of the built-in sentiment model. */
export const DEFAULT_SENTIMENT_MODEL = 'sentiment';

export function lexiconSentimentParams(options: { maxTokens?: number } = {}): LexiconParams {
  return LexiconParamsSchema.parse({
    kind: 'lexicon',
    lexicon: 'vader',
    package: installedVader().package,
    labels: ['NEGATIVE', 'NEUTRAL', 'POSITIVE'],
    threshold: VADER_THRESHOLD,
    sharpness: VADER_SHARPNESS,
    max_tokens: options.maxTokens ?? LEXICON_MAX_TOKENS,
  });
}

/** Writes the lexicon sentiment model folder at `dir` (which must not exist); returns its manifest. */
export function writeLexiconSentimentModel(dir: string, options: { maxTokens?: number } = {}): ModelManifest {
  return saveModel(dir, {
    flavor: 'text-classifier',
    signature: TEXT_CLASSIFIER_SIGNATURE,
    params: lexiconSentimentParams(options),
    files: { [LEXICON_FILE]: `${JSON.stringify(installedVader(), null, 2)}\n` },
  });
}
