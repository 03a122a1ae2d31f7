/** The prediction cache seen by the server: two implementations, one in-process and one on Redis. */

export interface PredictionCacheHooks {
  /** A `get` found the value (locally or in Redis). */
  onHit?(): void;
  /** A `get` found nothing. */
  onMiss?(): void;
  /**
   * Redis failed: once when the cache turns degraded (then Redis is skipped until it answers
   * again, so an outage is not reported per request), and for a value that cannot be encoded or
   * decoded.
   */
  onError?(error: unknown): void;
}

export interface PredictionCacheOptions {
  /** Entries kept in the in-process LRU (≥ 1). */
  maxEntries: number;
  /** Lifetime of an entry; unset: no expiry in process, one hour in Redis (so Redis never fills up). */
  ttlSeconds?: number;
  /** `redis://…`: share entries between replicas through Redis. */
  redisUrl?: string;
  /** Redis key prefix, `fleetcast:cache:` by default. */
  prefix?: string;
  /** How long one Redis command may take before the cache gives up on it (ms, default 75). */
  commandTimeoutMs?: number;
  /** How often a degraded cache checks whether Redis answers again (ms, default 250). */
  probeIntervalMs?: number;
  hooks?: PredictionCacheHooks;
}

export interface PredictionCache {
  /** The cached value, or undefined on a miss. Never throws, even with Redis down. */
  get(key: string): Promise<unknown | undefined>;
  /** Stores a JSON-serialisable value. Never throws, even with Redis down. */
  set(key: string, value: unknown): Promise<void>;
  /** True while the configured Redis does not answer (requests are then served uncached by it). */
  readonly degraded: boolean;
  close(): Promise<void>;
}
