/**
 * Async jobs are durable: stored in the metadata store, resumed after a restart without redoing
 * stored results, answered by any replica, cancelled, and expired a set time after completion.
 * Run on SQLite with the in-process queue, and on PostgreSQL with BullMQ when the servers answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServeApp } from '../../src/serve/index.js';
import { JobStore } from '../../src/serve/jobs/store.js';
import { serveDb } from '../../src/serve/tables.js';
import { metadataTargets, serviceUrl, uniqueSuffix } from '../helpers/services.js';
import { buildApp, call, createFixture, type Fixture, listen } from './fixtures.js';

const redisUrl = serviceUrl('redis');
const targets = metadataTargets().map((target) => ({
  ...target,
  redis: target.name === 'postgres' ? redisUrl : undefined,
}));

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const perfInputs = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ service: i % 2 ? 'api' : 'db', users: 10 + (i % 50) }));

describe.each(targets)('async jobs on $name', (target) => {
  let fixture: Fixture;
  let cleanup: () => Promise<void>;
  const apps: ServeApp[] = [];
  const prefix = `fleetcast-test-${uniqueSuffix()}`;

  const start = async () => {
    const serve = await buildApp(fixture, { redisPrefix: prefix, jobScanIntervalMs: 100, jobLeaseMs: 3000 });
    apps.push(serve);
    return { serve, base: await listen(serve) };
  };

  beforeAll(async () => {
    const db = await target.open();
    cleanup = db.cleanup;
    fixture = await createFixture({
      config: { database_url: db.url, ...(target.redis ? { redis_url: target.redis } : {}) },
      serve: { jobs: { chunk_size: 100, result_ttl_seconds: 2 } },
    });
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await fixture?.close();
    await cleanup?.();
  });

  it('runs a job to completion and pages its results in input order', async () => {
    const { base } = await start();
    const inputs = [...perfInputs(250), { service: 'nope', users: 1 }, 'not an object'];
    const created = await call(base, '/api/v1/jobs', { body: { model: 'perf', inputs } });
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ status: 'queued', total: 252 });
    const id = created.body.job_id as string;
    const done = await waitFor('completion', async () => {
      const r = await call(base, `/api/v1/jobs/${id}`);
      return r.body.status === 'completed' ? r.body : undefined;
    });
    expect(done).toMatchObject({
      job_id: id,
      model: 'perf',
      version: 1,
      total: 252,
      done: 252,
      failed: 2,
      error: null,
    });
    expect(Date.parse(done.expires_at) - Date.parse(done.completed_at)).toBe(2000);
    expect(done.started_at).toBeTruthy();

    const page = await call(base, `/api/v1/jobs/${id}/results?page=3&page_size=100`);
    expect(page.body).toMatchObject({ job_id: id, page: 3, page_size: 100, total: 252 });
    expect(page.body.results.map((r: { index: number }) => r.index)).toEqual([
      200,
      ...Array.from({ length: 51 }, (_, i) => 201 + i),
    ]);
    const [bad, notObject] = page.body.results.slice(-2);
    expect(bad.error.code).toBe('FLEETCAST_INVALID_ARGUMENT');
    expect(notObject.error.message).toContain('JSON object');
    const first = await call(base, `/api/v1/jobs/${id}/results?page=1&page_size=2`);
    expect(first.body.results[0]).toMatchObject({ index: 0, output: { service: 'db', users: 10 } });
    expect(first.body.results[0].output.response_time).toBeGreaterThan(0);
    const beyond = await call(base, `/api/v1/jobs/${id}/results?page=99`);
    expect(beyond.body.results).toEqual([]);
  });

  it('resumes a job whose replica died, without redoing its stored chunks', async () => {
    // No replica runs while the dead one's state is set up (a live one would take the job over).
    for (const app of apps.splice(0)) await app.close();
    const store = new JobStore(serveDb(fixture.opened.metadata));
    const job = await store.create({
      model: 'perf',
      version: 1,
      inputs: perfInputs(500),
      chunkSize: 100,
      createdBy: null,
    });
    // The dead replica: it claimed the job, stored two chunks, and vanished.
    expect(await store.claim(job.job_id, 'dead-host', 60_000)).toBe(true);
    for (const chunk of [0, 1]) {
      const results = Array.from({ length: 100 }, () => ({ output: { marker: 'from the dead replica' } }));
      expect(await store.completeChunk(job.job_id, 'dead-host', chunk, results, 60_000)).toBe(true);
    }
    // Time passes: its lease runs out without a renewal.
    await serveDb(fixture.opened.metadata)
      .updateTable('serve_jobs')
      .set({ lease_expires_at: Date.now() - 1 })
      .where('id', '=', job.job_id)
      .execute();

    const { base: restarted } = await start();
    const done = await waitFor('resumed completion', async () => {
      const r = await call(restarted, `/api/v1/jobs/${job.job_id}`);
      return r.body.status === 'completed' ? r.body : undefined;
    });
    expect(done).toMatchObject({ done: 500, failed: 0 });
    const kept = await call(restarted, `/api/v1/jobs/${job.job_id}/results?page=1&page_size=200`);
    expect(kept.body.results[0].output).toEqual({ marker: 'from the dead replica' });
    expect(kept.body.results[199].output).toEqual({ marker: 'from the dead replica' });
    const redone = await call(restarted, `/api/v1/jobs/${job.job_id}/results?page=2&page_size=200`);
    expect(redone.body.results[0].output.response_time).toBeGreaterThan(0);
    const workers = await serveDb(fixture.opened.metadata)
      .selectFrom('serve_job_chunks')
      .select(['chunk', 'worker'])
      .where('job_id', '=', job.job_id)
      .orderBy('chunk')
      .execute();
    expect(workers.slice(0, 2).map((w) => w.worker)).toEqual(['dead-host', 'dead-host']);
    expect(workers.slice(2).every((w) => w.worker !== 'dead-host' && w.worker !== null)).toBe(true);
  });

  it('survives a graceful restart in the middle of a job, and another replica answers for it', async () => {
    const first = await start();
    const created = await call(first.base, '/api/v1/jobs', { body: { model: 'perf', inputs: perfInputs(20_000) } });
    const id = created.body.job_id as string;
    await waitFor('progress', async () => {
      const r = await call(first.base, `/api/v1/jobs/${id}`);
      return r.body.done > 0 ? true : undefined;
    });
    await first.serve.close(); // SIGTERM path: the runner stops after its chunk and hands the job back
    apps.splice(apps.indexOf(first.serve), 1);
    const stopped = await new JobStore(serveDb(fixture.opened.metadata)).get(id);
    expect(stopped!.done).toBeGreaterThan(0);

    const second = await start();
    const third = await start();
    const done = await waitFor(
      'completion after restart',
      async () => {
        const r = await call(third.base, `/api/v1/jobs/${id}`);
        return r.body.status === 'completed' ? r.body : undefined;
      },
      60_000,
    );
    expect(done).toMatchObject({ total: 20_000, done: 20_000, failed: 0 });
    const page = await call(second.base, `/api/v1/jobs/${id}/results?page=200&page_size=100`);
    expect(page.body.results).toHaveLength(100);
    expect(page.body.results[99].index).toBe(19_999);
  });

  it('cancels a job, keeps what was computed, and refuses to cancel a finished one', async () => {
    const { base } = await start();
    const created = await call(base, '/api/v1/jobs', { body: { model: 'perf', inputs: perfInputs(30_000) } });
    const id = created.body.job_id as string;
    const cancelled = await call(base, `/api/v1/jobs/${id}`, { method: 'DELETE' });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body).toEqual({ job_id: id, status: 'cancelled' });
    await new Promise((r) => setTimeout(r, 300));
    const after = await call(base, `/api/v1/jobs/${id}`);
    expect(after.body.status).toBe('cancelled');
    expect(after.body.done).toBeLessThan(30_000);
    expect((await call(base, `/api/v1/jobs/${id}`, { method: 'DELETE' })).status).toBe(200);

    const small = await call(base, '/api/v1/jobs', { body: { model: 'perf', inputs: perfInputs(3) } });
    await waitFor('small job', async () => {
      const r = await call(base, `/api/v1/jobs/${small.body.job_id}`);
      return r.body.status === 'completed' ? true : undefined;
    });
    const refused = await call(base, `/api/v1/jobs/${small.body.job_id}`, { method: 'DELETE' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('FLEETCAST_CONFLICT');
  });

  it('expires results a set time after completion, then deletes them', async () => {
    const { base } = await start();
    const created = await call(base, '/api/v1/jobs', { body: { inputs: perfInputs(5) } });
    expect(created.status).toBe(202);
    const id = created.body.job_id as string;
    const done = await waitFor('completion', async () => {
      const r = await call(base, `/api/v1/jobs/${id}`);
      return r.body.status === 'completed' ? r.body : undefined;
    });
    expect((await call(base, `/api/v1/jobs/${id}/results`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(done.expires_at) - Date.now()) + 50));
    const gone = await call(base, `/api/v1/jobs/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error.message).toContain('expired');
    expect((await call(base, `/api/v1/jobs/${id}/results`)).status).toBe(404);
    const store = new JobStore(serveDb(fixture.opened.metadata));
    expect(await store.sweep()).toBeGreaterThanOrEqual(1);
    const rows = await serveDb(fixture.opened.metadata)
      .selectFrom('serve_job_chunks')
      .select('chunk')
      .where('job_id', '=', id)
      .execute();
    expect(rows).toEqual([]);
  });

  it('refuses jobs for unknown models and versions, and empty or oversized input lists', async () => {
    const { base } = await start();
    expect((await call(base, '/api/v1/jobs', { body: { model: 'ghost', inputs: [{}] } })).status).toBe(404);
    expect((await call(base, '/api/v1/jobs', { body: { model: 'perf', version: 7, inputs: [{}] } })).status).toBe(404);
    expect((await call(base, '/api/v1/jobs', { body: { model: 'perf', inputs: [] } })).status).toBe(400);
    const tooMany = await call(base, '/api/v1/jobs', { body: { model: 'perf', inputs: Array(100_001).fill(0) } });
    expect(tooMany.status).toBe(400);
  });
});
