/** Opening warehouses: files, URLs, statement limits and connection failures. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ErrorCode, FleetcastError } from '../../../src/core/errors.js';
import { DuckDbWarehouse, openWarehouse } from '../../../src/core/warehouse/index.js';
import { buildInsertStatements, MAX_PARAMETERS, parseQueryTarget } from '../../../src/core/warehouse/sql.js';
import { serviceUrl, tempDir } from '../../helpers/services.js';
import { metrics } from './fixtures.js';

const postgresBase = serviceUrl('postgres', 'warehouse');

/** The error a promise rejects with; fails the test if it resolves or throws something else. */
async function failure(promise: Promise<unknown>, code: ErrorCode): Promise<FleetcastError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(FleetcastError);
  expect((error as FleetcastError).code).toBe(code);
  return error as FleetcastError;
}

describe('DuckDB warehouse file', () => {
  it('creates missing folders, keeps data across reopen, and shares one file within a process', async () => {
    const dir = tempDir('fleetcast-warehouse-');
    try {
      const path = join(dir.path, 'a', 'b', 'w.duckdb');
      const first = await openWarehouse(`duckdb:${path}`);
      const second = await openWarehouse(`duckdb://${path}`);
      expect(existsSync(path)).toBe(true);
      await first.ensureTable(metrics('kept'));
      await second.append('kept', [{ id: 'a', value: 1 }]);
      await first.close();
      await second.close();
      const reopened = await DuckDbWarehouse.open(path);
      expect(await reopened.query('kept')).toEqual([{ id: 'a', value: 1, count: null }]);
      await reopened.close();
    } finally {
      dir.remove();
    }
  });

  it('opens an in-memory database per call for duckdb::memory:', async () => {
    const one = await openWarehouse('duckdb::memory:');
    const two = await openWarehouse('duckdb::memory:');
    await one.ensureTable(metrics('m'));
    expect(await two.hasTable('m')).toBe(false);
    await Promise.all([one.close(), two.close()]);
  });
});

describe('openWarehouse', () => {
  it.each(['mysql://root:secret@db/x', 'duckdb:relative/file.duckdb', 'warehouse.duckdb'])(
    'rejects %s with FLEETCAST_URL_INVALID and the accepted forms',
    async (url) => {
      const error = await failure(openWarehouse(url), 'FLEETCAST_URL_INVALID');
      expect(error.hint).toContain('duckdb::memory:');
      expect(error.message).not.toContain('secret');
    },
  );
});

describe('statement building', () => {
  it('keeps every INSERT under the 65,535-parameter limit', () => {
    const columns = Array.from({ length: 7 }, (_, i) => `c${i}`);
    const values = Array.from({ length: 20_000 }, (_, i) => columns.map(() => i));
    const statements = buildInsertStatements('t', columns, values);
    expect(statements.length).toBeGreaterThan(1);
    expect(statements.every((statement) => statement.params.length <= MAX_PARAMETERS)).toBe(true);
    expect(statements.reduce((sum, statement) => sum + statement.params.length, 0)).toBe(20_000 * 7);
    expect(statements[0]?.sql).toMatch(/^INSERT INTO "t" \("c0", .*\) VALUES \(\$1, \$2/);
  });

  it('tells a bare table name from a statement', () => {
    expect(parseQueryTarget(' metrics ')).toEqual({ kind: 'table', table: 'metrics' });
    expect(parseQueryTarget('SELECT 1')).toEqual({ kind: 'sql', sql: 'SELECT 1' });
    expect(() => parseQueryTarget('metrics', [1])).toThrow(FleetcastError);
  });
});

describe.skipIf(!postgresBase)('PostgreSQL connection failures', () => {
  const withPassword = (host: string, database: string, user = 'postgres') => {
    const url = new URL(postgresBase ?? 'postgres://localhost/x');
    url.host = host;
    url.username = user;
    url.password = 's3cret-pw';
    url.pathname = `/${database}`;
    return url.toString();
  };
  const host = () => new URL(postgresBase ?? 'postgres://localhost/x').host;

  const cases: { what: string; at?: string; database?: string; user?: string; code: ErrorCode; hint: RegExp }[] = [
    {
      what: 'an unreachable server',
      at: '127.0.0.1:1',
      code: 'FLEETCAST_BACKEND_UNREACHABLE',
      hint: /start PostgreSQL/,
    },
    {
      what: 'a missing database',
      database: 'fleetcast_no_such_db',
      code: 'FLEETCAST_BACKEND_AUTH',
      hint: /create the database .* or fix the database name in the URL/,
    },
    { what: 'a missing role', user: 'fleetcast_no_such_role', code: 'FLEETCAST_BACKEND_AUTH', hint: /create the role/ },
  ];
  it.each(cases)('$what fails ping with $code, a hint naming the fix and the URL masked', async (c) => {
    const w = await openWarehouse(withPassword(c.at ?? host(), c.database ?? 'postgres', c.user));
    const error = await failure(w.ping(), c.code);
    expect(error.message).toContain(c.at ?? c.database ?? c.user);
    expect(error.message).toContain('***');
    expect(error.message).not.toContain('s3cret-pw');
    expect(error.hint).toMatch(c.hint);
    await w.close();
  });
});
