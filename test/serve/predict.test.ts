import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServeApp } from '../../src/serve/index.js';
import { buildApp, call, createFixture, type Fixture, listen } from './fixtures.js';

let fixture: Fixture;
let serve: ServeApp;
let base: string;

beforeAll(async () => {
  fixture = await createFixture();
  serve = await buildApp(fixture, { defaultModel: 'perf' });
  base = await listen(serve);
});

afterAll(async () => {
  await serve?.close();
  await fixture?.close();
});

describe('API v1 predictions over a socket', () => {
  it('predicts one input with a performance model and says which version answered', async () => {
    const reply = await call(base, '/api/v1/models/perf/predict', { body: { input: { service: 'api', users: 30 } } });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ model: 'perf', version: 1, cached: false, service: 'api', users: 30 });
    expect(reply.body.response_time).toBeGreaterThan(0);
    expect(reply.body.throughput).toBeGreaterThan(0);
    expect(reply.body.cpu).toBeGreaterThan(0);
    expect(reply.body.request_id).toBe(reply.headers.get('x-request-id'));
    expect(reply.body.prediction_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers the same input from the cache the second time', async () => {
    const body = { input: { cpu: 4, memory: 16, spot: 1 } };
    const first = await call(base, '/api/v1/models/cost/predict', { body });
    const second = await call(base, '/api/v1/models/cost/predict', {
      body: { input: { spot: 1, memory: 16, cpu: 4 } },
    });
    expect(first.body.cached).toBe(false);
    expect(second.body.cached).toBe(true);
    expect(second.body.hourly_cost).toBeCloseTo(0.04 * 4 + 0.005 * 16 - 0.02 + 0.01, 5);
    expect(second.body.prediction_id).not.toBe(first.body.prediction_id);
  });

  it('serves the default model at /api/v1/predict', async () => {
    const reply = await call(base, '/api/v1/predict', { body: { input: { service: 'db', users: 10 } } });
    expect(reply.status).toBe(200);
    expect(reply.body.model).toBe('perf');
  });

  it('forecasts quantiles with a single forecaster and a fleet forecaster', async () => {
    const single = await call(base, '/api/v1/models/fc/predict', { body: { input: { horizon: 3 } } });
    expect(single.status).toBe(200);
    expect(single.body.mean).toHaveLength(3);
    expect(Object.keys(single.body.quantiles)).toEqual(['0.1', '0.2', '0.3', '0.4', '0.5', '0.6', '0.7', '0.8', '0.9']);
    expect(single.body.quantiles['0.9']).toHaveLength(3);

    const fleet = await call(base, '/api/v1/models/fleet/predict', { body: { input: { id: 'b', horizon: 4 } } });
    expect(fleet.status).toBe(200);
    expect(fleet.body.series_id).toBe('b');
    expect(fleet.body.forecast).toHaveLength(4);
    expect(fleet.body.forecast[0]).toMatchObject({ step: 1 });
    expect(fleet.body.forecast[0].q90).toBeGreaterThanOrEqual(fleet.body.forecast[0].q10);
    expect(typeof fleet.body.forecast[0].timestamp).toBe('string');

    const unknown = await call(base, '/api/v1/models/fleet/predict', { body: { input: { id: 'zzz' } } });
    expect(unknown.status).toBe(404);
  });

  it('predicts a batch in order, with one prediction id each', async () => {
    const inputs = Array.from({ length: 50 }, (_, i) => ({ cpu: i, memory: 2 * i, spot: i % 2 }));
    const reply = await call(base, '/api/v1/models/cost/batch', { body: { inputs } });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ model: 'cost', version: 1 });
    expect(reply.body.predictions).toHaveLength(50);
    reply.body.predictions.forEach((p: { hourly_cost: number; prediction_id: string }, i: number) => {
      expect(p.hourly_cost).toBeCloseTo(0.04 * i + 0.005 * 2 * i - 0.02 * (i % 2) + 0.01, 4);
      expect(p.prediction_id).toBeTruthy();
    });
  });

  it('refuses a batch with one bad input, naming it', async () => {
    const reply = await call(base, '/api/v1/models/cost/batch', {
      body: {
        inputs: [
          { cpu: 1, memory: 1, spot: 0 },
          { cpu: 'x', memory: 1, spot: 0 },
        ],
      },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('FLEETCAST_INVALID_ARGUMENT');
    expect(reply.body.error.message).toContain('inputs[1].cpu');
    expect(reply.body.error.details.index).toBe(1);
  });

  it('answers with a version named by number and 404 for one that does not exist', async () => {
    const byNumber = await call(base, '/api/v1/models/perf/predict', {
      body: { input: { service: 'api', users: 30 }, version: 1 },
    });
    expect(byNumber.status).toBe(200);
    const missing = await call(base, '/api/v1/models/perf/predict', {
      body: { input: { service: 'api', users: 30 }, version: 9 },
    });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('FLEETCAST_NOT_FOUND');
    const alias = await call(base, '/api/v1/models/perf/predict', {
      body: { input: { service: 'api', users: 30 }, version: 'prod' },
    });
    expect(alias.body.version).toBe(1);
  });

  it('lists and describes the served models', async () => {
    const list = await call(base, '/api/v1/models');
    expect(list.status).toBe(200);
    expect(list.body.models.map((m: { name: string }) => m.name)).toEqual(['perf', 'cost', 'fc', 'fleet']);
    expect(list.body.models[0]).toMatchObject({
      version: 1,
      reference: 'perf@prod',
      aliases: ['prod'],
      flavor: 'performance',
      default: true,
    });
    const one = await call(base, '/api/v1/models/cost');
    expect(one.body).toMatchObject({ name: 'cost', version: 1, flavor: 'onnx', reference: 'cost@prod' });
    expect(one.body.signature.inputs.map((f: { name: string }) => f.name)).toEqual(['cpu', 'memory', 'spot']);
    expect(typeof one.body.created_at).toBe('string');
    expect((await call(base, '/api/v1/models/nope')).status).toBe(404);
  });
});
