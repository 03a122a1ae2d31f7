import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runLoad } from '../../src/serve/bench/loader.js';

/** A server that answers at once, except one request, 200 ms into the run, held for 300 ms. */
async function stallingServer() {
  const opened = performance.now();
  let stalled = false;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const hold = !stalled && performance.now() - opened > 200;
      if (hold) stalled = true;
      setTimeout(() => res.end('{}'), hold ? 300 : 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(r)) };
}

describe('open-loop load generator', () => {
  it('charges a stall to every request due during it, and sheds only past its backlog cap', async () => {
    const stalling = await stallingServer();
    try {
      // One socket: whatever is due during the stall queues behind the held request.
      const spec = { url: stalling.url, bodies: ['{}'], sockets: 1, rate: 200, durationMs: 800 };
      const result = await runLoad({ ...spec, concurrency: 1000 });
      expect(result.shed).toBe(0);
      expect(result.errors).toBe(0);
      expect(result.requests).toBeGreaterThanOrEqual(150);
      // The requests that waited for the socket during the stall count their wait.
      expect(result.latencyMs.max).toBeGreaterThanOrEqual(250);
      expect(result.latencyMs.p95).toBeGreaterThanOrEqual(50);
      stalling.close();

      const again = await stallingServer();
      const capped = await runLoad({ ...spec, url: again.url, concurrency: 10 });
      // 300 ms at 200/s is 60 requests due; 10 may wait, the rest are shed and counted as errors.
      expect(capped.shed).toBeGreaterThanOrEqual(30);
      expect(capped.errors).toBe(capped.shed);
      await again.close();
    } finally {
      await stalling.close();
    }
  });

  it('counts a refused connection or a server that closes after each reply, and goes on', async () => {
    const refused = await runLoad({ url: 'http://127.0.0.1:1/', bodies: ['{}'], concurrency: 2, durationMs: 100 });
    expect(refused.requests).toBeGreaterThan(0);
    expect(refused.errors).toBe(refused.requests);
    expect(refused.statuses['0']).toBe(refused.requests);

    const closing = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { connection: 'close', 'content-length': 11 }).end('{"ok":true}'));
    });
    await new Promise<void>((resolve) => closing.listen(0, '127.0.0.1', resolve));
    const { port } = closing.address() as AddressInfo;
    const result = await runLoad({ url: `http://127.0.0.1:${port}/`, bodies: ['{}'], concurrency: 2, durationMs: 200 });
    await new Promise((r) => closing.close(r));
    expect(result.requests).toBeGreaterThan(10);
    expect(result.statuses['200']).toBe(result.requests);
  });
});
