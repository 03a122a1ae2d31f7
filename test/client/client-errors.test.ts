/**
 * Error mapping and timeouts of the client, against a small real HTTP server on a real socket that
 * answers canned bodies. The success paths are tested against the real service in serve.e2e.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetcastClient, type FleetcastHttpError, isFleetcastHttpError } from '../../src/client/index.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

function envelope(res: ServerResponse, status: number, code: string, message: string, details?: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'header-id' });
  res.end(JSON.stringify({ error: { code, message, ...(details ? { details } : {}) }, request_id: 'req-1' }));
}

const routes: Record<string, Handler> = {
  'POST /api/v1/models/missing/predict': (_req, res) =>
    envelope(res, 404, 'FLEETCAST_NOT_FOUND', 'no model missing', { model: 'missing' }),
  'POST /api/v1/predict': (req, res) =>
    envelope(res, 401, 'FLEETCAST_UNAUTHORIZED', 'no valid API key', {
      authorization: req.headers.authorization ?? null,
      request_id: req.headers['x-request-id'] ?? null,
      content_type: req.headers['content-type'] ?? null,
    }),
  'GET /api/v1/models/a%2Fb': (req, res) => envelope(res, 404, 'FLEETCAST_NOT_FOUND', 'no model', { url: req.url }),
  'GET /api/v1/models': (_req, res) => {
    res.writeHead(502, { 'content-type': 'text/html', 'x-request-id': 'proxy-id' });
    res.end('<html><body>Bad   Gateway</body></html>');
  },
  'GET /readyz': (_req, res) => {
    res.writeHead(503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'not_ready', models: {}, stores: { metadata: 'down' } }));
  },
  'GET /healthz': (_req, res) => envelope(res, 503, 'FLEETCAST_NOT_READY', 'shutting down'),
  'GET /api/v1/jobs/garbled': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"job_id": ');
  },
  'GET /api/v1/jobs/forever': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ job_id: 'forever', status: 'running', done: 1, total: 10 }));
  },
  'GET /api/v1/jobs/results-query/results': (req, res) =>
    envelope(res, 400, 'FLEETCAST_INVALID_ARGUMENT', 'query.page_size: too big', { url: req.url }),
  // Never answers: the client's timer must fire.
  'GET /api/v1/models/silent': () => undefined,
  // Sends headers and half a body, then stalls.
  'GET /api/v1/models/stalling': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"name": "stalling", ');
  },
};

let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const handler = routes[`${req.method} ${(req.url ?? '').split('?')[0]}`];
      if (handler) handler(req, res);
      else envelope(res, 404, 'FLEETCAST_NOT_FOUND', `no route ${req.url}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function caught(promise: Promise<unknown>): Promise<FleetcastHttpError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isFleetcastHttpError(error)) throw new Error(`expected a FleetcastHttpError, got ${String(error)}`);
  return error;
}

describe('FleetcastClient errors (canned HTTP responses)', () => {
  it('turns the error envelope into a FleetcastHttpError with status, code, request id and details', async () => {
    const client = new FleetcastClient({ baseUrl });
    const error = await caught(client.predict('missing', { input: { x: 1 } }));
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('FleetcastHttpError');
    expect(error).toMatchObject({
      status: 404,
      code: 'FLEETCAST_NOT_FOUND',
      message: 'no model missing',
      requestId: 'req-1',
      details: { model: 'missing' },
    });
  });

  it('sends the API key as a bearer token, the request id and a JSON content type', async () => {
    const client = new FleetcastClient({ baseUrl, apiKey: 'fc_secret' });
    const error = await caught(client.predictDefault({ text: 'hello' }, { requestId: 'mine-42' }));
    expect(error.status).toBe(401);
    expect(error.details).toEqual({
      authorization: 'Bearer fc_secret',
      request_id: 'mine-42',
      content_type: 'application/json',
    });
  });

  it('encodes names into one path segment and passes query parameters', async () => {
    const client = new FleetcastClient({ baseUrl });
    expect((await caught(client.getModel('a/b'))).details).toEqual({ url: '/api/v1/models/a%2Fb' });
    const error = await caught(client.jobResults('results-query', { page: 2, page_size: 5000 }));
    expect(error).toMatchObject({ status: 400, code: 'FLEETCAST_INVALID_ARGUMENT' });
    expect(error.details).toEqual({ url: '/api/v1/jobs/results-query/results?page=2&page_size=5000' });
  });

  it('maps a non-envelope error page to FLEETCAST_HTTP_ERROR with the status and a snippet', async () => {
    const error = await caught(new FleetcastClient({ baseUrl }).listModels());
    expect(error).toMatchObject({ status: 502, code: 'FLEETCAST_HTTP_ERROR', requestId: 'proxy-id' });
    expect(error.message).toBe('HTTP 502 Bad Gateway: <html><body>Bad Gateway</body></html>');
  });

  it('returns the readiness body on 503 but throws for a 503 elsewhere', async () => {
    const client = new FleetcastClient({ baseUrl });
    expect(await client.readyz()).toEqual({ status: 'not_ready', models: {}, stores: { metadata: 'down' } });
    expect(await caught(client.healthz())).toMatchObject({ status: 503, code: 'FLEETCAST_NOT_READY' });
  });

  it('reports a 2xx body that is not JSON as FLEETCAST_BAD_RESPONSE', async () => {
    const error = await caught(new FleetcastClient({ baseUrl }).getJob('garbled'));
    expect(error).toMatchObject({ status: 200, code: 'FLEETCAST_BAD_RESPONSE' });
  });

  it('times out a server that never answers with FLEETCAST_NETWORK and status 0', async () => {
    const client = new FleetcastClient({ baseUrl, timeoutMs: 150 });
    const started = performance.now();
    const error = await caught(client.getModel('silent'));
    const elapsed = performance.now() - started;
    expect(error).toMatchObject({ status: 0, code: 'FLEETCAST_NETWORK', details: { reason: 'timeout' } });
    expect(error.message).toMatch(
      /^no answer from GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/models\/silent within 150 ms$/,
    );
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(1000);
  });

  it('times out a body that stalls halfway, with a per-call timeout', async () => {
    const client = new FleetcastClient({ baseUrl });
    const error = await caught(client.getModel('stalling', { timeoutMs: 100 }));
    expect(error).toMatchObject({
      status: 0,
      code: 'FLEETCAST_NETWORK',
      details: { reason: 'timeout', response_status: 200 },
    });
  });

  it('reports an abort by the caller', async () => {
    const controller = new AbortController();
    const pending = new FleetcastClient({ baseUrl }).getModel('silent', { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    expect(await caught(pending)).toMatchObject({
      status: 0,
      code: 'FLEETCAST_NETWORK',
      details: { reason: 'aborted' },
    });
  });

  it('reports a refused connection as FLEETCAST_NETWORK', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await caught(new FleetcastClient({ baseUrl: `http://127.0.0.1:${port}` }).healthz());
    expect(error).toMatchObject({ status: 0, code: 'FLEETCAST_NETWORK', details: { reason: 'network' } });
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('gives up waiting for a job that does not finish with FLEETCAST_WAIT_TIMEOUT', async () => {
    const client = new FleetcastClient({ baseUrl });
    const error = await caught(client.waitForJob('forever', { intervalMs: 20, timeoutMs: 100 }));
    expect(error).toMatchObject({
      status: 0,
      code: 'FLEETCAST_WAIT_TIMEOUT',
      details: { job_id: 'forever', status: 'running', done: 1, total: 10 },
    });
  });
});
