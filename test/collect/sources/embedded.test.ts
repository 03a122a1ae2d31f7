import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoApp, startDemoApp } from '../../../src/collect/demo/app.js';
import { LocalLoadController } from '../../../src/collect/load/local.js';
import { PrometheusClient } from '../../../src/collect/prometheus/client.js';
import { freePort, type PrometheusServer, startPrometheusServer } from '../../../src/collect/prometheus/server.js';
import { ISTIO_QUERY_SET } from '../../../src/collect/queries/istio.js';
import { parseExposition } from '../../../src/collect/sources/embedded/exposition.js';
import { histogramQuantile, rateWithin, sumRates } from '../../../src/collect/sources/embedded/rates.js';
import { Scraper } from '../../../src/collect/sources/embedded/scraper.js';
import { EmbeddedSource } from '../../../src/collect/sources/embedded/source.js';
import { PrometheusSource } from '../../../src/collect/sources/prometheus.js';
import { prometheusBinary } from '../prometheus-binary.js';

describe('the embedded scraper’s arithmetic', () => {
  it('parses the text exposition format, escapes and special values included', () => {
    const samples = parseExposition(
      [
        '# HELP x help',
        '# TYPE x counter',
        'x_total{a="1",b="q\\"uo\\\\te\\nnl"} 3 1700000000000',
        'y +Inf',
        'z{le="+Inf",} NaN',
        '',
      ].join('\n'),
      't',
    );
    expect(samples[0]).toEqual({ name: 'x_total', labels: { a: '1', b: 'q"uo\\te\nnl' }, value: 3 });
    expect(samples[1]!.value).toBe(Number.POSITIVE_INFINITY);
    expect(samples[2]!.labels).toEqual({ le: '+Inf' });
    expect(Number.isNaN(samples[2]!.value)).toBe(true);
    expect(() => parseExposition('x{a=1} 2', 'http://t/metrics')).toThrow(/http:\/\/t\/metrics: line 1/);
    expect(() => parseExposition('x abc', 't')).toThrow(/not a sample value/);
  });

  it('computes rates over a window with counter resets, and nothing from one point', () => {
    const series = {
      name: 'c',
      labels: {},
      points: [
        [0, 5],
        [1000, 7],
        [2000, 1],
        [3000, 4],
      ] as Array<[number, number]>,
    };
    expect(rateWithin(series, -1, 3000)).toBeCloseTo((2 + 1 + 3) / 3);
    expect(rateWithin(series, 2500, 3000)).toBeUndefined();
    expect(sumRates([series, { ...series, points: [[3000, 1]] }], -1, 3000)).toBeCloseTo(2);
    expect(sumRates([], 0, 1)).toBeUndefined();
  });

  it('interpolates histogram quantiles as Prometheus does', () => {
    const inf = Number.POSITIVE_INFINITY;
    expect(
      histogramQuantile(0.5, [
        [1, 10],
        [2, 20],
        [inf, 20],
      ]),
    ).toBe(1);
    expect(
      histogramQuantile(0.75, [
        [2, 20],
        [1, 10],
        [inf, 20],
      ]),
    ).toBe(1.5);
    expect(
      histogramQuantile(0.9, [
        [1, 10],
        [2, 20],
        [inf, 30],
      ]),
    ).toBe(2);
    expect(
      Number.isNaN(
        histogramQuantile(0.5, [
          [1, 0],
          [inf, 0],
        ]),
      ),
    ).toBe(true);
    expect(Number.isNaN(histogramQuantile(0.5, [[1, 3]]))).toBe(true);
    expect(
      histogramQuantile(2, [
        [1, 1],
        [inf, 1],
      ]),
    ).toBe(inf);
  });
});

const binary = prometheusBinary();

describe.runIf(binary)('embedded scraper and Prometheus on the demo app', () => {
  let app: DemoApp;
  let prometheus: PrometheusServer;
  let scraper: Scraper;
  const load = () => new LocalLoadController({ urls: app.urls, thinkTime: 0.1 });
  let controller: LocalLoadController;

  beforeAll(async () => {
    app = await startDemoApp({ capacity: 60 });
    prometheus = await startPrometheusServer({
      targets: app.metricsTargets,
      scrapeIntervalSeconds: 0.5,
      binary: binary!,
    });
    scraper = new Scraper({ targets: app.metricsTargets, intervalMs: 500 });
    await scraper.start();
    controller = load();
    await controller.apply({ users: 3 }, 1000);
    await new Promise((r) => setTimeout(r, 7000));
  });

  afterAll(async () => {
    await controller?.restore();
    await scraper?.stop();
    await prometheus?.stop();
    await app?.stop();
  });

  it('measure the same quantities (within a few percent), with the same filters', async () => {
    const client = new PrometheusClient({ url: prometheus.url });
    const viaPrometheus = new PrometheusSource(client, ISTIO_QUERY_SET);
    const embedded = new EmbeddedSource(scraper);
    const at = Date.now() / 1000 - 0.5;
    for (const service of app.services) {
      const request = { service, namespace: app.namespace, at, window: 5 };
      const [a, b] = await Promise.all([viaPrometheus.measure(request), embedded.measure(request)]);
      expect(b.throughput!, service).toBeGreaterThan(5);
      expect(Math.abs(a.throughput! - b.throughput!) / b.throughput!, `${service} throughput`).toBeLessThan(0.08);
      expect(Math.abs(a.response_time! - b.response_time!) / b.response_time!, `${service} response time`).toBeLessThan(
        0.1,
      );
      expect(b.response_time_p95!).toBeGreaterThanOrEqual(b.response_time! * 0.5);
      expect(Math.abs(a.cpu! - b.cpu!), `${service} cpu`).toBeLessThan(Math.max(0.01, b.cpu! * 0.3));
      expect([a.replicas, b.replicas, a.cpu_request, b.cpu_request]).toEqual([1, 1, 0.1, 0.1]);
    }
    expect((await viaPrometheus.discover(app.namespace)).sort()).toEqual(app.services);
    expect(await embedded.discover(app.namespace)).toEqual(app.services);
    // The kpp faults, reproduced on purpose: without the filters, calls count twice and CPU doubles.
    const both = await client.query('sum(rate(istio_requests_total{destination_workload="db"}[5s]))', at);
    const destination = await client.query(
      'sum(rate(istio_requests_total{destination_workload="db", reporter="destination"}[5s]))',
      at,
    );
    const ratio =
      (both.type === 'vector' ? both.samples[0]!.value : 0) /
      (destination.type === 'vector' ? destination.samples[0]!.value : 1);
    expect(ratio).toBeGreaterThan(1.8);
    expect(ratio).toBeLessThan(2.2);
  });

  it('report a missing service as missing data, never as a zero', async () => {
    const embedded = new EmbeddedSource(scraper);
    const viaPrometheus = new PrometheusSource(new PrometheusClient({ url: prometheus.url }), ISTIO_QUERY_SET);
    const request = { service: 'ghost', namespace: app.namespace, at: Date.now() / 1000, window: 5 };
    await expect(embedded.measure(request)).rejects.toThrow(/no data for response_time of service "ghost"/);
    await expect(viaPrometheus.measure(request)).rejects.toMatchObject({ code: 'FLEETCAST_NOT_FOUND' });
    const port = await freePort();
    const down = new Scraper({ targets: [`http://127.0.0.1:${port}/metrics`], intervalMs: 1000 });
    await down.scrapeAll();
    await expect(new EmbeddedSource(down).measure(request)).rejects.toMatchObject({
      hint: expect.stringMatching(
        new RegExp(`scrape target\\(s\\) down: http://127.0.0.1:${port}/metrics \\(.*ECONNREFUSED`),
      ),
    });
  });
});
