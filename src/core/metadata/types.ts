import type { Kysely } from 'kysely';

/** Tables of the metadata store. Timestamps are ISO-8601 text and JSON is text in both dialects. */
export interface MetadataTables {
  runs: RunsTable;
}

export interface RunsTable {
  id: string;
  kind: string;
  name: string | null;
  status: RunStatus;
  params: string | null;
  metrics: string | null;
  error: string | null;
  created_at: string;
  finished_at: string | null;
}

export type RunStatus = 'running' | 'completed' | 'failed';

/**
 * The metadata SQL store (runs, and later registry, studies, jobs). Embedded: a SQLite file.
 * Scaled: PostgreSQL. One set of migrations, written with Kysely's schema builder, serves both.
 */
export interface MetadataStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Location with secrets masked. */
  readonly location: string;
  readonly db: Kysely<MetadataTables>;
  /** Applies pending migrations, each in its own transaction; returns the names applied now. */
  migrate(): Promise<string[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
