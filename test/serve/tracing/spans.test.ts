/**
 * Tracing on: the served app exports its spans over real OTLP/HTTP to a receiver in the test, and
 * the spans are checked as a collector would see them — names, attributes, parents, links, the
 * caller's trace continued, and no input text anywhere in what was sent.
 */
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../../../src/core/version.js';
import type { ServeApp } from '../../../src/serve/index.js';
import { ALL_MODELS, buildApp, call, createFixture, type Fixture, listen } from '../fixtures.js';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from './otlp-receiver.js';

const SERVER = 2;
const INTERNAL = 1;
const ERROR = 2;
/** Text that must never leave the service in a span. */
const SECRET_TEXT = 'zebra-marmalade-7731 is my private diary';

let receiver: OtlpReceiver;
let fixture: Fixture;
let serve: ServeApp;
let base: string;
const logLines: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  fixture = await createFixture({
    serve: {
      tracing: { otlp_endpoint: receiver.url },
      // perf batches up to 4 inputs, waiting up to 2 s for them: concurrent requests share a batch.
      batching: { models: { perf: { max_batch_size: 4, max_wait_ms: 2000 } } },
    },
  });
  const logger = pino({ level: 'info' }, { write: (line: string) => logLines.push(JSON.parse(line)) });
  serve = await buildApp(fixture, {
    models: [...ALL_MODELS, 'sentiment@prod'],
    logger,
    // A route that fails the way a bug does (a 500), with input text in its message.
    extraRoutes: async (app) => {
      app.get('/test/boom', async () => {
        throw new TypeError(`cannot read ${SECRET_TEXT}`);
      });
    },
  });
  base = await listen(serve);
});

afterAll(async () => {
  await serve?.close();
  await fixture?.close();
  await receiver?.close();
});

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

async function flushed(): Promise<ReceivedSpan[]> {
  await serve.tracing!.forceFlush();
  return receiver.spans();
}

const only = (spans: ReceivedSpan[], predicate: (span: ReceivedSpan) => boolean): ReceivedSpan => {
  const found = spans.filter(predicate);
  expect(found, 'exactly one matching span').toHaveLength(1);
  return found[0]!;
};

const childrenOf = (spans: ReceivedSpan[], parent: ReceivedSpan) =>
  spans.filter((span) => span.traceId === parent.traceId && span.parentSpanId === parent.spanId);

describe('spans of a prediction', () => {
  it('continues the caller’s traceparent: server span → predict → cache lookup and inference', async () => {
    const traceId = hex(16);
    const callerSpan = hex(8);
    const reply = await call(base, '/api/v1/models/cost/predict', {
      body: { input: { cpu: 1.5, memory: 3, spot: 0 } },
      headers: { traceparent: `00-${traceId}-${callerSpan}-01` },
    });
    expect(reply.status).toBe(200);
    const requestId = reply.headers.get('x-request-id');
    const spans = (await flushed()).filter((span) => span.traceId === traceId);

    const server = only(spans, (span) => span.kind === SERVER);
    expect(server.name).toBe('POST /api/v1/models/:name/predict');
    expect(server.parentSpanId).toBe(callerSpan);
    expect(server.status).toBe(0);
    expect(server.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/api/v1/models/:name/predict',
      'url.path': '/api/v1/models/cost/predict',
      'http.response.status_code': 200,
      'fleetcast.request_id': requestId,
      'fleetcast.model.name': 'cost',
    });
    expect(server.resource).toMatchObject({ 'service.name': 'fleetcast-serve', 'service.version': VERSION });

    const predict = only(childrenOf(spans, server), (span) => span.name === 'predict cost');
    expect(predict.kind).toBe(INTERNAL);
    expect(predict.attributes).toMatchObject({
      'fleetcast.model.name': 'cost',
      'fleetcast.model.version': 1,
      'fleetcast.model.flavor': 'onnx',
      'fleetcast.inputs': 1,
    });
    const below = childrenOf(spans, predict);
    expect(below.map((span) => span.name).sort()).toEqual(['cache lookup', 'inference cost']);
    expect(only(below, (span) => span.name === 'cache lookup').attributes).toMatchObject({
      'fleetcast.cache.hit': false,
      'fleetcast.cache.hits': 0,
      'fleetcast.cache.misses': 1,
    });
    expect(only(below, (span) => span.name === 'inference cost').attributes).toMatchObject({
      'fleetcast.model.name': 'cost',
      'fleetcast.model.version': 1,
      'fleetcast.model.flavor': 'onnx',
      'fleetcast.batch.size': 1,
      'fleetcast.batch.requests': 1,
    });

    // The request's log line names the trace, so logs and traces join.
    const line = logLines.find((entry) => entry.msg === 'request' && entry.request_id === requestId);
    expect(line).toMatchObject({ trace_id: traceId, span_id: server.spanId, status: 200 });
  });

  it('answers the same input from the cache: a hit, and no model run', async () => {
    const traceId = hex(16);
    const body = { input: { cpu: 2.5, memory: 8, spot: 1 } };
    expect((await call(base, '/api/v1/models/cost/predict', { body })).body.cached).toBe(false);
    const again = await call(base, '/api/v1/models/cost/predict', {
      body,
      headers: { traceparent: `00-${traceId}-${hex(8)}-01` },
    });
    expect(again.body.cached).toBe(true);
    const spans = (await flushed()).filter((span) => span.traceId === traceId);
    const predict = only(spans, (span) => span.name === 'predict cost');
    expect(childrenOf(spans, predict).map((span) => span.name)).toEqual(['cache lookup']);
    expect(childrenOf(spans, predict)[0]!.attributes).toMatchObject({ 'fleetcast.cache.hit': true });
  });

  it('puts the v2 protocol’s inference in the request’s trace too', async () => {
    const traceId = hex(16);
    const reply = await call(base, '/v2/models/cost/infer', {
      body: { inputs: [{ name: 'X', shape: [2, 3], datatype: 'FP32', data: [1, 10, 0, 2, 20, 1] }] },
      headers: { traceparent: `00-${traceId}-${hex(8)}-01` },
    });
    expect(reply.status).toBe(200);
    const spans = (await flushed()).filter((span) => span.traceId === traceId);
    const server = only(spans, (span) => span.kind === SERVER);
    expect(server.name).toBe('POST /v2/models/:model/infer');
    const predict = only(childrenOf(spans, server), (span) => span.name === 'predict cost');
    expect(predict.attributes['fleetcast.inputs']).toBe(2);
    expect(childrenOf(spans, predict).map((span) => span.name)).toContain('inference cost');
  });

  it('hangs a shared batch under the oldest request and links it with every other one', async () => {
    const traceIds = [hex(16), hex(16), hex(16), hex(16)];
    // Sent together; perf waits for 4 inputs (or 2 s), so the four run as one batch.
    const replies = await Promise.all(
      traceIds.map((traceId, i) =>
        call(base, '/api/v1/models/perf/predict', {
          body: { input: { service: 'api', users: 11 + i } },
          headers: { traceparent: `00-${traceId}-${hex(8)}-01` },
        }),
      ),
    );
    expect(replies.map((reply) => reply.status)).toEqual([200, 200, 200, 200]);
    const spans = (await flushed()).filter((span) => traceIds.includes(span.traceId));
    const predicts = spans.filter((span) => span.name === 'predict perf');
    expect(predicts).toHaveLength(4);
    const batch = only(spans, (span) => span.name === 'inference perf');
    expect(batch.attributes).toMatchObject({ 'fleetcast.batch.size': 4, 'fleetcast.batch.requests': 4 });

    const parent = only(predicts, (span) => span.spanId === batch.parentSpanId);
    expect(batch.traceId).toBe(parent.traceId);
    const others = predicts.filter((span) => span !== parent);
    // batch → the three other requests …
    expect(batch.links.map((link) => `${link.traceId}/${link.spanId}`).sort()).toEqual(
      others.map((span) => `${span.traceId}/${span.spanId}`).sort(),
    );
    // … and each of them → the batch; the parent needs no link to its own child.
    for (const span of others) expect(span.links).toEqual([{ traceId: batch.traceId, spanId: batch.spanId }]);
    expect(parent.links).toEqual([]);
  });

  it('keeps a 4xx’s status code without marking the span an error, and names unmatched routes by method', async () => {
    const traceId = hex(16);
    const missing = await call(base, '/api/v1/models/nope', { headers: { traceparent: `00-${traceId}-${hex(8)}-01` } });
    expect(missing.status).toBe(404);
    const badTrace = hex(16);
    const bad = await call(base, '/api/v1/models/cost/predict', {
      body: { input: { cpu: 'lots' } },
      headers: { traceparent: `00-${badTrace}-${hex(8)}-01` },
    });
    expect(bad.status).toBe(400);
    const nowhereTrace = hex(16);
    await call(base, '/no/such/route', { headers: { traceparent: `00-${nowhereTrace}-${hex(8)}-01` } });

    const spans = await flushed();
    const notFound = only(spans, (span) => span.traceId === traceId);
    expect(notFound.name).toBe('GET /api/v1/models/:name');
    expect(notFound.attributes['http.response.status_code']).toBe(404);
    expect(notFound.status).toBe(0);
    expect(notFound.attributes['error.type']).toBeUndefined();

    // Input checks fail before any model work: the server span only.
    const refused = only(spans, (span) => span.traceId === badTrace);
    expect(refused.attributes['http.response.status_code']).toBe(400);
    expect(refused.status).toBe(0);

    const unmatched = only(spans, (span) => span.traceId === nowhereTrace);
    expect(unmatched.name).toBe('GET');
    expect(unmatched.attributes['http.route']).toBeUndefined();
    expect(unmatched.attributes['http.response.status_code']).toBe(404);
  });

  it('starts a trace of its own without a traceparent, and ignores a malformed one', async () => {
    const bogus = await call(base, '/healthz', { headers: { traceparent: 'garbage' } });
    expect(bogus.status).toBe(200);
    const requestId = bogus.headers.get('x-request-id');
    const spans = await flushed();
    const health = only(spans, (span) => span.attributes['fleetcast.request_id'] === requestId);
    expect(health.name).toBe('GET /healthz');
    expect(health.parentSpanId).toBeUndefined();
    expect(health.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('marks a 5xx as an error, typed by what was thrown and never by its message', async () => {
    const traceId = hex(16);
    const reply = await call(base, '/test/boom', { headers: { traceparent: `00-${traceId}-${hex(8)}-01` } });
    expect(reply.status).toBe(500);
    const span = only(await flushed(), (s) => s.traceId === traceId);
    expect(span.name).toBe('GET /test/boom');
    expect(span.status).toBe(ERROR);
    expect(span.attributes).toMatchObject({ 'http.response.status_code': 500, 'error.type': 'TypeError' });
    expect(JSON.stringify(span)).not.toContain('zebra');
  });
});

describe('privacy', () => {
  it('never exports input text, in a single prediction, a batch or a log-less failure', async () => {
    const one = await call(base, '/api/v1/models/sentiment/predict', { body: { text: SECRET_TEXT } });
    expect(one.status).toBe(200);
    const batch = await call(base, '/api/v1/models/sentiment/batch', {
      body: { inputs: [SECRET_TEXT, { text: `${SECRET_TEXT} twice` }] },
    });
    expect(batch.status).toBe(200);
    const refused = await call(base, '/api/v1/models/sentiment/predict', {
      body: { text: SECRET_TEXT, input: { text: SECRET_TEXT } },
    });
    expect(refused.status).toBe(400);
    const spans = await flushed();
    expect(spans.some((span) => span.name === 'inference sentiment')).toBe(true);
    const everything = receiver.bodies.join('\n');
    expect(everything).not.toContain('zebra-marmalade');
    expect(everything).not.toContain('private diary');
    expect(receiver.requests.every((line) => line === 'POST /v1/traces application/json')).toBe(true);
  });
});
