import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import { errorMessage, FleetcastError } from '../errors.js';

/**
 * The one list of migrations for SQLite and PostgreSQL, in order. Append only: never edit a
 * migration that has shipped; add the next one. Names sort in application order.
 */
const MIGRATIONS: Record<string, Migration> = {
  '0001_runs': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('name', 'text')
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('running', 'completed', 'failed')`))
        .addColumn('params', 'text')
        .addColumn('metrics', 'text')
        .addColumn('error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .execute();
      await db.schema.createIndex('runs_kind_created').on('runs').columns(['kind', 'created_at']).execute();
    },
  },
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

export const MIGRATION_NAMES = Object.keys(MIGRATIONS).sort();

export async function migrateToLatest(db: Kysely<unknown>, location: string): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: 'fleetcast_migration',
    migrationLockTableName: 'fleetcast_migration_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new FleetcastError(
      'FLEETCAST_BACKEND_ERROR',
      `migration ${failed} failed on ${location}: ${errorMessage(error)} (rolled back)`,
      { hint: 'fix the cause and run the command again; applied migrations are kept', cause: error },
    );
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
