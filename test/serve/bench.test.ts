/** The serving benchmarks' machinery: the load generator in its own process, and one benchmark end to end. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBenchmark } from '../../src/core/bench/harness.js';
import { startLoadClient } from '../../src/serve/bench/client.js';
import { openWorld, predictBodies } from '../../src/serve/bench/world.js';
import { serveBenchmarks } from '../../src/serve/index.js';

describe('serving benchmarks', () => {
  let world: Awaited<ReturnType<typeof openWorld>>;
  beforeAll(async () => {
    world = await openWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  it('loads a server from a second process, closed and open loop, and reports latencies', async () => {
    const server = await world.serve({}, ['linear@prod']);
    const client = await startLoadClient();
    try {
      const url = `${server.url}/api/v1/models/linear/predict`;
      const closed = await client.run({ url, bodies: predictBodies(10), concurrency: 4, durationMs: 300 });
      expect(closed.errors).toBe(0);
      expect(closed.requests).toBeGreaterThan(10);
      expect(closed.statuses['200']).toBe(closed.requests);
      expect(closed.latencyMs.p99).toBeGreaterThanOrEqual(closed.latencyMs.p50);
      const open = await client.run({ url, bodies: predictBodies(10), concurrency: 64, durationMs: 400, rate: 100 });
      expect(open.errors).toBe(0);
      expect(open.requests).toBeGreaterThanOrEqual(30);
      expect(open.requests).toBeLessThanOrEqual(45);
      const refused = await client.run({
        url: `${server.url}/api/v1/models/ghost/predict`,
        bodies: ['{}'],
        concurrency: 1,
        durationMs: 100,
      });
      expect(refused.errors).toBe(refused.requests);
    } finally {
      await client.close();
      await server.shutdown();
    }
  });

  it('runs serve-overhead through the common harness with its details', async () => {
    const [overhead] = serveBenchmarks({ scale: 0.02 });
    const result = await runBenchmark(overhead!, 5);
    expect(result.reference.median).toBeGreaterThan(0);
    expect(result.subject.median).toBeGreaterThan(0);
    const details = overhead!.details();
    expect(details.http_p50_ms).toBeGreaterThan(0);
    expect(details.server_p50_ms_approx).toBeGreaterThan(0);
    expect(typeof details.met).toBe('boolean');
  });
});
