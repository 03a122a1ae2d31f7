/** Feedback, health and readiness, the OpenAPI document and docs, request ids and security headers. */
import { describe, expect, it } from 'vitest';
import { serveDb } from '../../src/serve/tables.js';
import { call, servedFixture } from './fixtures.js';

const served = servedFixture();

describe('feedback', () => {
  it('stores a corrected label for a prediction, with its input and output', async () => {
    const predicted = await call(served.base, '/api/v1/models/cost/predict', {
      body: { input: { cpu: 2, memory: 4, spot: 0 } },
    });
    const reply = await call(served.base, '/api/v1/feedback', {
      body: { prediction_id: predicted.body.prediction_id, label: '0.2', comment: 'the bill said 0.2' },
    });
    expect(reply.status).toBe(201);
    expect(reply.body.feedback_id).toMatch(/^[0-9a-f-]{36}$/);
    const row = await serveDb(served.fixture.opened.metadata)
      .selectFrom('serve_feedback')
      .selectAll()
      .where('feedback_id', '=', reply.body.feedback_id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      prediction_id: predicted.body.prediction_id,
      model: 'cost',
      label: '0.2',
      comment: 'the bill said 0.2',
    });
    expect(JSON.parse(row.input)).toEqual({ cpu: 2, memory: 4, spot: 0 });
    expect(JSON.parse(row.output).hourly_cost).toBeCloseTo(predicted.body.hourly_cost, 6);
  });

  it('answers 404 for an unknown prediction id and 400 without a label', async () => {
    const unknown = await call(served.base, '/api/v1/feedback', { body: { prediction_id: 'nope', label: 'x' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('FLEETCAST_NOT_FOUND');
    expect((await call(served.base, '/api/v1/feedback', { body: { prediction_id: 'nope' } })).status).toBe(400);
  });
});

describe('health, readiness and docs', () => {
  it('is alive and ready with every model loaded and the stores reachable', async () => {
    expect((await call(served.base, '/healthz')).body).toEqual({ status: 'ok' });
    const ready = await call(served.base, '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({
      status: 'ready',
      models: {
        perf: { version: 1, reference: 'perf@prod', state: 'loaded' },
        cost: { version: 1, reference: 'cost@prod', state: 'loaded' },
        fc: { version: 1, reference: 'fc@prod', state: 'loaded' },
        fleet: { version: 1, reference: 'fleet@prod', state: 'loaded' },
      },
      stores: { metadata: 'ok', cache: 'in-process', queue: 'in-process' },
    });
  });

  it('publishes an OpenAPI 3 document of every v1 route, and the docs page without a CDN', async () => {
    const doc = await call(served.base, '/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    for (const path of [
      '/api/v1/models/{name}/predict',
      '/api/v1/predict',
      '/api/v1/models/{name}/batch',
      '/api/v1/jobs',
      '/api/v1/jobs/{id}',
      '/api/v1/jobs/{id}/results',
      '/api/v1/models',
      '/api/v1/models/{name}',
      '/api/v1/feedback',
      '/healthz',
      '/readyz',
      '/v2/models/{model}/infer',
    ]) {
      expect(doc.body.paths, path).toHaveProperty([path]);
    }
    const predict = doc.body.paths['/api/v1/models/{name}/predict'].post;
    expect(predict.requestBody.content['application/json'].schema.properties).toHaveProperty('input');
    const page = await call(served.base, '/docs/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('swagger');
    expect(page.text).not.toMatch(/https?:\/\/(cdn|unpkg)/);
  });

  it('echoes a sane X-Request-Id, replaces a wild one, and sends security headers', async () => {
    const kept = await call(served.base, '/healthz', { headers: { 'x-request-id': 'abc-123' } });
    expect(kept.headers.get('x-request-id')).toBe('abc-123');
    const wild = await call(served.base, '/api/v1/models/nope', { headers: { 'x-request-id': 'a b <script>' } });
    expect(wild.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(wild.body.request_id).toBe(wild.headers.get('x-request-id'));
    expect(kept.headers.get('x-content-type-options')).toBe('nosniff');
    expect(kept.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(kept.headers.get('access-control-allow-origin')).toBeNull();
    // The same headers on an error reply and on a path no route has.
    const missing = await call(served.base, '/no/such/path');
    for (const reply of [wild, missing]) {
      expect(reply.status).toBe(404);
      expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
      expect(reply.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(reply.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(reply.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(reply.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
    }
  });

  it('leaves / free for the dashboard', async () => {
    expect((await call(served.base, '/')).status).toBe(404);
  });
});
