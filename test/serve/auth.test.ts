/** API keys (hashed, several, rotated without restart), per-key rate limits, CORS, the production rule. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config/load.js';
import { buildServeApp, hashKey, type ServeApp } from '../../src/serve/index.js';
import { buildApp, call, createFixture, type Fixture, listen } from './fixtures.js';

const KEY_A = 'key-a-0123456789abcdef';
const KEY_B = 'key-b-0123456789abcdef';
const KEY_C = 'key-c-0123456789abcdef';

let fixture: Fixture;
let serve: ServeApp;
let base: string;
let keysFile: string;

beforeAll(async () => {
  fixture = await createFixture();
  keysFile = join(fixture.dir, 'keys.txt');
  writeFileSync(keysFile, `# rotated by ops\nsha256:${hashKey(KEY_B)}\n`);
  const config = loadConfig({
    cwd: fixture.dir,
    env: { FLEETCAST_API_KEYS: KEY_A },
    flags: {
      home: join(fixture.dir, 'home'),
      serve: {
        api_keys_file: keysFile,
        rate_limit: { max: 5, window_seconds: 60 },
        cors: { origins: ['https://dash.example'] },
      },
    },
  });
  serve = await buildApp({ ...fixture, config });
  base = await listen(serve);
});

afterAll(async () => {
  await serve?.close();
  await fixture?.close();
});

const PREDICT = '/api/v1/models/cost/predict';
const input = { input: { cpu: 1, memory: 1, spot: 0 } };

describe('API keys', () => {
  it('refuses a request without a key or with a wrong one, with the envelope and WWW-Authenticate', async () => {
    const none = await call(base, PREDICT, { body: input });
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('FLEETCAST_UNAUTHORIZED');
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    const wrong = await call(base, PREDICT, { body: input, headers: { authorization: 'Bearer wrong-key-wrong-key' } });
    expect(wrong.status).toBe(401);
    expect((await call(base, '/v2/models/cost')).status).toBe(401);
  });

  it('takes keys from the configuration and from the keys file, as Bearer or X-API-Key', async () => {
    expect((await call(base, PREDICT, { body: input, headers: { authorization: `Bearer ${KEY_A}` } })).status).toBe(
      200,
    );
    expect((await call(base, PREDICT, { body: input, headers: { 'x-api-key': KEY_B } })).status).toBe(200);
  });

  it('leaves health, readiness, metrics and docs open', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics', '/openapi.json', '/v2/health/live', '/v2/health/ready']) {
      expect((await call(base, path)).status, path).toBe(200);
    }
  });

  it('rotates keys without a restart when the keys file changes', async () => {
    writeFileSync(keysFile, `${KEY_C}\n`);
    await serve.refresh();
    expect((await call(base, PREDICT, { body: input, headers: { 'x-api-key': KEY_C } })).status).toBe(200);
    expect((await call(base, PREDICT, { body: input, headers: { 'x-api-key': KEY_B } })).status).toBe(401);
    expect((await call(base, PREDICT, { body: input, headers: { 'x-api-key': KEY_A } })).status).toBe(200);
    expect(serve.keys.size).toBe(2);
    // A broken file keeps the keys in force rather than locking everyone out.
    writeFileSync(keysFile, 'short\n');
    await serve.refresh();
    expect((await call(base, PREDICT, { body: input, headers: { 'x-api-key': KEY_C } })).status).toBe(200);
  });
});

describe('rate limits and CORS', () => {
  it('limits each key on its own, with the envelope and Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      statuses.push((await call(base, '/api/v1/models', { headers: { 'x-api-key': KEY_A } })).status);
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    const limited = await call(base, '/api/v1/models', { headers: { 'x-api-key': KEY_A } });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('FLEETCAST_RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another key has its own budget (KEY_C used 3 requests above).
    expect((await call(base, '/api/v1/models', { headers: { 'x-api-key': KEY_C } })).status).toBe(200);
    // Probes are never limited.
    for (let i = 0; i < 8; i++) expect((await call(base, '/healthz')).status).toBe(200);
  });

  it('answers CORS only for the configured origins', async () => {
    const allowed = await call(base, '/healthz', { headers: { origin: 'https://dash.example' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://dash.example');
    const other = await call(base, '/healthz', { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('the production profile', () => {
  it('refuses to start without API keys', async () => {
    const config = loadConfig({
      cwd: fixture.dir,
      env: {},
      flags: {
        home: join(fixture.dir, 'home'),
        api_keys: [KEY_A],
        allow_embedded_in_production: true,
        profile: 'production',
      },
    });
    await expect(
      buildServeApp({ config: { ...config, apiKeys: [] }, registry: fixture.opened, models: ['cost@prod'] }),
    ).rejects.toMatchObject({ code: 'FLEETCAST_PRODUCTION_UNSAFE' });
    const ok = await buildServeApp({ config, registry: fixture.opened, models: ['cost@prod'] });
    await ok.close();
  });
});
