import { accessSync, constants } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { errorMessage, FleetcastError } from '../errors.js';
import { makeFolderSync } from '../folders.js';
import { migrateToLatest } from './migrations.js';
import type { MetadataStore, MetadataTables } from './types.js';

/** Embedded metadata store: one SQLite file (WAL mode, so readers never block the writer). */
export class SqliteMetadataStore implements MetadataStore {
  readonly kind = 'sqlite' as const;
  readonly location: string;
  readonly db: Kysely<MetadataTables>;
  private closed = false;

  constructor(readonly path: string) {
    this.location = `sqlite:${path}`;
    const database = openSqliteFile(path);
    this.db = new Kysely<MetadataTables>({ dialect: new SqliteDialect({ database }) });
  }

  migrate(): Promise<string[]> {
    return migrateToLatest(this.db as Kysely<unknown>, this.location);
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.destroy();
  }
}

function openSqliteFile(path: string): Database.Database {
  if (path !== ':memory:') ensureWritableFolder(dirname(path), path);
  try {
    const database = new Database(path);
    database.pragma('journal_mode = WAL');
    database.pragma('busy_timeout = 5000');
    database.pragma('foreign_keys = ON');
    return database;
  } catch (error) {
    throw new FleetcastError('FLEETCAST_HOME_UNWRITABLE', `cannot open SQLite file ${path}: ${errorMessage(error)}`, {
      hint: 'point FLEETCAST_HOME or FLEETCAST_DATABASE_URL at a writable folder',
      cause: error,
    });
  }
}

/** Creates `folder` if needed and checks it can be written, failing with a clear, fixable error. */
export function ensureWritableFolder(folder: string, forWhat: string): void {
  try {
    makeFolderSync(folder);
    accessSync(folder, constants.W_OK);
  } catch (error) {
    throw new FleetcastError('FLEETCAST_HOME_UNWRITABLE', `cannot write to folder ${folder} (for ${forWhat})`, {
      hint: 'set FLEETCAST_HOME (or --home) to a folder you can write, or fix its permissions',
      details: { folder },
      cause: error,
    });
  }
}
