/** The keys table of the metadata store, on SQLite and PostgreSQL alike. */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiKeyId,
  createApiKey,
  hashApiKey,
  listApiKeys,
  loadActiveApiKeys,
  type MetadataStore,
  openMetadataStore,
  revokeApiKey,
  touchApiKeys,
} from '../../../src/core/metadata/index.js';
import { metadataTargets } from '../../helpers/services.js';

describe.each(metadataTargets())('API keys table on $name', (target) => {
  let store: MetadataStore;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const opened = await target.open();
    cleanup = opened.cleanup;
    store = await openMetadataStore(opened.url);
  });
  afterAll(async () => {
    await store?.close();
    await cleanup?.();
  });

  it('stores only the hash of a new key, named by its id, and never lists the key', async () => {
    const { record, key } = await createApiKey(store, { name: 'ci', createdBy: 'alice' });
    expect(key).toMatch(/^fc_[A-Za-z0-9_-]{43}$/);
    expect(record).toMatchObject({ id: apiKeyId(hashApiKey(key)), name: 'ci', status: 'active', expires_at: null });
    expect(record.id).toMatch(/^key_[0-9a-f]{12}$/);
    const rows = await sql<Record<string, unknown>>`select * from api_keys`.execute(store.db);
    expect(JSON.stringify(rows.rows)).not.toContain(key);
    expect(rows.rows[0]).toMatchObject({ key_sha256: hashApiKey(key) });
    expect(JSON.stringify(await listApiKeys(store))).not.toContain(key);
    const loaded = await loadActiveApiKeys(store);
    expect(loaded.keys).toContainEqual({ id: record.id, sha256: hashApiKey(key), expiresAt: null });
  });

  it('refuses a name an active key holds; frees it once that key is revoked or expired', async () => {
    await expect(createApiKey(store, { name: 'ci', createdBy: 'bob' })).rejects.toMatchObject({
      code: 'FLEETCAST_CONFLICT',
      message: expect.stringContaining('already named "ci"'),
      hint: expect.stringContaining('fleetcast keys revoke key_'),
    });
    const now = new Date();
    const short = await createApiKey(store, {
      name: 'short',
      createdBy: 'bob',
      expiresAt: new Date(now.getTime() + 1000),
      now,
    });
    const later = new Date(now.getTime() + 2000);
    const again = await createApiKey(store, { name: 'short', createdBy: 'bob', now: later });
    expect(again.record.id).not.toBe(short.record.id);
    const statuses = (await listApiKeys(store, later)).filter((r) => r.name === 'short').map((r) => r.status);
    expect(statuses).toEqual(['expired', 'active']);
    expect((await loadActiveApiKeys(store, later)).keys.map((k) => k.id)).not.toContain(short.record.id);
  });

  it('validates names and expiry', async () => {
    await expect(createApiKey(store, { name: '  ', createdBy: 'x' })).rejects.toMatchObject({
      code: 'FLEETCAST_INVALID_ARGUMENT',
      message: 'an API key needs a name',
    });
    await expect(createApiKey(store, { name: 'has space', createdBy: 'x' })).rejects.toThrow(/not allowed/);
    await expect(createApiKey(store, { name: 'x'.repeat(65), createdBy: 'x' })).rejects.toThrow(/not allowed/);
    await expect(
      createApiKey(store, { name: 'past', createdBy: 'x', expiresAt: new Date(Date.now() - 1) }),
    ).rejects.toThrow(/expire in the future/);
  });

  it('revokes idempotently, names an unknown id, and keeps revoked rows counted', async () => {
    const { record } = await createApiKey(store, { name: 'deploy', createdBy: 'alice' });
    const before = await loadActiveApiKeys(store);
    const first = await revokeApiKey(store, record.id);
    expect(first).toMatchObject({ revokedNow: true, record: { status: 'revoked' } });
    const second = await revokeApiKey(store, record.id);
    expect(second.revokedNow).toBe(false);
    expect(second.record.revoked_at).toBe(first.record.revoked_at);
    const after = await loadActiveApiKeys(store);
    expect(after.keys.map((k) => k.id)).not.toContain(record.id);
    expect(after.total).toBe(before.total);
    await expect(revokeApiKey(store, 'key_000000000000')).rejects.toMatchObject({ code: 'FLEETCAST_NOT_FOUND' });
    await expect(revokeApiKey(store, 'ci')).rejects.toMatchObject({ hint: expect.stringContaining('is a name') });
  });

  it('stamps the last use of keys', async () => {
    const { record } = await createApiKey(store, { name: 'used', createdBy: 'alice' });
    const at = new Date('2030-01-02T03:04:05.000Z');
    await touchApiKeys(store, [record.id], at);
    await touchApiKeys(store, [], at);
    const listed = (await listApiKeys(store)).find((r) => r.id === record.id);
    expect(listed?.last_used_at).toBe(at.toISOString());
  });
});
