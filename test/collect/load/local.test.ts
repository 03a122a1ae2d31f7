import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalLoadController } from '../../../src/collect/load/local.js';
import { freePort } from '../../../src/collect/prometheus/server.js';

describe('local load controller', () => {
  let server: Server;
  let url: string;
  let inFlight = 0;
  let maxInFlight = 0;
  let served = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => {
        inFlight--;
        served++;
        res.writeHead(req.url === '/fail' ? 500 : 200).end('ok');
      }, 20);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('keeps N users in a closed loop: never more than N in flight, about N/(R+Z) requests a second', async () => {
    const controller = new LocalLoadController({ urls: [`${url}/a`, `${url}/b`], thinkTime: 0.05 });
    await controller.prepare();
    await controller.apply({ users: 5 }, 1000);
    expect(controller.activeUsers).toBe(5);
    await new Promise((r) => setTimeout(r, 300));
    controller.takeStats();
    maxInFlight = 0;
    await new Promise((r) => setTimeout(r, 2000));
    const stats = controller.takeStats();
    expect(maxInFlight).toBeLessThanOrEqual(5);
    const rate = stats.requests / 2;
    const expected = 5 / (stats.meanResponseTime + 0.05);
    expect(Math.abs(rate - expected) / expected).toBeLessThan(0.15);
    expect(stats.errors).toBe(0);
    await controller.apply({ users: 2 }, 1000);
    expect(controller.activeUsers).toBe(2);
    await controller.restore();
    const after = served;
    await new Promise((r) => setTimeout(r, 150));
    expect(served).toBe(after);
  });

  it('counts failed requests, refuses replicas and an unreachable target', async () => {
    const failing = new LocalLoadController({ urls: [`${url}/fail`], thinkTime: 0.01 });
    await failing.apply({ users: 2 }, 1000);
    await new Promise((r) => setTimeout(r, 300));
    await failing.restore();
    const stats = failing.takeStats();
    expect(stats.errors).toBe(stats.requests);
    expect(stats.lastError).toMatch(/HTTP 500/);
    expect(Number.isNaN(stats.meanResponseTime)).toBe(true);
    await expect(failing.apply({ users: 1, replicas: { a: 2 } }, 1000)).rejects.toThrow(/cannot change replicas/);
    const port = await freePort();
    await expect(
      new LocalLoadController({ urls: [`http://127.0.0.1:${port}/`], thinkTime: 1 }).prepare(),
    ).rejects.toMatchObject({
      code: 'FLEETCAST_BACKEND_UNREACHABLE',
      message: expect.stringContaining('ECONNREFUSED'),
    });
    expect(() => new LocalLoadController({ urls: [], thinkTime: 1 })).toThrow(/urls is empty/);
    expect(() => new LocalLoadController({ urls: ['ftp://x'], thinkTime: 1 })).toThrow(/not an http/);
  });
});
