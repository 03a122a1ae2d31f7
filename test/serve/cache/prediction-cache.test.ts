import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createPredictionCache, type PredictionCache } from '../../../src/serve/cache/index.js';
import { serviceUrl, uniqueSuffix } from '../../helpers/services.js';
import { TcpProxy } from './tcp-proxy.js';

const redisUrl = serviceUrl('redis');

function counters() {
  const counts = { hits: 0, misses: 0, errors: 0 };
  return {
    counts,
    hooks: {
      onHit: () => {
        counts.hits += 1;
      },
      onMiss: () => {
        counts.misses += 1;
      },
      onError: () => {
        counts.errors += 1;
      },
    },
  };
}

/** Awaits a call and returns how long it took, in ms. */
async function timed<T>(call: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await call();
  return { value, ms: performance.now() - started };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 1;
}

describe('in-process prediction cache', () => {
  it('returns what was set, counts hits and misses, and is never degraded', async () => {
    const { counts, hooks } = counters();
    const cache = createPredictionCache({ maxEntries: 10, hooks });
    expect(await cache.get('a')).toBeUndefined();
    await cache.set('a', { label: 'POSITIVE', score: 0.9 });
    await cache.set('n', null);
    expect(await cache.get('a')).toEqual({ label: 'POSITIVE', score: 0.9 });
    // null is a value (a hit), distinct from a miss.
    expect(await cache.get('n')).toBeNull();
    expect(counts).toEqual({ hits: 2, misses: 1, errors: 0 });
    expect(cache.degraded).toBe(false);
    await cache.close();
  });

  it('evicts the least recently used entry past maxEntries', async () => {
    const cache = createPredictionCache({ maxEntries: 2 });
    await cache.set('a', 1);
    await cache.set('b', 2);
    await cache.get('a');
    await cache.set('c', 3);
    expect(await cache.get('a')).toBe(1);
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('c')).toBe(3);
    await cache.close();
  });

  it('expires entries after ttlSeconds', async () => {
    const cache = createPredictionCache({ maxEntries: 10, ttlSeconds: 0.05 });
    await cache.set('a', 1);
    expect(await cache.get('a')).toBe(1);
    await sleep(80);
    expect(await cache.get('a')).toBeUndefined();
    await cache.close();
  });

  it('keeps answering when a hook throws', async () => {
    const cache = createPredictionCache({
      maxEntries: 10,
      hooks: {
        onHit: () => {
          throw new Error('metrics broke');
        },
      },
    });
    await cache.set('a', 1);
    await expect(cache.get('a')).resolves.toBe(1);
    await cache.close();
  });

  it('refuses invalid options', () => {
    expect(() => createPredictionCache({ maxEntries: 0 })).toThrow(/maxEntries/);
    expect(() => createPredictionCache({ maxEntries: 1, ttlSeconds: 0 })).toThrow(/ttlSeconds/);
    expect(() => createPredictionCache({ maxEntries: 1, redisUrl: 'http://x' })).toThrow(/redis:\/\//);
  });
});

describe.skipIf(!redisUrl)('Redis prediction cache', () => {
  const url = redisUrl!;
  const prefix = `fleetcast-test-cache-${uniqueSuffix()}:`;
  const admin = new Redis(url);
  const open: PredictionCache[] = [];

  function cacheAt(redis: string, extra: Parameters<typeof createPredictionCache>[0] = { maxEntries: 100 }) {
    const cache = createPredictionCache({ prefix, ...extra, redisUrl: redis });
    open.push(cache);
    return cache;
  }

  /** A URL like the real one but through the proxy's port. */
  function through(proxy: TcpProxy): string {
    const proxied = new URL(url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    return proxied.toString();
  }

  function newProxy(): TcpProxy {
    const target = new URL(url);
    return new TcpProxy(target.hostname || '127.0.0.1', Number(target.port || 6379));
  }

  /** Waits until the cache has connected, so the first command goes to Redis. */
  async function connected(cache: PredictionCache, key = `probe-${uniqueSuffix()}`): Promise<void> {
    await vi.waitFor(
      async () => {
        await cache.set(key, 1);
        expect(await admin.exists(prefix + key)).toBe(1);
      },
      { timeout: 3000, interval: 20 },
    );
  }

  afterAll(async () => {
    await Promise.all(open.map((cache) => cache.close()));
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
    admin.disconnect();
  });

  it('shares entries between replicas through Redis, with an expiry', async () => {
    const { counts, hooks } = counters();
    const writer = cacheAt(url, { maxEntries: 100, ttlSeconds: 120 });
    const reader = cacheAt(url, { maxEntries: 100, hooks });
    await connected(writer);
    await connected(reader);
    await writer.set('shared', { label: 'NEGATIVE', score: 0.25 });
    expect(await reader.get('shared')).toEqual({ label: 'NEGATIVE', score: 0.25 });
    expect(await reader.get('absent')).toBeUndefined();
    const ttl = await admin.ttl(`${prefix}shared`);
    expect(ttl).toBeGreaterThan(100);
    expect(ttl).toBeLessThanOrEqual(120);
    expect(counts).toMatchObject({ hits: 1, misses: 1 });
    expect(writer.degraded || reader.degraded).toBe(false);
  });

  it('defaults the Redis expiry to an hour and treats an undecodable entry as a miss', async () => {
    const { counts, hooks } = counters();
    const cache = cacheAt(url, { maxEntries: 100, hooks });
    await connected(cache);
    await cache.set('hourly', [1, 2, 3]);
    expect(await admin.ttl(`${prefix}hourly`)).toBeGreaterThan(3500);
    await admin.set(`${prefix}garbled`, '{not json');
    expect(await cache.get('garbled')).toBeUndefined();
    expect(counts).toMatchObject({ misses: 1, errors: 1 });
    expect(cache.degraded).toBe(false);
  });

  it('with Redis unreachable, serves from the process fast and reports degraded', async () => {
    const { counts, hooks } = counters();
    const cache = cacheAt(`redis://127.0.0.1:${await closedPort()}`, { maxEntries: 100, hooks });
    await vi.waitFor(() => expect(cache.degraded).toBe(true), { timeout: 2000, interval: 10 });
    const miss = await timed(() => cache.get('nothing'));
    const set = await timed(() => cache.set('local', 42));
    const hit = await timed(() => cache.get('local'));
    expect(miss.value).toBeUndefined();
    expect(hit.value).toBe(42);
    for (const call of [miss, set, hit]) expect(call.ms).toBeLessThan(40);
    // Reconnect attempts keep failing, but the outage is reported once.
    await sleep(300);
    expect(counts.errors).toBe(1);
  });

  it('when Redis stops answering mid-way, gives up within the command timeout, then recovers', async () => {
    const proxy = newProxy();
    await proxy.listen();
    const cache = cacheAt(through(proxy), { maxEntries: 100, commandTimeoutMs: 60, probeIntervalMs: 100 });
    await connected(cache);
    await cache.set('before', 'kept');

    proxy.pause();
    const first = await timed(() => cache.get('unseen-1'));
    expect(first.value).toBeUndefined();
    expect(first.ms).toBeLessThan(60 + 100);
    expect(cache.degraded).toBe(true);
    // Degraded: Redis is skipped, so neither reads nor writes wait for it.
    for (const call of [() => cache.get('unseen-2'), () => cache.set('during', 1)]) {
      expect((await timed(call)).ms).toBeLessThan(40);
    }
    expect(await cache.get('before')).toBe('kept');

    proxy.resume();
    await vi.waitFor(() => expect(cache.degraded).toBe(false), { timeout: 3000, interval: 20 });
    await connected(cache, 'after');
    await proxy.close();
  });

  it('when the Redis connection is cut mid-way, stays fast and recovers once Redis is back', async () => {
    const proxy = newProxy();
    const port = await proxy.listen();
    const { counts, hooks } = counters();
    const cache = cacheAt(through(proxy), { maxEntries: 100, probeIntervalMs: 100, hooks });
    await connected(cache);

    await proxy.close();
    await vi.waitFor(() => expect(cache.degraded).toBe(true), { timeout: 2000, interval: 10 });
    for (const call of [() => cache.get('gone'), () => cache.set('gone', 1)]) {
      expect((await timed(call)).ms).toBeLessThan(40);
    }

    await proxy.listen(port);
    await vi.waitFor(() => expect(cache.degraded).toBe(false), { timeout: 3000, interval: 20 });
    await admin.set(`${prefix}written-elsewhere`, JSON.stringify({ score: 1 }));
    expect(await cache.get('written-elsewhere')).toEqual({ score: 1 });
    expect(counts.errors).toBe(1);
    await proxy.close();
  });
});
