/**
 * API keys kept in the metadata store, as replicas see them: real apps on real sockets over one
 * SQLite file or one PostgreSQL database, keys made by the `fleetcast keys` binary or the store's
 * API. Reload intervals are short here so the whole file runs in seconds.
 */
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../src/core/config/schema.js';
import { createApiKey, listApiKeys, revokeApiKey } from '../../src/core/metadata/index.js';
import { buildServeApp, type RunningServe, type ServeApp, startServe } from '../../src/serve/index.js';
import { runBinary } from '../helpers/cli.js';
import { metadataTargets, uniqueSuffix } from '../helpers/services.js';
import { call, configFor, createFixture, type Fixture, listen } from './fixtures.js';

const CONFIG_KEY = 'config-key-0123456789';
const RELOAD_MS = 150;
const PREDICT = '/api/v1/models/cost/predict';
const input = { input: { cpu: 1, memory: 1, spot: 0 } };

const statusWith = async (base: string, key?: string) =>
  (await call(base, PREDICT, { body: input, headers: key ? { 'x-api-key': key } : {} })).status;

/** Polls until `check` holds, at most `ms`; returns the time it took. */
async function eventually(check: () => Promise<boolean>, ms = 3000): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return Date.now() - started;
}

function capture(): { logger: pino.Logger; lines: () => Array<{ msg: string; level: number }> } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines: () => lines.map((line) => JSON.parse(line)) };
}

describe.each(metadataTargets())('keys in the metadata store on $name', (target) => {
  let fixture: Fixture;
  let url: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ url, cleanup } = await target.open());
    fixture = await createFixture({ config: { database_url: url } });
  });
  afterAll(async () => {
    await fixture?.close();
    await cleanup?.();
  });

  const configOf = (extra: ConfigInput = {}, serve: ConfigInput['serve'] = {}) =>
    configFor(fixture.dir, serve, { database_url: url, allow_embedded_in_production: true, ...extra });
  const metadata = () => fixture.opened.metadata;
  const keysCli = (args: string[]) =>
    runBinary(['keys', ...args], {
      cwd: fixture.dir,
      env: { FLEETCAST_HOME: fixture.config.home, FLEETCAST_DATABASE_URL: url },
    });

  it('two replicas accept a key created after they started and refuse it once revoked, without restart', async () => {
    const replicas: RunningServe[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        replicas.push(
          await startServe({
            config: configOf({ api_keys: [CONFIG_KEY] }),
            models: ['cost@prod'],
            port: 0,
            host: '127.0.0.1',
            reloadIntervalMs: RELOAD_MS,
          }),
        );
      }
      const created = await keysCli(['create', 'replicas', '--json']);
      expect(created.code, created.stderr).toBe(0);
      const { id, key } = JSON.parse(created.stdout) as { id: string; key: string };
      for (const replica of replicas) {
        const took = await eventually(async () => (await statusWith(replica.url, key)) === 200);
        expect(took).toBeLessThan(RELOAD_MS * 10);
        expect(await statusWith(replica.url)).toBe(401);
        expect((await call(replica.url, '/metrics')).text).toMatch(/^fleetcast_api_keys 2$/m);
      }

      const revoked = await keysCli(['revoke', id]);
      expect(revoked.code, revoked.stderr).toBe(0);
      for (const replica of replicas) {
        await eventually(async () => (await statusWith(replica.url, key)) === 401);
        expect(await statusWith(replica.url, CONFIG_KEY)).toBe(200);
        expect((await call(replica.url, '/metrics')).text).toMatch(/^fleetcast_api_keys 1$/m);
      }
    } finally {
      for (const replica of replicas) await replica.shutdown();
    }
  });

  it('refuses an expired key at once, before any refresh', async () => {
    const serve = await buildServeApp({ config: configOf(), models: ['cost@prod'] });
    try {
      const base = await listen(serve);
      const expiresAt = new Date(Date.now() + 1500);
      const { key } = await createApiKey(metadata(), { name: `soon-${uniqueSuffix()}`, createdBy: 'test', expiresAt });
      await serve.refresh();
      expect(await statusWith(base, key)).toBe(200);
      const sizeBefore = serve.keys.size;
      await new Promise((resolve) => setTimeout(resolve, expiresAt.getTime() - Date.now() + 50));
      expect(await statusWith(base, key)).toBe(401);
      expect(serve.keys.size).toBe(sizeBefore - 1);
    } finally {
      await serve.close();
    }
  });

  it('keeps the last good keys while the table cannot be read: one warning, no 500, back when it returns', async () => {
    const { logger, lines } = capture();
    const serve = await buildServeApp({ config: configOf(), models: ['cost@prod'], logger });
    try {
      const base = await listen(serve);
      const { key } = await createApiKey(metadata(), { name: `outage-${uniqueSuffix()}`, createdBy: 'test' });
      await serve.refresh();
      expect(await statusWith(base, key)).toBe(200);

      await sql`alter table api_keys rename to api_keys_away`.execute(metadata().db);
      try {
        await serve.refresh();
        await serve.refresh();
        expect(await statusWith(base, key)).toBe(200);
        expect(await statusWith(base)).toBe(401);
        expect(await statusWith(base, 'not-a-key-not-a-key')).toBe(401);
      } finally {
        await sql`alter table api_keys_away rename to api_keys`.execute(metadata().db);
      }
      const warnings = lines().filter((line) => line.msg.includes('keys table cannot be read'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.level).toBe(40);
      await serve.refresh();
      expect(lines().some((line) => line.msg === 'the API keys table answers again')).toBe(true);
      expect(await statusWith(base, key)).toBe(200);
    } finally {
      await serve.close();
    }
  });

  it('limits each table key on its own and records its last use at most once a minute', async () => {
    const serve = await buildServeApp({
      config: configOf({}, { rate_limit: { max: 3, window_seconds: 60 } }),
      models: ['cost@prod'],
    });
    try {
      const base = await listen(serve);
      const first = await createApiKey(metadata(), { name: `rate-a-${uniqueSuffix()}`, createdBy: 'test' });
      const second = await createApiKey(metadata(), { name: `rate-b-${uniqueSuffix()}`, createdBy: 'test' });
      await serve.refresh();
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push(await statusWith(base, first.key));
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect(await statusWith(base, second.key)).toBe(200);

      await serve.refresh();
      const used = async () => (await listApiKeys(metadata())).find((r) => r.id === first.record.id)?.last_used_at;
      const stamped = await used();
      expect(stamped).not.toBeNull();
      await statusWith(base, first.key);
      await serve.refresh();
      expect(await used()).toBe(stamped);
    } finally {
      await serve.close();
    }
  });

  it('production: refuses to serve with no key in force, naming fleetcast keys create; never opens', async () => {
    for (const record of await listApiKeys(metadata())) await revokeApiKey(metadata(), record.id);
    const production = configOf({ profile: 'production' });
    await expect(buildServeApp({ config: production, models: ['cost@prod'] })).rejects.toMatchObject({
      code: 'FLEETCAST_PRODUCTION_UNSAFE',
      hint: expect.stringContaining('fleetcast keys create'),
    });

    const { record, key } = await createApiKey(metadata(), { name: `prod-${uniqueSuffix()}`, createdBy: 'test' });
    const servers: ServeApp[] = [];
    try {
      const serve = await buildServeApp({ config: production, models: ['cost@prod'] });
      servers.push(serve);
      const base = await listen(serve);
      expect(await statusWith(base, key)).toBe(200);
      expect(await statusWith(base)).toBe(401);
      await revokeApiKey(metadata(), record.id);
      await serve.refresh();
      expect(serve.keys.size).toBe(0);
      expect(await statusWith(base, key)).toBe(401);
      expect(await statusWith(base)).toBe(401);

      // Outside production too: a table that held keys keeps the service closed once all are revoked.
      const { logger, lines } = capture();
      const local = await buildServeApp({ config: configOf(), models: ['cost@prod'], logger });
      servers.push(local);
      expect(local.keys.open).toBe(false);
      expect(await statusWith(await listen(local))).toBe(401);
      expect(lines().some((line) => line.msg.includes('no API key is in force'))).toBe(true);
    } finally {
      for (const serve of servers) await serve.close();
    }
  });
});
