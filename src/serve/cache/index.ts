/**
 * The prediction cache: keyed by model version + input hash, in process always, shared through
 * Redis when a URL is given. The one public door of this folder.
 */
import { FleetcastError } from '../../core/errors.js';
import { LocalPredictionCache } from './local-cache.js';
import { RedisPredictionCache } from './redis-cache.js';
import type { PredictionCache, PredictionCacheOptions } from './types.js';

export { cacheKey, canonicalJson } from './cache-key.js';
export type { PredictionCache, PredictionCacheHooks, PredictionCacheOptions } from './types.js';

export function createPredictionCache(options: PredictionCacheOptions): PredictionCache {
  if (!Number.isInteger(options.maxEntries) || options.maxEntries < 1) {
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `maxEntries must be an integer ≥ 1, got ${options.maxEntries}`,
    );
  }
  if (options.ttlSeconds !== undefined && !(Number.isFinite(options.ttlSeconds) && options.ttlSeconds > 0)) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `ttlSeconds must be > 0, got ${options.ttlSeconds}`);
  }
  if (!options.redisUrl) return new LocalPredictionCache(options.maxEntries, options.ttlSeconds, options.hooks);
  if (!/^rediss?:\/\//.test(options.redisUrl)) {
    throw new FleetcastError('FLEETCAST_URL_INVALID', 'the cache Redis URL must start with redis:// or rediss://');
  }
  return new RedisPredictionCache({
    redisUrl: options.redisUrl,
    maxEntries: options.maxEntries,
    ttlSeconds: options.ttlSeconds,
    prefix: options.prefix ?? 'fleetcast:cache:',
    commandTimeoutMs: options.commandTimeoutMs ?? 75,
    probeIntervalMs: options.probeIntervalMs ?? 250,
    hooks: options.hooks ?? {},
  });
}
