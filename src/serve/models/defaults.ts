/**
 * What `fleetcast serve` answers with when no model is named: the `sentiment` model at `@prod`.
 * When the registry has no such model, the built-in lexicon sentiment model (VADER, no download) is
 * registered and promoted to prod first, so `npm start` serves sentiment out of the box.
 */

import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SENTIMENT_MODEL, writeLexiconSentimentModel } from '../../models/index.js';
import type { ModelRegistry } from '../../registry/index.js';

export const DEFAULT_MODEL_REFERENCES = [`${DEFAULT_SENTIMENT_MODEL}@prod`] as const;

/** Registers the built-in sentiment model as `sentiment@prod` unless a `sentiment` model exists. */
export async function ensureDefaultModel(registry: ModelRegistry, scratch: string): Promise<void> {
  const versions = await registry.list(DEFAULT_SENTIMENT_MODEL);
  if (versions.length > 0) return;
  const dir = join(scratch, `builtin-sentiment-${randomBytes(4).toString('hex')}`);
  try {
    writeLexiconSentimentModel(dir);
    await registry.register(DEFAULT_SENTIMENT_MODEL, dir, { env: 'prod', source: 'built-in lexicon (VADER)' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
