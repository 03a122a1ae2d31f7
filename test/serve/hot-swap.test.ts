/**
 * Moving an alias swaps the served version under load with no request dropped: every request gets
 * a 200 from exactly one version, each client sees version 1 then version 2, never back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServe, startServe } from '../../src/serve/index.js';
import { ALL_MODELS, call, createFixture, type Fixture } from './fixtures.js';

let fixture: Fixture;
let running: RunningServe;

beforeAll(async () => {
  fixture = await createFixture({ serve: { batching: { max_batch_size: 16, max_wait_ms: 1 } } });
  running = await startServe({
    config: fixture.config,
    registry: fixture.opened,
    models: ALL_MODELS,
    port: 0,
    host: '127.0.0.1',
    reloadIntervalMs: 100,
  });
});

afterAll(async () => {
  await running?.shutdown();
  await fixture?.close();
});

describe('hot swap', () => {
  it('swaps to the promoted version under load without dropping a request', async () => {
    let stop = false;
    let counter = 0;
    const client = async () => {
      const seen: Array<{ version: number; ok: boolean }> = [];
      while (!stop) {
        const cpu = counter++ % 1000; // mostly distinct inputs: past the cache, into the batcher
        const reply = await call(running.url, '/api/v1/models/cost/predict', {
          body: { input: { cpu, memory: 0, spot: 0 } },
        });
        if (reply.status !== 200) {
          seen.push({ version: -1, ok: false });
          continue;
        }
        const factor = reply.body.version === 1 ? 1 : 2;
        const expected = 0.04 * factor * cpu + 0.01;
        seen.push({
          version: reply.body.version,
          ok: Math.abs(reply.body.hourly_cost - expected) < 1e-3 * Math.max(1, expected),
        });
      }
      return seen;
    };
    const clients = Array.from({ length: 8 }, client);
    await new Promise((r) => setTimeout(r, 400));
    expect(await fixture.registerCost(2, 'prod')).toBe(2);
    // The refresh loop (every 100 ms) picks the move up; keep the load on until it has.
    for (let i = 0; i < 100 && running.serve.pool.served('cost').current.number !== 2; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 400));
    stop = true;
    const results = await Promise.all(clients);

    const all = results.flat();
    expect(all.length).toBeGreaterThan(100);
    expect(all.filter((r) => !r.ok)).toEqual([]);
    for (const seen of results) {
      const versions = seen.map((s) => s.version);
      const firstTwo = versions.indexOf(2);
      expect(firstTwo).toBeGreaterThan(0);
      expect(versions.slice(firstTwo).every((v) => v === 2)).toBe(true);
    }
    const models = await call(running.url, '/api/v1/models');
    expect(models.body.models.find((m: { name: string }) => m.name === 'cost')).toMatchObject({
      version: 2,
      aliases: ['prod'],
    });
    // Version 1 stays reachable by number (loaded on demand) after the swap.
    const old = await call(running.url, '/api/v1/models/cost/predict', {
      body: { input: { cpu: 1, memory: 0, spot: 0 }, version: 1 },
    });
    expect(old.body).toMatchObject({ version: 1 });
    expect(old.body.hourly_cost).toBeCloseTo(0.05, 5);
  });

  it('drains requests in flight when it shuts down', async () => {
    const inFlight = Array.from({ length: 20 }, (_, i) =>
      call(running.url, '/api/v1/models/cost/batch', {
        body: { inputs: Array.from({ length: 1000 }, (_, j) => ({ cpu: i * 1000 + j, memory: 1, spot: 0 })) },
      }).then(
        (reply) => reply.status,
        () => 'not accepted' as const,
      ),
    );
    // Shut down once the handlers have the requests (not while they are still connecting).
    const gauge = running.serve.metrics.httpInFlight;
    for (let i = 0; i < 400 && ((await gauge.get()).values[0]?.value ?? 0) < 10; i++) {
      await new Promise((r) => setTimeout(r, 5));
    }
    const started = Date.now();
    await running.shutdown('test');
    const replies = await Promise.all(inFlight);
    // Every request the handlers had got its full answer; the others were refused before any work
    // (a 503 on a kept-alive connection, or no connection: readiness had already failed).
    expect(replies.filter((status) => status === 200).length, replies.join(' ')).toBeGreaterThanOrEqual(10);
    expect(replies.every((status) => status === 200 || status === 503 || status === 'not accepted')).toBe(true);
    expect(Date.now() - started).toBeLessThan(10_000);
    await expect(call(running.url, '/healthz')).rejects.toThrow();
  });
});
