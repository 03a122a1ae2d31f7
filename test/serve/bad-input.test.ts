/**
 * Bad input of every kind gets a 4xx with the error envelope, never a 500 and never a crash: the
 * server keeps answering throughout (10,000 fuzzed bodies through inject, a sample over the socket).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServeApp } from '../../src/serve/index.js';
import { buildApp, call, createFixture, type Fixture, listen } from './fixtures.js';

let fixture: Fixture;
let serve: ServeApp;
let base: string;

beforeAll(async () => {
  fixture = await createFixture({ serve: { body_limit_bytes: 64 * 1024, jobs: { body_limit_bytes: 256 * 1024 } } });
  serve = await buildApp(fixture);
  base = await listen(serve);
});

afterAll(async () => {
  await serve?.close();
  await fixture?.close();
});

function expectEnvelope(reply: { status: number; body: unknown; headers: Headers }, status?: number) {
  if (status !== undefined) expect(reply.status).toBe(status);
  expect(reply.status).toBeGreaterThanOrEqual(400);
  expect(reply.status).toBeLessThan(500);
  const body = reply.body as { error: { code: string; message: string }; request_id: string };
  expect(body.error.code).toMatch(/^FLEETCAST_/);
  expect(typeof body.error.message).toBe('string');
  expect(body.request_id).toBe(reply.headers.get('x-request-id'));
}

const PREDICT = '/api/v1/models/cost/predict';

describe('bad input over the socket', () => {
  it('refuses malformed JSON, an empty body, a non-JSON type and a huge body', async () => {
    expectEnvelope(await call(base, PREDICT, { raw: '{"input": {' }), 400);
    expectEnvelope(await call(base, PREDICT, { raw: '' }), 400);
    expectEnvelope(await call(base, PREDICT, { method: 'POST' }), 400);
    expectEnvelope(await call(base, PREDICT, { raw: 'hello', headers: { 'content-type': 'text/plain' } }), 415);
    const huge = JSON.stringify({ input: { cpu: 1, memory: 1, spot: 1, pad: 'x'.repeat(100_000) } });
    const tooLarge = await call(base, PREDICT, { raw: huge });
    expectEnvelope(tooLarge, 413);
    expect(tooLarge.body.error.code).toBe('FLEETCAST_PAYLOAD_TOO_LARGE');
  });

  it('refuses wrong types, missing and unknown fields, naming the field', async () => {
    const wrong = await call(base, PREDICT, { body: { input: { cpu: '4', memory: 1, spot: 0 } } });
    expectEnvelope(wrong, 400);
    expect(wrong.body.error.message).toContain('input.cpu');
    const missing = await call(base, PREDICT, { body: { input: { cpu: 4, memory: 1 } } });
    expect(missing.body.error.message).toContain('input.spot');
    const unknown = await call(base, PREDICT, { body: { input: { cpu: 4, memory: 1, spot: 0, gpu: 1 } } });
    expect(unknown.body.error.message).toContain('gpu');
    const extra = await call(base, PREDICT, { body: { input: { cpu: 4, memory: 1, spot: 0 }, junk: true } });
    expectEnvelope(extra, 400);
    expect(extra.body.error.message).toContain('junk');
    expectEnvelope(await call(base, PREDICT, { body: [] }), 400);
    expectEnvelope(await call(base, PREDICT, { body: null }), 400);
    expectEnvelope(await call(base, PREDICT, { body: { input: 5 } }), 400);
    expectEnvelope(await call(base, '/api/v1/models/fc/predict', { body: { input: { horizon: 10_000_000 } } }), 400);
    expectEnvelope(
      await call(base, '/api/v1/models/perf/predict', { body: { input: { service: 'nope', users: 1 } } }),
      400,
    );
    expectEnvelope(await call(base, '/api/v1/models/cost/batch', { body: { inputs: [] } }), 400);
    expectEnvelope(await call(base, '/api/v1/models/cost/batch', { body: { inputs: Array(1001).fill({}) } }), 400);
  });

  it('answers 404 for unknown models, versions, routes and jobs', async () => {
    expectEnvelope(await call(base, '/api/v1/models/ghost/predict', { body: { input: {} } }), 404);
    expectEnvelope(await call(base, PREDICT, { body: { input: { cpu: 1, memory: 1, spot: 0 }, version: 42 } }), 404);
    expectEnvelope(
      await call(base, PREDICT, { body: { input: { cpu: 1, memory: 1, spot: 0 }, version: 'nosuch' } }),
      404,
    );
    expectEnvelope(
      await call(base, PREDICT, { body: { input: { cpu: 1, memory: 1, spot: 0 }, version: 'BAD ALIAS' } }),
      400,
    );
    expectEnvelope(await call(base, '/api/v1/nothing-here'), 404);
    expectEnvelope(await call(base, '/api/v1/jobs/job_missing'), 404);
    // Fastify refuses an over-long path parameter before routing: still an envelope, with 414.
    expectEnvelope(await call(base, `/api/v1/models/${'x'.repeat(5000)}/predict`, { body: { input: {} } }), 414);
    expectEnvelope(await call(base, '/api/v1/models/%E0%A4%A/predict', { body: { input: {} } }), 400);
  });

  it('takes unicode edge cases as data, not as a crash', async () => {
    for (const raw of [
      '{"input": {"service": "\\ud800", "users": 1}}',
      '{"input": {"service": "\\u0000", "users": 1}}',
      '{"input": {"service": "😀\\u202e\\ufeff", "users": 1}}',
      '{"input": {"service": "api", "users": 1}, "\\ud800": 1}',
      '\ufeff{"input": {}}',
    ]) {
      const reply = await call(base, '/api/v1/models/perf/predict', { raw });
      expectEnvelope(reply);
    }
    const ok = await call(base, '/api/v1/models/perf/predict', { raw: '{"input": {"service": "api", "users": 1e0}}' });
    expect(ok.status).toBe(200);
  });

  it('refuses bad query strings and a cancel of a missing job', async () => {
    expectEnvelope(await call(base, '/api/v1/jobs/x/results?page=0'), 400);
    expectEnvelope(await call(base, '/api/v1/jobs/x/results?page_size=5000'), 400);
    expectEnvelope(await call(base, '/api/v1/jobs/x/results?bogus=1'), 400);
    expectEnvelope(await call(base, '/api/v1/jobs/x', { method: 'DELETE' }), 404);
  });
});

const ROUTES = [
  '/api/v1/models/cost/predict',
  '/api/v1/models/perf/predict',
  '/api/v1/models/fc/predict',
  '/api/v1/models/fleet/predict',
  '/api/v1/predict',
  '/api/v1/models/cost/batch',
  '/api/v1/jobs',
  '/api/v1/feedback',
];

/** Bodies shaped like the real ones, with wrong or wild values inside. */
const jsonish = fc.oneof(
  fc.jsonValue(),
  fc.record({ input: fc.jsonValue() }, { requiredKeys: [] }),
  fc.record({
    input: fc.dictionary(
      fc.constantFrom('cpu', 'memory', 'spot', 'service', 'users', 'horizon', 'id', 'x'),
      fc.jsonValue(),
    ),
  }),
  fc.record({ inputs: fc.array(fc.jsonValue(), { maxLength: 5 }), version: fc.jsonValue() }, { requiredKeys: [] }),
  fc.record({ prediction_id: fc.jsonValue(), label: fc.jsonValue() }, { requiredKeys: [] }),
);
const body = fc.oneof(
  jsonish.map((v) => JSON.stringify(v)),
  fc.string({ unit: 'binary', maxLength: 200 }),
  jsonish.map((v) => JSON.stringify(v).slice(0, -1)),
);

describe('fuzzed bodies', () => {
  it('answers 10,000 fuzzed bodies with a 4xx envelope (or a 2xx), never a 500', async () => {
    const statuses = new Map<number, number>();
    let jobs = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), body, async (url, payload) => {
        const reply = await serve.app.inject({
          method: 'POST',
          url,
          payload,
          headers: { 'content-type': 'application/json' },
        });
        statuses.set(reply.statusCode, (statuses.get(reply.statusCode) ?? 0) + 1);
        if (reply.statusCode === 202) jobs++;
        if (reply.statusCode >= 500) throw new Error(`${url} ${payload} → ${reply.statusCode} ${reply.body}`);
        if (reply.statusCode >= 400) {
          const parsed = JSON.parse(reply.body) as { error: { code: string }; request_id: string };
          if (!parsed.error?.code?.startsWith('FLEETCAST_') || parsed.request_id !== reply.headers['x-request-id']) {
            throw new Error(`no envelope: ${reply.body}`);
          }
        }
      }),
      { numRuns: 10_000, seed: 20_261_123 },
    );
    expect([...statuses.keys()].every((s) => s < 500)).toBe(true);
    expect(statuses.get(400)).toBeGreaterThan(1000);
    // And the socket still answers, with a real prediction.
    const after = await call(base, PREDICT, { body: { input: { cpu: 1, memory: 2, spot: 0 } } });
    expect(after.status).toBe(200);
    expect(jobs).toBeGreaterThanOrEqual(0);
  }, 120_000);

  it('answers a sample of fuzzed bodies over the socket the same way', async () => {
    const samples = fc.sample(fc.tuple(fc.constantFrom(...ROUTES), body), { numRuns: 200, seed: 7 });
    for (const [url, payload] of samples) {
      const reply = await call(base, url, { raw: payload });
      expect(reply.status, `${url} ${payload}`).toBeLessThan(500);
      if (reply.status >= 400) expectEnvelope(reply);
    }
  });
});
