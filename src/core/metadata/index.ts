import { maskUrl } from '../config/mask.js';
import { FleetcastError } from '../errors.js';
import { PostgresMetadataStore } from './postgres.js';
import { SqliteMetadataStore } from './sqlite.js';
import type { MetadataStore } from './types.js';

export * from './api-keys.js';
export { MIGRATION_NAMES } from './migrations.js';
export { PostgresMetadataStore } from './postgres.js';
export * from './runs.js';
export { ensureWritableFolder, SqliteMetadataStore } from './sqlite.js';
export type * from './types.js';

/**
 * Opens the metadata store named by a URL (`sqlite:/path/file.sqlite`, `sqlite::memory:`,
 * `postgres://…`) and brings its schema up to date.
 */
export async function openMetadataStore(url: string, options: { migrate?: boolean } = {}): Promise<MetadataStore> {
  const store = createMetadataStore(url);
  if (options.migrate !== false) {
    try {
      await store.migrate();
    } catch (error) {
      await store.close().catch(() => {});
      throw error;
    }
  }
  return store;
}

export function createMetadataStore(url: string): MetadataStore {
  if (url.startsWith('sqlite:')) {
    let path = url.slice('sqlite:'.length);
    if (path.startsWith('//')) path = path.slice(2);
    if (!path) throw badUrl(url);
    return new SqliteMetadataStore(path);
  }
  if (/^postgres(ql)?:\/\//.test(url)) return new PostgresMetadataStore(url);
  throw badUrl(url);
}

function badUrl(url: string): FleetcastError {
  return new FleetcastError('FLEETCAST_URL_INVALID', `unsupported metadata store URL "${maskUrl(url)}"`, {
    hint: 'use sqlite:/path/to/file.sqlite (embedded) or postgres://user:password@host:5432/db (scaled)',
  });
}
