/** The GCS artifact store beyond the shared conformance suite (contract tests: the GCS JSON API served locally). */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GcsArtifactStore } from '../../../src/core/artifacts/index.js';
import { FleetcastError } from '../../../src/core/errors.js';
import { uniqueSuffix } from '../../helpers/services.js';
import { type FakeGcs, startFakeGcs } from './gcs-fake-server.js';

let gcs: FakeGcs;
beforeAll(async () => {
  gcs = await startFakeGcs();
});
afterAll(async () => {
  await gcs?.close();
});

function gcsStore(overrides: Partial<ConstructorParameters<typeof GcsArtifactStore>[0]> = {}): GcsArtifactStore {
  return new GcsArtifactStore({
    bucket: gcs.bucket,
    prefix: `t-${uniqueSuffix()}`,
    endpoint: gcs.endpoint,
    accessToken: gcs.token,
    ...overrides,
  });
}

async function caught(promise: Promise<unknown>): Promise<FleetcastError> {
  const error: unknown = await promise.then(() => undefined).catch((e: unknown) => e);
  if (!(error instanceof FleetcastError)) throw new Error(`expected a FleetcastError, got ${String(error)}`);
  return error;
}

describe('GCS artifact store (contract test: GCS JSON API served locally)', () => {
  it('ping on a missing bucket throws FLEETCAST_NOT_FOUND with a hint to create it', async () => {
    const error = await caught(gcsStore({ bucket: `missing-${uniqueSuffix()}` }).ping());
    expect(error.code).toBe('FLEETCAST_NOT_FOUND');
    expect(error.hint).toMatch(/create the bucket/i);
    expect((await caught(gcsStore({ bucket: `missing-${uniqueSuffix()}` }).put('k', 'v'))).code).toBe(
      'FLEETCAST_NOT_FOUND',
    );
  });

  it('a refused or missing token throws FLEETCAST_BACKEND_AUTH naming the variable to set', async () => {
    for (const store of [gcsStore({ accessToken: 'wrong' }), gcsStore({ accessToken: '' })]) {
      const error = await caught(store.ping());
      expect(error.code).toBe('FLEETCAST_BACKEND_AUTH');
      expect(error.hint).toContain('GOOGLE_OAUTH_ACCESS_TOKEN');
      expect(error.message).not.toContain('wrong');
    }
  });

  it('ping on a closed port throws FLEETCAST_BACKEND_UNREACHABLE within seconds', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const address = probe.address();
    await new Promise((resolve) => probe.close(resolve));
    if (address === null || typeof address === 'string') throw new Error('no port');
    const started = Date.now();
    const error = await caught(gcsStore({ endpoint: `127.0.0.1:${address.port}` }).ping());
    expect(error.code).toBe('FLEETCAST_BACKEND_UNREACHABLE');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('pages through objects.list with a small page size, and prefixes keep stores apart', async () => {
    const store = gcsStore({ pageSize: 2 });
    const keys = ['a-1', 'a/1', 'a/2', 'b/1', 'c'];
    for (const key of keys) await store.put(key, key);
    const before = gcs.requests;
    expect((await store.list()).map((i) => i.key)).toEqual(keys);
    expect(gcs.requests - before).toBe(3); // three pages; sha256 came from the listed metadata
    const other = gcsStore();
    expect(await other.list()).toEqual([]);
    expect(await other.exists('c')).toBe(false);
  });
});
