import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrometheusClient, parseSampleValue } from '../../../src/collect/prometheus/client.js';
import { renderTemplate } from '../../../src/collect/prometheus/promql.js';
import { freePort, type PrometheusServer, startPrometheusServer } from '../../../src/collect/prometheus/server.js';
import { prometheusBinary } from '../prometheus-binary.js';

async function serve(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('Prometheus client failures that need no server', () => {
  it('tells a network failure (after its retries) from an answer that is not the Prometheus API', async () => {
    const closed = new PrometheusClient({ url: `http://127.0.0.1:${await freePort()}`, retries: 2, backoffMs: 5 });
    await expect(closed.query('up')).rejects.toMatchObject({
      code: 'FLEETCAST_BACKEND_UNREACHABLE',
      message: expect.stringMatching(/does not answer: .*ECONNREFUSED.*\(3 attempts\)/),
    });
    const html = await serve((_req, res) =>
      res.writeHead(404, { 'content-type': 'text/html' }).end('<html>nope</html>'),
    );
    await expect(new PrometheusClient({ url: html.url }).query('up')).rejects.toMatchObject({
      code: 'FLEETCAST_BACKEND_ERROR',
      message: expect.stringContaining('did not answer with the Prometheus API (HTTP 404, text/html)'),
    });
    html.server.close();
  });

  it('times out a server that never answers, and refuses a URL that is not http(s)', async () => {
    const silent = await serve(() => {});
    const client = new PrometheusClient({ url: silent.url, timeoutMs: 150, retries: 1, backoffMs: 5 });
    await expect(client.query('up')).rejects.toThrow(/no answer within 150 ms \(2 attempts\)/);
    silent.server.closeAllConnections();
    silent.server.close();
    expect(() => new PrometheusClient({ url: 'ftp://x' })).toThrow(/not http\(s\)/);
    expect(() => new PrometheusClient({ url: 'not a url' })).toThrow(/is not a URL/);
    expect(parseSampleValue('+Inf')).toBe(Number.POSITIVE_INFINITY);
    expect(() => parseSampleValue('x')).toThrow(/not a number/);
  });
});

const binary = prometheusBinary();

describe.runIf(binary)('Prometheus client against a real Prometheus', () => {
  let prometheus: PrometheusServer;
  let target: { url: string; server: Server };
  let proxy: { url: string; server: Server };
  const proxied: string[] = [];
  let failNext = 0;

  beforeAll(async () => {
    let hits = 0;
    target = await serve((_req, res) => {
      hits++;
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(
        `# TYPE demo_requests_total counter\ndemo_requests_total{service="a"} ${hits * 10}\ndemo_requests_total{service="b"} ${hits}\n`,
      );
    });
    prometheus = await startPrometheusServer({
      targets: [`${target.url}/metrics`],
      scrapeIntervalSeconds: 0.5,
      binary: binary!,
    });
    // An auth proxy in front of Prometheus, as such deployments have; it can also fail on purpose.
    proxy = await serve(async (req, res) => {
      proxied.push(req.headers.authorization ?? '');
      const auth = req.headers.authorization;
      if (auth !== 'Bearer s3cret' && auth !== `Basic ${Buffer.from('ops:pa ss').toString('base64')}`) {
        res.writeHead(401).end('unauthorized');
        return;
      }
      if (failNext > 0) {
        failNext--;
        res
          .writeHead(503, { 'content-type': 'application/json' })
          .end('{"status":"error","errorType":"unavailable","error":"restarting"}');
        return;
      }
      const upstream = await fetch(`${prometheus.url}${req.url}`, {
        method: req.method ?? 'GET',
        headers: { 'content-type': req.headers['content-type'] ?? 'text/plain' },
        ...(req.method === 'POST' ? { body: await body(req) } : {}),
      });
      res
        .writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? '' })
        .end(await upstream.text());
    });
    await new Promise((r) => setTimeout(r, 1500));
  });

  afterAll(async () => {
    await prometheus?.stop();
    target?.server.close();
    proxy?.server.close();
  });

  it('runs instant and range queries and lists label values', async () => {
    const client = new PrometheusClient({ url: prometheus.url });
    await client.ping();
    const vector = await client.query('sum by (service) (demo_requests_total)');
    expect(vector.type).toBe('vector');
    if (vector.type === 'vector') expect(vector.samples.map((s) => s.metric.service).sort()).toEqual(['a', 'b']);
    const scalar = await client.query('scalar(vector(2.5))');
    expect(scalar).toMatchObject({ type: 'scalar', value: 2.5 });
    const matrix = await client.query('demo_requests_total[5s]');
    expect(matrix.type).toBe('matrix');
    const now = Date.now() / 1000;
    const range = await client.queryRange('rate(demo_requests_total{service="a"}[2s])', now - 2, now, 0.5);
    expect(range[0]!.points.length).toBeGreaterThanOrEqual(3);
    expect(await client.labelValues('service', ['demo_requests_total'])).toEqual(['a', 'b']);
    const nan = await client.query('vector(0) / vector(0)');
    if (nan.type === 'vector') expect(Number.isNaN(nan.samples[0]!.value)).toBe(true);
  });

  it('reports bad PromQL at once, as the query’s fault, without retrying', async () => {
    const client = new PrometheusClient({
      url: proxy.url,
      auth: { kind: 'bearer', token: 's3cret' },
      retries: 3,
      backoffMs: 5,
    });
    const before = proxied.length;
    await expect(client.query('sum(rate(demo_requests_total[5s])')).rejects.toMatchObject({
      code: 'FLEETCAST_INVALID_ARGUMENT',
      message: expect.stringMatching(/Prometheus rejected the query \(bad_data\): .*parse error/),
    });
    expect(proxied.length - before).toBe(1);
  });

  it('retries 5xx answers with backoff, then succeeds', async () => {
    const client = new PrometheusClient({
      url: proxy.url,
      auth: { kind: 'bearer', token: 's3cret' },
      retries: 3,
      backoffMs: 5,
    });
    failNext = 2;
    const before = proxied.length;
    await expect(client.query('vector(1)')).resolves.toMatchObject({ type: 'vector' });
    expect(proxied.length - before).toBe(3);
    failNext = 5;
    await expect(client.query('vector(1)')).rejects.toThrow(/HTTP 503: restarting \(4 attempts\)/);
    failNext = 0;
  });

  it('sends bearer and basic credentials (from the URL too) and reports a refusal as an auth error', async () => {
    await expect(new PrometheusClient({ url: proxy.url }).query('vector(1)')).rejects.toMatchObject({
      code: 'FLEETCAST_BACKEND_AUTH',
    });
    const withUrlCredentials = new PrometheusClient({ url: proxy.url.replace('http://', 'http://ops:pa%20ss@') });
    expect(withUrlCredentials.url).not.toContain('pa%20ss');
    await expect(withUrlCredentials.query('vector(1)')).resolves.toMatchObject({ type: 'vector' });
    const basic = new PrometheusClient({ url: proxy.url, auth: { kind: 'basic', username: 'ops', password: 'pa ss' } });
    await expect(basic.query('vector(1)')).resolves.toMatchObject({ type: 'vector' });
  });

  it('keeps a hostile service name inside its string (no PromQL injection)', async () => {
    const client = new PrometheusClient({ url: prometheus.url });
    const template = 'sum(demo_requests_total{service="{{service}}"})';
    const values = { namespace: 'x', window: 5 };
    const honest = await client.query(renderTemplate(template, { ...values, service: 'a' }));
    expect(honest.type === 'vector' && honest.samples.length).toBe(1);
    const hostile = await client.query(
      renderTemplate(template, { ...values, service: '"} or vector(1) or demo_requests_total{service="' }),
    );
    expect(hostile).toEqual({ type: 'vector', samples: [] });
  });
});
