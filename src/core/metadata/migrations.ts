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
  '0002_registry': {
    async up(db: Kysely<unknown>) {
      // `next_version` is bumped with UPDATE … RETURNING inside the registration transaction: the
      // row lock serialises concurrent registrations of one model, and a rollback returns the number.
      await db.schema
        .createTable('registered_models')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('next_version', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('model_versions')
        .addColumn('name', 'text', (c) => c.notNull().references('registered_models.name'))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('flavor', 'text', (c) => c.notNull())
        .addColumn('signature', 'text', (c) => c.notNull())
        .addColumn('files', 'text', (c) => c.notNull())
        .addColumn('size_bytes', 'bigint', (c) => c.notNull())
        .addColumn('params', 'text', (c) => c.notNull())
        .addColumn('metrics', 'text', (c) => c.notNull())
        .addColumn('tags', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('source_run', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('model_versions_pk', ['name', 'version'])
        .execute();
      await db.schema
        .createTable('model_aliases')
        .addColumn('name', 'text', (c) => c.notNull().references('registered_models.name'))
        .addColumn('alias', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('model_aliases_pk', ['name', 'alias'])
        .execute();
      // Append-only audit of every alias change: who moved which alias from which version to which, when, why.
      await db.schema
        .createTable('alias_history')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('alias', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull().check(sql`action in ('promote', 'rollback', 'remove')`))
        .addColumn('from_version', 'integer')
        .addColumn('to_version', 'integer')
        .addColumn('changed_by', 'text', (c) => c.notNull())
        .addColumn('changed_at', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .execute();
      await db.schema.createIndex('alias_history_name').on('alias_history').columns(['name', 'alias', 'id']).execute();
    },
  },
  '0003_studies': {
    async up(db: Kysely<unknown>) {
      // The space and sampler are stored so a restarted coordinator rebuilds the same study.
      await db.schema
        .createTable('studies')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('space', 'text', (c) => c.notNull())
        .addColumn('sampler', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      // One row per attempt. An expired lease leaves its row `expired` and adds attempt + 1 as
      // `queued` (same number and params, new trial id), so every attempt stays on record.
      await db.schema
        .createTable('trials')
        .addColumn('trial_id', 'text', (c) => c.primaryKey())
        .addColumn('study', 'text', (c) => c.notNull().references('studies.name'))
        .addColumn('number', 'integer', (c) => c.notNull())
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('param_id', 'text', (c) => c.notNull())
        .addColumn('params', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) =>
          c.notNull().check(sql`state in ('queued', 'running', 'completed', 'failed', 'timeout', 'expired')`),
        )
        .addColumn('loss', 'double precision')
        .addColumn('diagnostics', 'text')
        .addColumn('error', 'text')
        .addColumn('worker', 'text')
        // Epoch milliseconds: compared numerically, the same way in both dialects.
        .addColumn('lease_expires_at', 'bigint')
        .addColumn('asked_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .addUniqueConstraint('trials_attempt', ['study', 'number', 'attempt'])
        .execute();
      await db.schema.createIndex('trials_study_state').on('trials').columns(['study', 'state']).execute();
    },
  },
  '0004_upload_events': {
    async up(db: Kysely<unknown>) {
      // One row per manifest found in the artifact store by the upload watcher: the primary key is
      // the claim, so however often (and from however many hosts) it rescans, an upload registers once.
      await db.schema
        .createTable('upload_events')
        .addColumn('manifest_key', 'text', (c) => c.primaryKey())
        .addColumn('manifest_sha256', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('claimed', 'registered', 'rejected')`))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('version', 'integer')
        .addColumn('reason', 'text')
        .addColumn('claimed_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .execute();
    },
  },
  '0005_schedules': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('schedules')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('cron', 'text', (c) => c.notNull())
        .addColumn('timezone', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('spec', 'text', (c) => c.notNull())
        .addColumn('retries', 'integer', (c) => c.notNull())
        .addColumn('backoff_ms', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .execute();
      // One row per firing: the unique (schedule, fire_time) is the claim that keeps two workers
      // from running the same firing twice.
      await db.schema
        .createTable('schedule_runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('schedule', 'text', (c) => c.notNull())
        .addColumn('fire_time', 'text', (c) => c.notNull())
        .addColumn('trigger', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('running', 'completed', 'failed')`))
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('worker', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .addColumn('duration_ms', 'integer')
        .addColumn('rows_in', 'integer')
        .addColumn('rows_out', 'integer')
        .addColumn('rejected', 'integer')
        .addColumn('prediction_run', 'text')
        .addColumn('error', 'text')
        .addUniqueConstraint('schedule_runs_firing', ['schedule', 'fire_time'])
        .execute();
    },
  },
  '0006_serve_jobs': {
    async up(db: Kysely<unknown>) {
      // Async prediction jobs of `fleetcast serve`. The row is the source of truth: any replica
      // answers for it, and the lease (owner + expiry, epoch ms) lets another replica resume a job
      // whose process died.
      await db.schema
        .createTable('serve_jobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) =>
          c.notNull().check(sql`status in ('queued', 'running', 'completed', 'failed', 'cancelled')`),
        )
        .addColumn('total', 'integer', (c) => c.notNull())
        .addColumn('done', 'integer', (c) => c.notNull())
        .addColumn('failed', 'integer', (c) => c.notNull())
        .addColumn('chunks', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text')
        .addColumn('completed_at', 'text')
        .addColumn('expires_at', 'text')
        .addColumn('error', 'text')
        .addColumn('created_by', 'text')
        .addColumn('lease_owner', 'text')
        .addColumn('lease_expires_at', 'bigint')
        .execute();
      await db.schema.createIndex('serve_jobs_status').on('serve_jobs').columns(['status']).execute();
      await db.schema.createIndex('serve_jobs_expires').on('serve_jobs').columns(['expires_at']).execute();
      // Inputs and results in chunks: a restarted job redoes only the chunks without results, and a
      // page of results reads a few rows, not 100,000.
      await db.schema
        .createTable('serve_job_chunks')
        .addColumn('job_id', 'text', (c) => c.notNull())
        .addColumn('chunk', 'integer', (c) => c.notNull())
        .addColumn('start_index', 'integer', (c) => c.notNull())
        .addColumn('count', 'integer', (c) => c.notNull())
        .addColumn('inputs', 'text', (c) => c.notNull())
        .addColumn('results', 'text')
        .addColumn('failed', 'integer')
        .addColumn('worker', 'text')
        .addColumn('completed_at', 'text')
        .addPrimaryKeyConstraint('serve_job_chunks_pk', ['job_id', 'chunk'])
        .execute();
    },
  },
  '0007_serve_feedback': {
    async up(db: Kysely<unknown>) {
      // Every answer of the service, so feedback can name it by id; kept a configurable number of days.
      await db.schema
        .createTable('serve_predictions')
        .addColumn('prediction_id', 'text', (c) => c.primaryKey())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('request_id', 'text')
        .addColumn('input', 'text', (c) => c.notNull())
        .addColumn('output', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('serve_predictions_created')
        .on('serve_predictions')
        .columns(['created_at'])
        .execute();
      // Feedback copies the prediction's input and output, so evaluation reads one table and the
      // prediction log can expire.
      await db.schema
        .createTable('serve_feedback')
        .addColumn('feedback_id', 'text', (c) => c.primaryKey())
        .addColumn('prediction_id', 'text', (c) => c.notNull())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('comment', 'text')
        .addColumn('input', 'text', (c) => c.notNull())
        .addColumn('output', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('serve_feedback_model')
        .on('serve_feedback')
        .columns(['model', 'created_at'])
        .execute();
    },
  },
  '0008_schedule_leases': {
    async up(db: Kysely<unknown>) {
      // Epoch ms until which the worker running a firing holds it; it renews the lease while it works.
      // A `running` row past its lease belongs to a worker that died: the sweep retries or fails it.
      await db.schema.alterTable('schedule_runs').addColumn('lease_expires_at', 'bigint').execute();
      await db.schema
        .createIndex('schedule_runs_status_lease')
        .on('schedule_runs')
        .columns(['status', 'lease_expires_at'])
        .execute();
    },
  },
  '0009_api_keys': {
    async up(db: Kysely<unknown>) {
      // API keys of the HTTP service (`fleetcast keys`), read by every replica on its reload interval.
      // Only the sha256 of a key is stored. Revoking stamps revoked_at (rows are never deleted), so
      // once keys are managed here, revoking the last one closes the service rather than opening it.
      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('key_sha256', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text')
        .addColumn('revoked_at', 'text')
        // Written by the service at most once a minute per key, never on the request path.
        .addColumn('last_used_at', 'text')
        .execute();
      await db.schema.createIndex('api_keys_name').on('api_keys').columns(['name']).execute();
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
