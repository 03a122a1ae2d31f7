/**
 * The shared tier: entries live in Redis (SET … EX) so every replica reuses them, behind a local
 * LRU that answers repeated keys without a round trip. Entries never go stale: a key is a hash of
 * the model version and the input, so the same key always holds the same prediction.
 *
 * Redis must never fail or slow a request. Commands are not queued while disconnected
 * (`enableOfflineQueue: false`), are not retried (`maxRetriesPerRequest: 0`) and time out after
 * `commandTimeoutMs`. The first failure turns the cache degraded: Redis is then skipped entirely
 * (local tier only) while a probe PINGs it every `probeIntervalMs`; the first PONG clears the flag.
 * A connection that stays open but stops answering is dropped by the probe and reopened, so a
 * half-dead socket cannot keep the cache degraded after Redis is back.
 */
import { Redis } from 'ioredis';
import { callHook, LruTier } from './local-cache.js';
import type { PredictionCache, PredictionCacheHooks } from './types.js';

export interface RedisPredictionCacheOptions {
  redisUrl: string;
  maxEntries: number;
  ttlSeconds: number | undefined;
  prefix: string;
  commandTimeoutMs: number;
  probeIntervalMs: number;
  hooks: PredictionCacheHooks;
}

/** Entries in Redis expire after an hour unless told otherwise, so the shared tier cannot grow forever. */
const DEFAULT_REDIS_TTL_SECONDS = 3600;

export class RedisPredictionCache implements PredictionCache {
  private readonly local: LruTier;
  private readonly client: Redis;
  private readonly hooks: PredictionCacheHooks;
  private readonly ttlSeconds: number;
  private isDegraded = false;
  private probeTimer: ReturnType<typeof setInterval> | undefined;
  private probing = false;
  private closing = false;

  constructor(private readonly options: RedisPredictionCacheOptions) {
    this.local = new LruTier(options.maxEntries, options.ttlSeconds);
    this.hooks = options.hooks;
    this.ttlSeconds = Math.max(1, Math.ceil(options.ttlSeconds ?? DEFAULT_REDIS_TTL_SECONDS));
    this.client = new Redis(options.redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs,
      connectTimeout: 1000,
      // Without the ready check, "ready" means connected; the probe's PING proves Redis answers.
      enableReadyCheck: false,
      autoResendUnfulfilledCommands: false,
      retryStrategy: (attempt) => Math.min(50 * attempt, 500),
    });
    this.client.on('error', (error: unknown) => this.fail(error));
    this.client.on('close', () => this.fail(new Error('the Redis connection closed')));
  }

  get degraded(): boolean {
    return this.isDegraded;
  }

  async get(key: string): Promise<unknown | undefined> {
    const box = this.local.get(key);
    if (box !== undefined) {
      callHook(this.hooks.onHit);
      return box.value;
    }
    const raw = await this.command(() => this.client.get(this.options.prefix + key));
    if (typeof raw === 'string') {
      try {
        const value: unknown = JSON.parse(raw);
        this.local.set(key, value);
        callHook(this.hooks.onHit);
        return value;
      } catch (error) {
        callHook(this.hooks.onError, error);
      }
    }
    callHook(this.hooks.onMiss);
    return undefined;
  }

  async set(key: string, value: unknown): Promise<void> {
    if (value === undefined) return;
    this.local.set(key, value);
    let encoded: string | undefined;
    try {
      encoded = JSON.stringify(value);
    } catch (error) {
      callHook(this.hooks.onError, error);
      return;
    }
    if (encoded === undefined) return;
    await this.command(() => this.client.set(this.options.prefix + key, encoded, 'EX', this.ttlSeconds));
  }

  async close(): Promise<void> {
    this.closing = true;
    this.stopProbe();
    this.local.clear();
    if (this.client.status === 'ready') {
      const quit = this.client.quit().catch(() => undefined);
      const timeout = new Promise((resolve) => setTimeout(resolve, 500).unref());
      await Promise.race([quit, timeout]);
    }
    this.client.disconnect();
  }

  /** Runs one Redis command when Redis is usable; undefined when skipped or failed. */
  private async command<T>(send: () => Promise<T>): Promise<T | undefined> {
    if (this.isDegraded || this.closing || this.client.status !== 'ready') return undefined;
    try {
      return await send();
    } catch (error) {
      this.fail(error);
      return undefined;
    }
  }

  private fail(error: unknown): void {
    if (this.closing || this.isDegraded) return;
    this.isDegraded = true;
    callHook(this.hooks.onError, error);
    this.probeTimer = setInterval(() => void this.probe(), this.options.probeIntervalMs);
    // The probe must not keep a process alive that has nothing else to do.
    this.probeTimer.unref();
  }

  private async probe(): Promise<void> {
    if (this.probing || this.closing) return;
    // Not connected: ioredis is reconnecting on its own (retryStrategy); wait for it.
    if (this.client.status !== 'ready') return;
    this.probing = true;
    try {
      await this.client.ping();
      if (!this.closing) {
        this.isDegraded = false;
        this.stopProbe();
      }
    } catch {
      // Connected yet silent: drop the socket so ioredis opens a fresh one.
      if (!this.closing) this.client.disconnect(true);
    } finally {
      this.probing = false;
    }
  }

  private stopProbe(): void {
    if (this.probeTimer !== undefined) clearInterval(this.probeTimer);
    this.probeTimer = undefined;
  }
}
