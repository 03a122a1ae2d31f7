import { describe, expect, it } from 'vitest';
import { startDemoApp } from '../../../src/collect/demo/app.js';
import { podName } from '../../../src/collect/demo/mesh-metrics.js';
import { FixedRateSlots } from '../../../src/collect/demo/service.js';
import { capacityOf, defaultTopology, startOrder, visitsPerEntryRequest } from '../../../src/collect/demo/topology.js';
import { parseExposition } from '../../../src/collect/sources/embedded/exposition.js';

describe('demo app', () => {
  it('derives its capacity from the fixed-rate database and the calls made per request', () => {
    const topology = defaultTopology(40);
    expect(Object.fromEntries(visitsPerEntryRequest(topology))).toEqual({ frontend: 1, catalog: 1, cart: 1, db: 2 });
    expect(capacityOf(topology)).toBeCloseTo(40);
    expect(startOrder(topology).map((s) => s.name)).toEqual(['db', 'catalog', 'cart', 'frontend']);
    expect(() => defaultTopology(0)).toThrow(/capacity must be in/);
    const cyclic = {
      ...topology,
      services: topology.services.map((s) => (s.name === 'db' ? { ...s, calls: ['frontend'] } : s)),
    };
    expect(() => visitsPerEntryRequest(cyclic)).toThrow(/cycle/);
    expect(podName('cart')).toMatch(/^cart-[a-z0-9]{9}-[a-z0-9]{5}$/);
  });

  it('serves at a fixed rate however requests arrive', async () => {
    const slots = new FixedRateSlots(2, 20);
    const started = performance.now();
    await Promise.all(Array.from({ length: 10 }, () => slots.hold()));
    // 10 requests on 2 servers of 20 ms: the last leaves after 100 ms.
    // (Timers round to whole milliseconds, so allow a little early.)
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
  });

  it('runs each service in its own process and reports Istio, cAdvisor and kube-state-metrics series', async () => {
    const app = await startDemoApp({ capacity: 80 });
    try {
      expect(app).toMatchObject({
        entry: 'frontend',
        services: ['cart', 'catalog', 'db', 'frontend'],
        namespace: 'demo',
        capacity: 80,
      });
      const answer = await fetch(app.urls[0]!);
      expect(answer.status).toBe(200);
      expect(await answer.json()).toEqual({ service: 'frontend', ok: true });
      const pages = await Promise.all(
        app.metricsTargets.map(async (t) => parseExposition(await (await fetch(t)).text(), t)),
      );
      const all = pages.flat();
      const requests = (reporter: string, destination: string) =>
        all.filter(
          (s) =>
            s.name === 'istio_requests_total' &&
            s.labels.reporter === reporter &&
            s.labels.destination_workload === destination,
        );
      expect(requests('destination', 'frontend')[0]).toMatchObject({
        labels: { source_workload: 'unknown', response_code: '200' },
        value: 1,
      });
      expect(
        requests('source', 'db')
          .map((s) => s.labels.source_workload)
          .sort(),
      ).toEqual(['cart', 'catalog']);
      expect(requests('destination', 'db').reduce((sum, s) => sum + s.value, 0)).toBe(2);
      expect(all.some((s) => s.name === 'istio_request_duration_milliseconds_bucket' && s.labels.le === '0.5')).toBe(
        true,
      );
      const cpu = all.filter((s) => s.name === 'container_cpu_usage_seconds_total' && s.labels.pod === podName('db'));
      expect(cpu.map((s) => s.labels.container).sort()).toEqual(['', 'db']);
      expect(cpu[0]!.value).toBeGreaterThan(0);
    } finally {
      await app.stop();
    }
    await expect(fetch(app.urls[0]!)).rejects.toThrow();
  });
});
