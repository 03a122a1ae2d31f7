import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { maskUrl } from './config/mask.js';
import { errorMessage, FleetcastError } from './errors.js';

/** Errors that mean "the server cannot be reached now", network-level or server-side. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'EAI_AGAIN',
  'EPIPE',
  '57P01', // admin shutdown
  '57P03', // cannot connect now (starting up, shutting down)
  '53300', // too many connections
]);

function codeOf(error: unknown): string | undefined {
  if (error instanceof AggregateError) return codeOf(error.errors[0]);
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') return error.code;
  return undefined;
}

/**
 * Maps any `pg` or network error to the catalogue: one clear message naming the problem and the
 * fix, the URL masked. `store` names which setting to fix (metadata store, warehouse, …).
 */
export function postgresError(error: unknown, url: string, store: string): FleetcastError {
  if (error instanceof FleetcastError) return error;
  const code = codeOf(error);
  const message = errorMessage(error);
  const where = maskUrl(url);
  const details = { url: where, ...(code ? { code } : {}) };
  if (code === '28P01' || code === '28000') {
    return new FleetcastError(
      'FLEETCAST_BACKEND_AUTH',
      `${store}: PostgreSQL at ${where} refused the login: ${message}`,
      {
        hint: `fix the user and password in the ${store} URL (the password is masked here), or create the role`,
        details,
        cause: error,
      },
    );
  }
  if (code === '3D000') {
    return new FleetcastError('FLEETCAST_BACKEND_AUTH', `${store}: PostgreSQL at ${where}: ${message}`, {
      hint: 'create the database (createdb NAME) or fix the database name in the URL',
      details,
      cause: error,
    });
  }
  // pg's own failures (socket closed, connect timeout) are plain Errors; a server error whose text
  // happens to say "timeout" (a statement_timeout, say) is not a reachability problem.
  const fromServer = error instanceof pg.DatabaseError;
  if ((code && NETWORK_CODES.has(code)) || (!fromServer && /timeout|connection terminated/i.test(message))) {
    return new FleetcastError(
      'FLEETCAST_BACKEND_UNREACHABLE',
      `${store}: cannot reach PostgreSQL at ${where}: ${message}`,
      {
        hint: `start PostgreSQL, or fix the host and port in the ${store} URL`,
        details,
        cause: error,
      },
    );
  }
  if (code === '42P01') {
    return new FleetcastError('FLEETCAST_NOT_FOUND', `PostgreSQL: ${message}`, {
      hint: 'create the table first, or check its name',
      details,
      cause: error,
    });
  }
  const detail = fromServer && error.detail ? ` (${error.detail})` : '';
  return new FleetcastError('FLEETCAST_BACKEND_ERROR', `PostgreSQL: ${message}${detail}`, {
    hint:
      code === '42P10'
        ? 'upsert needs a primary key or unique constraint on exactly the key columns'
        : 'check the statement and the values against the table',
    details,
    cause: error,
  });
}

export interface ScratchDatabase {
  url: string;
  drop: () => Promise<void>;
}

/**
 * Creates a fresh, empty database on the server named by `baseUrl` (whose user may create
 * databases) and returns its URL; `drop()` removes it even while clients are still connected.
 * Benchmarks and tests use it so they never touch real data.
 */
export async function createScratchDatabase(baseUrl: string, prefix: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await adminQuery(baseUrl, `CREATE DATABASE ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => adminQuery(baseUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function adminQuery(baseUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: baseUrl, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query(statement);
  } catch (error) {
    throw postgresError(error, baseUrl, 'scratch database');
  } finally {
    await client.end().catch(() => {});
  }
}
