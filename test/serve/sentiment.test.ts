/**
 * With no model named, the service serves sentiment: the built-in lexicon model is registered as
 * sentiment@prod on first start (no download), and POST /api/v1/predict {"text"} answers a label.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServeApp, type ServeApp } from '../../src/serve/index.js';
import { call, createFixture, type Fixture, listen } from './fixtures.js';

let fixture: Fixture;
let serve: ServeApp;
let base: string;

beforeAll(async () => {
  fixture = await createFixture();
  serve = await buildServeApp({ config: fixture.config, registry: fixture.opened });
  base = await listen(serve);
});

afterAll(async () => {
  await serve?.close();
  await fixture?.close();
});

describe('the default sentiment model', () => {
  it('is registered as sentiment@prod on first start and served by /api/v1/predict', async () => {
    const versions = await fixture.opened.registry.list('sentiment');
    expect(versions.map((v) => [v.version, v.aliases])).toEqual([[1, ['prod']]]);
    const models = await call(base, '/api/v1/models');
    expect(models.body.models).toEqual([
      {
        name: 'sentiment',
        version: 1,
        reference: 'sentiment@prod',
        aliases: ['prod'],
        flavor: 'text-classifier',
        default: true,
      },
    ]);
    const positive = await call(base, '/api/v1/predict', { body: { text: 'I love this, it is wonderful!' } });
    expect(positive.status).toBe(200);
    expect(positive.body).toMatchObject({ label: 'POSITIVE', model: 'sentiment', version: 1, cached: false });
    expect(positive.body.score).toBeGreaterThan(0.5);
    expect(positive.body.request_id).toBeTruthy();
    expect(positive.body.prediction_id).toBeTruthy();
    const negative = await call(base, '/api/v1/predict', { body: { text: 'This is terrible and awful.' } });
    expect(negative.body.label).toBe('NEGATIVE');
    const neutral = await call(base, '/api/v1/predict', { body: { text: 'The table is in the room.' } });
    expect(neutral.body.label).toBe('NEUTRAL');
  });

  it('truncates a text longer than the model reads, and says so', async () => {
    const long = `${'good '.repeat(20_000)}end`;
    const reply = await call(base, '/api/v1/predict', { body: { text: long } });
    expect(reply.status).toBe(200);
    expect(reply.body.truncated).toBe(true);
    expect(reply.body.tokens).toBeGreaterThan(reply.body.max_tokens);
  });

  it('refuses empty and blank texts with a 400, and takes odd unicode as text', async () => {
    expect((await call(base, '/api/v1/predict', { body: { text: '' } })).status).toBe(400);
    const blank = await call(base, '/api/v1/predict', { body: { text: ' \u200b\n' } });
    expect(blank.status).toBe(400);
    expect(blank.body.error.code).toBe('FLEETCAST_INVALID_ARGUMENT');
    const odd = await call(base, '/api/v1/predict', { raw: '{"text": "nice \\ud800 \\u0000 😀 שלום"}' });
    expect(odd.status).toBe(200);
  });

  it('takes bare strings in batches and jobs', async () => {
    const batch = await call(base, '/api/v1/models/sentiment/batch', {
      body: { inputs: ['great', 'horrible', { text: 'ok' }] },
    });
    expect(batch.body.predictions.map((p: { label: string }) => p.label)).toEqual(['POSITIVE', 'NEGATIVE', 'POSITIVE']);
    const job = await call(base, '/api/v1/jobs', { body: { inputs: ['great', 'horrible'] } });
    expect(job.status).toBe(202);
    for (let i = 0; i < 200; i++) {
      const status = await call(base, `/api/v1/jobs/${job.body.job_id}`);
      if (status.body.status === 'completed') break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const results = await call(base, `/api/v1/jobs/${job.body.job_id}/results`);
    expect(results.body.results.map((r: { output: { label: string } }) => r.output.label)).toEqual([
      'POSITIVE',
      'NEGATIVE',
    ]);
  });

  it('does not register it again on the next start', async () => {
    const again = await buildServeApp({ config: fixture.config, registry: fixture.opened });
    await again.close();
    expect((await fixture.opened.registry.list('sentiment')).length).toBe(1);
  });
});
