import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { maskUrl } from '../config/mask.js';
import { postgresError } from '../postgres.js';
import { migrateToLatest } from './migrations.js';
import type { MetadataStore, MetadataTables } from './types.js';

/** Scaled metadata store: PostgreSQL through a connection pool. */
export class PostgresMetadataStore implements MetadataStore {
  readonly kind = 'postgres' as const;
  readonly location: string;
  readonly db: Kysely<MetadataTables>;
  private readonly pool: pg.Pool;
  private closed = false;

  constructor(private readonly url: string) {
    this.location = maskUrl(url);
    this.pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: 5_000, max: 10 });
    // An idle client dropped by the server must not crash the process; the next query reconnects.
    this.pool.on('error', () => {});
    this.db = new Kysely<MetadataTables>({ dialect: new PostgresDialect({ pool: this.pool }) });
  }

  async migrate(): Promise<string[]> {
    await this.ping();
    return migrateToLatest(this.db as Kysely<unknown>, this.location);
  }

  async ping(): Promise<void> {
    try {
      await sql`select 1`.execute(this.db);
    } catch (error) {
      throw postgresError(error, this.url, 'metadata store');
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.destroy();
  }
}
