/** The in-process tier: an LRU of at most `maxEntries` values, with an optional time to live. */
import { LRUCache } from 'lru-cache';
import type { PredictionCache, PredictionCacheHooks } from './types.js';

/** lru-cache refuses undefined and null values, so every value travels in a box. */
interface Box {
  value: unknown;
}

/** The bare LRU, without hooks: the Redis cache uses it as its first tier. */
export class LruTier {
  private readonly lru: LRUCache<string, Box>;

  constructor(maxEntries: number, ttlSeconds?: number) {
    this.lru = new LRUCache<string, Box>({
      max: maxEntries,
      ...(ttlSeconds === undefined ? {} : { ttl: ttlSeconds * 1000 }),
    });
  }

  get(key: string): Box | undefined {
    return this.lru.get(key);
  }

  set(key: string, value: unknown): void {
    this.lru.set(key, { value });
  }

  get size(): number {
    return this.lru.size;
  }

  clear(): void {
    this.lru.clear();
  }
}

export class LocalPredictionCache implements PredictionCache {
  readonly degraded = false;
  private readonly tier: LruTier;

  constructor(
    maxEntries: number,
    ttlSeconds: number | undefined,
    private readonly hooks: PredictionCacheHooks = {},
  ) {
    this.tier = new LruTier(maxEntries, ttlSeconds);
  }

  async get(key: string): Promise<unknown | undefined> {
    const box = this.tier.get(key);
    callHook(box === undefined ? this.hooks.onMiss : this.hooks.onHit);
    return box?.value;
  }

  async set(key: string, value: unknown): Promise<void> {
    if (value !== undefined) this.tier.set(key, value);
  }

  async close(): Promise<void> {
    this.tier.clear();
  }
}

/** Hooks feed metrics; a failing one must not fail a request. */
export function callHook<A extends unknown[]>(hook: ((...args: A) => void) | undefined, ...args: A): void {
  try {
    hook?.(...args);
  } catch {
    // Deliberately ignored (see above).
  }
}
