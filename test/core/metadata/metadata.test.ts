import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMetadataStore,
  createRun,
  finishRun,
  getRun,
  listRuns,
  type MetadataStore,
  MIGRATION_NAMES,
  openMetadataStore,
} from '../../../src/core/metadata/index.js';
import { metadataTargets, serviceUrl, tempDir } from '../../helpers/services.js';

const targets = metadataTargets();
const postgresUrl = serviceUrl('postgres', 'database');

describe.each(targets)('metadata store on $name', (target) => {
  let store: MetadataStore;
  let url: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ url, cleanup } = await target.open());
    store = await openMetadataStore(url);
  });
  afterAll(async () => {
    await store?.close();
    await cleanup?.();
  });

  it('applies every migration once and is a no-op the second time', async () => {
    const applied = await sql<{ name: string }>`select name from fleetcast_migration order by name`.execute(store.db);
    expect(applied.rows.map((r) => r.name)).toEqual(MIGRATION_NAMES);
    expect(await store.migrate()).toEqual([]);
    const again = await openMetadataStore(url);
    expect(await again.migrate()).toEqual([]);
    await again.close();
  });

  it('round-trips a run from creation to completion', async () => {
    const run = await createRun(store, { kind: 'train', name: 'cpu-forecast', params: { window: 5, model: 'gru' } });
    expect(run.status).toBe('running');
    const done = await finishRun(store, run.id, { status: 'completed', metrics: { rmse: 0.25 } });
    expect(done.status).toBe('completed');
    const read = await getRun(store, run.id);
    expect(read).toMatchObject({ kind: 'train', name: 'cpu-forecast', params: { window: 5, model: 'gru' } });
    expect(read.metrics).toEqual({ rmse: 0.25 });
    expect(read.finishedAt).toBeInstanceOf(Date);
  });

  it('finishes a run once: same outcome again is a no-op, another outcome is refused', async () => {
    const run = await createRun(store, { kind: 'job' });
    await finishRun(store, run.id, { status: 'failed', error: 'boom' });
    const again = await finishRun(store, run.id, { status: 'failed', error: 'boom' });
    expect(again.error).toBe('boom');
    await expect(finishRun(store, run.id, { status: 'completed' })).rejects.toMatchObject({
      code: 'FLEETCAST_INVALID_ARGUMENT',
    });
  });

  it('rejects a duplicate run id without changing the first', async () => {
    const run = await createRun(store, { kind: 'job', id: 'fixed-id-1', name: 'first' });
    await expect(createRun(store, { kind: 'job', id: run.id, name: 'second' })).rejects.toThrow();
    expect((await getRun(store, run.id)).name).toBe('first');
  });

  it('lists runs newest first, filtered by kind', async () => {
    for (let i = 0; i < 3; i++) await createRun(store, { kind: 'backtest', name: `b${i}` });
    const runs = await listRuns(store, { kind: 'backtest' });
    expect(runs.map((r) => r.name)).toEqual(['b2', 'b1', 'b0']);
    expect(await listRuns(store, { kind: 'backtest', limit: 1 })).toHaveLength(1);
  });

  it('keeps 200 concurrent run writes, none lost', async () => {
    await Promise.all(Array.from({ length: 200 }, (_, i) => createRun(store, { kind: 'bulk', name: `r${i}` })));
    expect(await listRuns(store, { kind: 'bulk', limit: 1000 })).toHaveLength(200);
  });

  it('reports unknown ids and bad kinds clearly', async () => {
    await expect(getRun(store, 'nope')).rejects.toMatchObject({ code: 'FLEETCAST_NOT_FOUND' });
    await expect(createRun(store, { kind: 'Bad Kind' })).rejects.toMatchObject({ code: 'FLEETCAST_INVALID_ARGUMENT' });
  });

  it('answers ping and closes idempotently', async () => {
    const other = await openMetadataStore(url);
    await other.ping();
    await other.close();
    await other.close();
  });
});

describe('metadata store URLs and failures', () => {
  it('rejects an unsupported URL with the accepted forms', () => {
    expect(() => createMetadataStore('mysql://root:secretpw@localhost/x')).toThrow(
      expect.objectContaining({
        code: 'FLEETCAST_URL_INVALID',
        message: expect.not.stringContaining('secretpw'),
        hint: expect.stringMatching(/sqlite:.*postgres:/),
      }),
    );
  });

  it('refuses an unwritable home folder before writing anything', () => {
    if (process.getuid?.() === 0) {
      // root can write anywhere; a path under a regular file is unwritable for everyone.
      const dir = tempDir();
      const file = join(dir.path, 'file');
      mkdirSync(dir.path, { recursive: true });
      writeFileSync(file, 'x');
      expect(() => createMetadataStore(`sqlite:${join(file, 'sub', 'm.sqlite')}`)).toThrow(
        expect.objectContaining({ code: 'FLEETCAST_HOME_UNWRITABLE' }),
      );
      dir.remove();
      return;
    }
    const dir = tempDir();
    chmodSync(dir.path, 0o500);
    expect(() => createMetadataStore(`sqlite:${join(dir.path, 'sub', 'm.sqlite')}`)).toThrow(
      expect.objectContaining({ code: 'FLEETCAST_HOME_UNWRITABLE' }),
    );
    chmodSync(dir.path, 0o700);
    dir.remove();
  });

  it('names an unreachable PostgreSQL and masks its password', async () => {
    const started = Date.now();
    await expect(openMetadataStore('postgres://fleet:hunter2secret@127.0.0.1:1/x')).rejects.toSatisfy(
      (error: { code: string; message: string }) =>
        error.code === 'FLEETCAST_BACKEND_UNREACHABLE' && !error.message.includes('hunter2secret'),
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it.runIf(postgresUrl)('names a missing database and a missing role with the fix', async () => {
    const base = new URL(postgresUrl!);
    base.pathname = '/fleetcast_no_such_database';
    await expect(openMetadataStore(base.toString())).rejects.toMatchObject({
      code: 'FLEETCAST_BACKEND_AUTH',
      hint: expect.stringContaining('create the database'),
    });
    const role = new URL(postgresUrl!);
    role.username = 'fleetcast_no_such_role';
    role.password = 'wrongpassword';
    await expect(openMetadataStore(role.toString())).rejects.toSatisfy(
      (error: { code: string; message: string }) =>
        error.code === 'FLEETCAST_BACKEND_AUTH' && !error.message.includes('wrongpassword'),
    );
  });
});
