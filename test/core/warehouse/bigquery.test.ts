/**
 * The BigQuery warehouse beyond the shared conformance suite: its URL, the REST conversation (polling,
 * paging, staging tables cleaned up), and how failures are reported. Contract tests: the BigQuery v2
 * REST API is served locally by ./bigquery-fake-server.ts.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetcastError } from '../../../src/core/errors.js';
import { toNamedParameters } from '../../../src/core/warehouse/bigquery-values.js';
import { BigQueryWarehouse, openWarehouse, parseBigQueryUrl } from '../../../src/core/warehouse/index.js';
import { type FakeBigQuery, startFakeBigQuery } from './bigquery-fake-server.js';
import { metrics } from './fixtures.js';

async function caught(promise: Promise<unknown>): Promise<FleetcastError> {
  const error: unknown = await promise.then(() => undefined).catch((e: unknown) => e);
  if (!(error instanceof FleetcastError)) throw new Error(`expected a FleetcastError, got ${String(error)}`);
  return error;
}

describe('bigquery:// URLs', () => {
  it('names a project and a dataset, with the endpoint from BIGQUERY_EMULATOR_HOST and the token from the env', () => {
    expect(parseBigQueryUrl('bigquery://my-project/metrics?location=EU', {})).toEqual({
      project: 'my-project',
      dataset: 'metrics',
      location: 'EU',
    });
    const env = { BIGQUERY_EMULATOR_HOST: 'localhost:9050', GOOGLE_OAUTH_ACCESS_TOKEN: 'ya29.secret' };
    expect(parseBigQueryUrl('bigquery://my-project/metrics', env)).toEqual({
      project: 'my-project',
      dataset: 'metrics',
      endpoint: 'http://localhost:9050',
      accessToken: 'ya29.secret',
    });
  });

  it.each([
    'bigquery://my-project',
    'bigquery://my-project/a/b',
    'bigquery://x/metrics',
    'bigquery://my-project/bad-dataset',
    'bigquery://my-project/metrics?region=eu',
    'bigquery://user:ya29secret@my-project/metrics',
  ])('refuses %j with FLEETCAST_URL_INVALID, never echoing a secret', async (url) => {
    const error = await caught(openWarehouse(url, {}));
    expect(error.code).toBe('FLEETCAST_URL_INVALID');
    expect(error.hint).toContain('bigquery://project/dataset');
    expect(error.message).not.toContain('ya29secret');
  });
});

describe('BigQuery warehouse (contract test: BigQuery REST API served locally)', () => {
  let fake: FakeBigQuery;
  let w: BigQueryWarehouse;
  beforeAll(async () => {
    fake = await startFakeBigQuery({ pageRows: 100 });
    w = new BigQueryWarehouse({
      project: fake.project,
      dataset: fake.dataset,
      endpoint: fake.endpoint,
      accessToken: fake.token,
      maxPollMs: 20,
    });
  });
  afterAll(async () => {
    await w?.close();
    await fake?.close();
  });

  it('polls unfinished jobs and pages through results; staging tables are dropped after each write', async () => {
    await w.ensureTable(metrics('paged'));
    const rows = Array.from({ length: 1050 }, (_, i) => ({ id: `r${String(i).padStart(4, '0')}`, value: i, count: i }));
    await w.append('paged', rows);
    await w.upsert('paged', [{ id: 'r0000', value: -1, count: 0 }]);
    const before = fake.requests;
    const read = await w.query('SELECT * FROM `paged` ORDER BY id');
    expect(read).toHaveLength(1050);
    expect(read[0]).toEqual({ id: 'r0000', value: -1, count: 0 });
    expect(fake.requests - before).toBe(1 + 11); // jobs.query (not yet complete), then 11 pages of results
    expect(await w.listTables()).toEqual(['paged']);
  });

  it('takes $1 parameters of every scalar type, and leaves $ in literals alone', async () => {
    const [row] = await w.query(
      "SELECT $1 + 1 AS i, $2 * 2 AS d, $3 AS s, NOT $4 AS b, $5 AS ts, '$1' AS literal, 1 AS `$2`",
      [41, 0.25, 'text', false, new Date('2025-01-02T03:04:05.678Z')],
    );
    expect(row).toEqual({
      i: 42,
      d: 0.5,
      s: 'text',
      b: true,
      ts: new Date('2025-01-02T03:04:05.678Z'),
      literal: '$1',
      $2: 1,
    });
    expect(toNamedParameters('SELECT $1, \'$2\', "$3", `$4` -- $5\n, $10')).toBe(
      'SELECT @p1, \'$2\', "$3", `$4` -- $5\n, @p10',
    );
  });

  it('reports a missing dataset as FLEETCAST_NOT_FOUND with the command that creates it', async () => {
    const other = new BigQueryWarehouse({ ...connection(), dataset: 'nope' });
    const error = await caught(other.ping());
    expect(error.code).toBe('FLEETCAST_NOT_FOUND');
    expect(error.hint).toContain('bq mk --dataset');
  });

  it('reports a refused or missing token as FLEETCAST_BACKEND_AUTH naming GOOGLE_OAUTH_ACCESS_TOKEN', async () => {
    for (const accessToken of ['wrong', undefined]) {
      const { accessToken: _right, ...rest } = connection();
      const other = new BigQueryWarehouse({ ...rest, ...(accessToken ? { accessToken } : {}) });
      const error = await caught(other.hasTable('paged'));
      expect(error.code).toBe('FLEETCAST_BACKEND_AUTH');
      expect(error.hint).toContain('GOOGLE_OAUTH_ACCESS_TOKEN');
    }
  });

  it('reports a dead endpoint as FLEETCAST_BACKEND_UNREACHABLE within seconds', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const address = probe.address();
    await new Promise((resolve) => probe.close(resolve));
    if (address === null || typeof address === 'string') throw new Error('no port');
    const started = Date.now();
    const other = new BigQueryWarehouse({ ...connection(), endpoint: `127.0.0.1:${address.port}` });
    expect((await caught(other.ping())).code).toBe('FLEETCAST_BACKEND_UNREACHABLE');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a load job that fails leaves no row and names the bad value', async () => {
    await w.ensureTable(metrics('strict'));
    const error = await caught(
      w.upsert('strict', [
        { id: 'a', count: 1 },
        { id: 'b', count: 'many' },
      ]),
    );
    expect(error.code).toBe('FLEETCAST_BACKEND_ERROR');
    expect(error.message).toContain('Field: count');
    expect(await w.query('strict')).toEqual([]);
    expect(await w.listTables()).not.toContain(expect.stringMatching(/^__/));
  });

  function connection() {
    return { project: fake.project, dataset: fake.dataset, endpoint: fake.endpoint, accessToken: fake.token };
  }
});
