/**
 * Every metric the service declares moves under traffic (read back from /metrics), and a dead Redis
 * cache degrades the service — reported in /readyz and the metrics — without failing a request.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config/load.js';
import { METRIC_NAMES, type ServeApp } from '../../src/serve/index.js';
import { buildApp, call, createFixture, type Fixture, listen } from './fixtures.js';

const KEY = 'metrics-key-0123456789';

let fixture: Fixture;
const apps: ServeApp[] = [];

beforeAll(async () => {
  fixture = await createFixture();
});

afterAll(async () => {
  for (const app of apps) await app.close();
  await fixture?.close();
});

/** `name{labels} value` lines → the largest value seen per metric name (histograms by _count). */
function readMetrics(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-z_:]+)(?:\{[^}]*\})? (\S+)$/.exec(line);
    if (!match) continue;
    const name = match[1]!.replace(/_(count|sum|bucket)$/, '');
    const value = Number(match[2]);
    if (match[1]!.endsWith('_bucket') || match[1]!.endsWith('_sum')) continue;
    values.set(name, Math.max(values.get(name) ?? 0, value));
  }
  return values;
}

async function waitForJob(base: string, id: string, headers: Record<string, string>) {
  for (let i = 0; i < 400; i++) {
    const reply = await call(base, `/api/v1/jobs/${id}`, { headers });
    if (reply.body.status === 'completed') return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('job did not complete');
}

describe('metrics', () => {
  it('moves every declared metric', async () => {
    const config = loadConfig({
      cwd: fixture.dir,
      env: { FLEETCAST_API_KEYS: KEY },
      flags: {
        home: join(fixture.dir, 'home'),
        serve: {
          batching: { max_batch_size: 8, max_wait_ms: 5 },
          drift: { baseline_size: 10, window_size: 10 },
          shadow: { cost: 'cost@staging' },
        },
      },
    });
    // cost:2 (the same weights as cost:1) is the shadow of the served cost@prod.
    expect(await fixture.registerCost(1, 'staging')).toBe(2);
    const serve = await buildApp({ ...fixture, config }, { jobScanIntervalMs: 100 });
    apps.push(serve);
    const base = await listen(serve);
    const headers = { 'x-api-key': KEY };

    // Concurrent predictions: batches form; the repeats hit the cache.
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        call(base, '/api/v1/models/cost/predict', { body: { input: { cpu: i % 20, memory: 1, spot: 0 } }, headers }),
      ),
    );
    const predicted = await call(base, '/api/v1/models/perf/predict', {
      body: { input: { service: 'api', users: 20 } },
      headers,
    });
    await call(base, '/api/v1/models/perf/predict', { body: { input: { service: 'ghost', users: 20 } }, headers });
    await call(base, '/api/v1/feedback', {
      body: { prediction_id: predicted.body.prediction_id, label: 'ok' },
      headers,
    });
    const job = await call(base, '/api/v1/jobs', {
      body: {
        model: 'perf',
        inputs: [
          { service: 'api', users: 3 },
          { service: 'x', users: 1 },
        ],
      },
      headers,
    });
    await waitForJob(base, job.body.job_id, headers);
    const described = await call(base, '/api/v1/models/cost', { headers });
    expect(described.body.shadow).toMatchObject({ reference: 'cost@staging', version: 2 });
    expect(described.body.shadow.agreement.rate).toBe(1);
    expect(described.body.shadow.agreement.compared).toBeGreaterThanOrEqual(20);
    const beforeSwap = readMetrics((await call(base, '/metrics')).text);
    expect(beforeSwap.get('fleetcast_shadow_agreement_ratio')).toBe(1);
    await fixture.registerCost(2, 'prod');
    expect(await serve.refresh()).toEqual([{ name: 'cost', from: 1, to: 3 }]);
    // Version 3 starts its own drift baseline: 10 small inputs, then 10 large ones.
    for (let i = 0; i < 20; i++) {
      await call(base, '/api/v1/models/cost/predict', {
        body: { input: { cpu: i < 10 ? i : 100 + i, memory: 1, spot: 0 } },
        headers,
      });
    }
    const drift = await call(base, '/api/v1/models/cost/drift', { headers });
    expect(drift.body).toMatchObject({
      model: 'cost',
      version: 3,
      baseline_n: 10,
      current_n: 10,
      baseline_complete: true,
    });
    expect(drift.body.inputs.cpu).toBeGreaterThan(1);
    expect(drift.body.inputs.memory).toBe(0);
    expect(drift.body.prediction).toBeGreaterThan(1);

    const scraped = await call(base, '/metrics');
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('content-type')).toContain('text/plain');
    const values = readMetrics(scraped.text);
    expect(scraped.text).toMatch(
      /fleetcast_http_requests_total\{method="POST",route="\/api\/v1\/models\/:name\/predict",status="200"\} \d+/,
    );
    expect(scraped.text).toContain('fleetcast_jobs{status="completed"} 1');
    expect(scraped.text).toMatch(/fleetcast_job_items_total\{outcome="error"\} 1/);
    expect(scraped.text).toContain(
      'fleetcast_model_info{model="cost",version="3",flavor="onnx",reference="cost@prod"} 1',
    );
    expect(scraped.text).toMatch(/fleetcast_drift_psi\{model="cost",feature="cpu"\} \d/);
    // The shadow (cost:2, factor 1) disagrees with the new cost:3 (factor 2): its rate falls below 1.
    expect(scraped.text).toMatch(/fleetcast_shadow_agreement_ratio\{model="cost",shadow_version="2"\} 0/);
    expect(scraped.text).not.toContain('fleetcast_model_info{model="cost",version="1"');
    expect(scraped.text).toMatch(/fleetcast_predictions_total\{model="perf",outcome="error"\} 1/);

    // Redis down: a separate replica whose cache (and queue) points at a port where nothing listens.
    const deadRedis = { ...config, redisUrl: 'redis://127.0.0.1:1' };
    const degraded = await buildApp({ ...fixture, config: deadRedis }, { redisPrefix: 'dead' });
    apps.push(degraded);
    const degradedBase = await listen(degraded);
    for (let i = 0; i < 3; i++) {
      const reply = await call(degradedBase, '/api/v1/models/cost/predict', {
        body: { input: { cpu: 1, memory: 1, spot: 0 } },
        headers,
      });
      expect(reply.status).toBe(200);
    }
    const ready = await call(degradedBase, '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('degraded');
    expect(ready.body.stores).toMatchObject({ metadata: 'ok', cache: 'degraded', queue: 'degraded' });
    const degradedValues = readMetrics((await call(degradedBase, '/metrics')).text);

    const moved = METRIC_NAMES.filter((name) =>
      [values, degradedValues, beforeSwap].some((scrape) => (scrape.get(name) ?? 0) > 0),
    );
    expect(METRIC_NAMES.filter((name) => !moved.includes(name))).toEqual([]);
    expect(degradedValues.get('fleetcast_cache_degraded')).toBe(1);
    expect(values.get('fleetcast_cache_degraded')).toBe(0);
  });
});
