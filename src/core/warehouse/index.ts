/**
 * The warehouse entry point: a URL picks the implementation. Embedded: `duckdb:/abs/path/file.duckdb`
 * or `duckdb::memory:`. Scaled: `postgres://…` / `postgresql://…`, or
 * `bigquery://project/dataset[?location=EU&endpoint=http://host:port]` (the endpoint also from
 * BIGQUERY_EMULATOR_HOST, the token from GOOGLE_OAUTH_ACCESS_TOKEN).
 */
import { apiRoot, GOOGLE_TOKEN_VARIABLE } from '../artifacts/google-rest.js';
import { maskUrl } from '../config/mask.js';
import { FleetcastError } from '../errors.js';
import { BigQueryWarehouse } from './bigquery.js';
import { DuckDbWarehouse } from './duckdb.js';
import { PostgresWarehouse } from './postgres.js';
import type { Warehouse } from './types.js';

export { BIGQUERY_DEFAULT_ENDPOINT, BigQueryWarehouse, type BigQueryWarehouseOptions } from './bigquery.js';
export { DuckDbWarehouse } from './duckdb.js';
export { PostgresWarehouse } from './postgres.js';
export type { ColumnSpec, ColumnType, Row, TableSpec, Warehouse } from './types.js';

const ACCEPTED =
  'use duckdb:/absolute/path/warehouse.duckdb, duckdb::memory:, postgres://user:password@host:5432/database, or bigquery://project/dataset';

/**
 * Opens the warehouse a URL names. DuckDB opens its file now; PostgreSQL and BigQuery connect on
 * first use. `env` supplies BigQuery's token and emulator endpoint.
 */
export async function openWarehouse(url: string, env: NodeJS.ProcessEnv = process.env): Promise<Warehouse> {
  const text = url.trim();
  if (/^bigquery:/i.test(text)) return new BigQueryWarehouse(parseBigQueryUrl(text, env));
  if (/^postgres(ql)?:\/\//i.test(text)) {
    try {
      new URL(text);
    } catch {
      throw invalid(text, 'it is not a valid URL');
    }
    return new PostgresWarehouse(text);
  }
  if (/^duckdb:/i.test(text)) {
    // `duckdb:///abs` and `duckdb:/abs` both name /abs; anything relative would depend on the cwd.
    const rest = text.slice('duckdb:'.length).replace(/^\/\/(?=\/)/, '');
    if (rest === ':memory:') return DuckDbWarehouse.open(':memory:');
    if (!rest.startsWith('/') || rest.length < 2) throw invalid(text, 'the DuckDB path must be absolute');
    return DuckDbWarehouse.open(rest);
  }
  throw invalid(text, 'the scheme is not duckdb:, postgres:// or bigquery://');
}

const PROJECT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$|^[a-z0-9.-]+:[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const DATASET = /^[A-Za-z_][A-Za-z0-9_]{0,1023}$/;

/** `bigquery://project/dataset[?location=…&endpoint=…]` → options; the token comes from the environment. */
export function parseBigQueryUrl(
  url: string,
  env: NodeJS.ProcessEnv = process.env,
): ConstructorParameters<typeof BigQueryWarehouse>[0] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(url, 'it is not a valid URL');
  }
  if (!url.startsWith('bigquery://')) throw invalid(url, 'a BigQuery URL starts with bigquery://');
  if (parsed.username || parsed.password) {
    throw invalid(url, `credentials do not belong in the URL; set ${GOOGLE_TOKEN_VARIABLE}`);
  }
  const project = decodeURIComponent(parsed.hostname);
  const segments = parsed.pathname.split('/').filter(Boolean);
  if (!PROJECT.test(project)) throw invalid(url, `"${project}" is not a Google Cloud project id`);
  if (segments.length !== 1 || !DATASET.test(segments[0]!)) {
    throw invalid(url, 'name one dataset after the project: bigquery://project/dataset');
  }
  for (const name of parsed.searchParams.keys()) {
    if (name !== 'location' && name !== 'endpoint') throw invalid(url, `unknown parameter "${name}"`);
  }
  const endpoint = parsed.searchParams.get('endpoint') || env.BIGQUERY_EMULATOR_HOST || undefined;
  const location = parsed.searchParams.get('location') || undefined;
  const token = env[GOOGLE_TOKEN_VARIABLE];
  return {
    project,
    dataset: segments[0]!,
    ...(location ? { location } : {}),
    ...(endpoint ? { endpoint: apiRoot(endpoint) } : {}),
    ...(token ? { accessToken: token } : {}),
  };
}

function invalid(url: string, reason: string): FleetcastError {
  return new FleetcastError('FLEETCAST_URL_INVALID', `invalid warehouse URL ${maskUrl(url)}: ${reason}`, {
    hint: ACCEPTED,
  });
}
