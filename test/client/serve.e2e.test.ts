/**
 * The client against the real service over a real socket: buildServeApp on embedded stores (SQLite,
 * a local artifacts folder, in-process jobs and cache) serving the built-in lexicon sentiment model,
 * with an API key required. Every v1 method of the client is called once for real.
 */

import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetcastClient, type FleetcastHttpError, isFleetcastHttpError } from '../../src/client/index.js';
import { loadConfig } from '../../src/core/config/load.js';
import { writeLexiconSentimentModel } from '../../src/models/index.js';
import { type OpenRegistry, openRegistry } from '../../src/registry/index.js';
import { buildServeApp, type ServeApp } from '../../src/serve/app.js';
import { tempDir } from '../helpers/services.js';

const API_KEY = 'fc_e2e_client_key_0123456789';

let home: ReturnType<typeof tempDir>;
let opened: OpenRegistry;
let serve: ServeApp;
let client: FleetcastClient;
let baseUrl: string;

beforeAll(async () => {
  home = tempDir('fleetcast-client-e2e-');
  const config = loadConfig({ cwd: home.path, env: {}, flags: { home: home.path, api_keys: [API_KEY] } });
  opened = await openRegistry(config, {});
  const folder = join(home.path, 'sentiment-model');
  writeLexiconSentimentModel(folder);
  await opened.registry.register('sentiment', folder);
  await opened.registry.promote('sentiment', 1, 'prod', 'client e2e');
  serve = await buildServeApp({ config, registry: opened, models: ['sentiment@prod'] });
  await serve.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(serve.app.server.address() as AddressInfo).port}`;
  client = new FleetcastClient({ baseUrl, apiKey: API_KEY, timeoutMs: 10_000 });
});

afterAll(async () => {
  await serve?.close();
  await opened?.close();
  home?.remove();
});

async function caught(promise: Promise<unknown>): Promise<FleetcastHttpError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isFleetcastHttpError(error)) throw new Error(`expected a FleetcastHttpError, got ${String(error)}`);
  return error;
}

describe('FleetcastClient against buildServeApp', () => {
  it('reports health, readiness and metrics', async () => {
    expect(await client.healthz()).toEqual({ status: 'ok' });
    const ready = await client.readyz();
    expect(ready.status).toBe('ready');
    expect(ready.models?.sentiment).toMatchObject({ version: 1, reference: 'sentiment@prod' });
    expect(await client.metricsText()).toContain('fleetcast_http_requests_total');
  });

  it('lists and describes the served models', async () => {
    const { models } = await client.listModels();
    expect(models).toEqual([
      expect.objectContaining({ name: 'sentiment', version: 1, reference: 'sentiment@prod', default: true }),
    ]);
    expect(models[0]!.aliases).toContain('prod');
    const model = await client.getModel('sentiment');
    expect(model).toMatchObject({ name: 'sentiment', version: 1, flavor: 'text-classifier' });
    expect(model.signature.inputs.map((field) => field.name)).toContain('text');
  });

  it('predicts with the default model, then answers the same text from the cache', async () => {
    const first = await client.predictDefault({ text: 'This is wonderful, I love it!' });
    expect(first).toMatchObject({ label: 'POSITIVE', model: 'sentiment', version: 1, cached: false });
    expect(first.score).toBeGreaterThan(0.5);
    expect(first.request_id).toBeTruthy();
    expect(first.prediction_id).toBeTruthy();
    const again = await client.predictDefault({ text: 'This is wonderful, I love it!' });
    expect(again).toMatchObject({ label: 'POSITIVE', cached: true });
    const named = await client.predict('sentiment', { text: 'This is awful and broken.' }, { requestId: 'e2e-neg' });
    expect(named).toMatchObject({ label: 'NEGATIVE', request_id: 'e2e-neg' });
  });

  it('predicts a batch in order and takes feedback on a prediction', async () => {
    const batch = await client.batch('sentiment', [{ text: 'great product' }, { text: 'terrible service' }]);
    expect(batch).toMatchObject({ model: 'sentiment', version: 1 });
    expect(batch.predictions.map((p) => p.label)).toEqual(['POSITIVE', 'NEGATIVE']);
    const created = await client.feedback({ prediction_id: batch.predictions[1]!.prediction_id, label: 'NEUTRAL' });
    expect(created.feedback_id).toBeTruthy();
  });

  it('runs an async job to completion and pages its results', async () => {
    const inputs = Array.from({ length: 25 }, (_, i) => ({ text: i % 2 === 0 ? 'good and happy' : 'bad and sad' }));
    const created = await client.createJob({ model: 'sentiment', inputs });
    expect(created).toMatchObject({ status: 'queued', total: 25 });
    const job = await client.waitForJob(created.job_id, { intervalMs: 50, timeoutMs: 20_000 });
    expect(job).toMatchObject({ job_id: created.job_id, status: 'completed', total: 25, done: 25, failed: 0 });
    const page = await client.jobResults<{ label: string }>(created.job_id, { page: 2, page_size: 10 });
    expect(page).toMatchObject({ page: 2, page_size: 10, total: 25 });
    expect(page.results.map((r) => r.index)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(page.results[0]!.output?.label).toBe('POSITIVE');
    expect(page.results[1]!.output?.label).toBe('NEGATIVE');
    const late = await caught(client.cancelJob(created.job_id));
    expect(late).toMatchObject({ status: 409, code: 'FLEETCAST_CONFLICT' });
  });

  it('maps the service errors: unknown model, bad input, missing API key', async () => {
    const missing = await caught(client.predict('no-such-model', { input: { x: 1 } }));
    expect(missing).toMatchObject({ status: 404, code: 'FLEETCAST_NOT_FOUND' });
    expect(missing.requestId).toBeTruthy();
    const invalid = await caught(client.batch('sentiment', []));
    expect(invalid).toMatchObject({ status: 400, code: 'FLEETCAST_INVALID_ARGUMENT' });
    const anonymous = new FleetcastClient({ baseUrl });
    expect(await caught(anonymous.listModels())).toMatchObject({ status: 401, code: 'FLEETCAST_UNAUTHORIZED' });
    const unknownJob = await caught(client.getJob('no-such-job'));
    expect(unknownJob).toMatchObject({ status: 404, code: 'FLEETCAST_NOT_FOUND' });
  });
});
