import type { Kysely } from 'kysely';

/** Tables of the metadata store. Timestamps are ISO-8601 text and JSON is text in both dialects. */
export interface MetadataTables {
  runs: RunsTable;
  registered_models: RegisteredModelsTable;
  model_versions: ModelVersionsTable;
  model_aliases: ModelAliasesTable;
  alias_history: AliasHistoryTable;
  upload_events: UploadEventsTable;
  schedules: SchedulesTable;
  schedule_runs: ScheduleRunsTable;
  studies: StudiesTable;
  trials: TrialsTable;
  api_keys: ApiKeysTable;
}

/** API keys of the HTTP service: the sha256 of each key, never the key (see api-keys.ts). */
export interface ApiKeysTable {
  /** `key_` + the first 12 hex digits of the hash: the name logs and rate limits use. */
  id: string;
  name: string;
  key_sha256: string;
  created_at: string;
  created_by: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface RegisteredModelsTable {
  name: string;
  next_version: number;
  created_at: string;
  created_by: string;
}

export interface ModelVersionsTable {
  name: string;
  version: number;
  flavor: string;
  /** JSON text of the manifest's signature. */
  signature: string;
  /** JSON text: file name → { sha256, size }. */
  files: string;
  /** bigint columns come back as strings from PostgreSQL and numbers from SQLite. */
  size_bytes: number | string;
  params: string;
  metrics: string;
  tags: string;
  /** Where it came from: a local path, a run, or an upload in the artifact store. */
  source: string;
  source_run: string | null;
  created_by: string;
  created_at: string;
}

export interface ModelAliasesTable {
  name: string;
  alias: string;
  version: number;
  updated_at: string;
}

export interface AliasHistoryTable {
  id: string;
  name: string;
  alias: string;
  action: 'promote' | 'rollback' | 'remove';
  from_version: number | null;
  to_version: number | null;
  changed_by: string;
  changed_at: string;
  reason: string | null;
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

export interface StudiesTable {
  name: string;
  /** JSON text of the search space. */
  space: string;
  /** JSON text of the sampler spec (name, seed). */
  sampler: string;
  created_at: string;
}

export type TrialRowState = 'queued' | 'running' | 'completed' | 'failed' | 'timeout' | 'expired';

export interface TrialsTable {
  trial_id: string;
  study: string;
  number: number;
  attempt: number;
  param_id: string;
  /** JSON text of the typed parameter set. */
  params: string;
  state: TrialRowState;
  loss: number | null;
  diagnostics: string | null;
  error: string | null;
  worker: string | null;
  /** Epoch ms; bigint columns come back as strings from PostgreSQL and numbers from SQLite. */
  lease_expires_at: number | string | null;
  asked_at: string;
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

export interface UploadEventsTable {
  manifest_key: string;
  manifest_sha256: string;
  status: 'claimed' | 'registered' | 'rejected';
  name: string;
  version: number | null;
  reason: string | null;
  claimed_at: string;
  finished_at: string | null;
}

export interface SchedulesTable {
  name: string;
  cron: string;
  timezone: string;
  /** What the schedule runs; `predict` today. */
  kind: string;
  /** JSON text of the job's options. */
  spec: string;
  retries: number;
  backoff_ms: number;
  created_at: string;
  created_by: string;
}

export interface ScheduleRunsTable {
  id: string;
  schedule: string;
  /** The firing this run belongs to (ISO instant); manual runs use the time they were asked for. */
  fire_time: string;
  trigger: 'cron' | 'manual';
  status: 'running' | 'completed' | 'failed';
  attempts: number;
  worker: string;
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  rows_in: number | null;
  rows_out: number | null;
  rejected: number | null;
  prediction_run: string | null;
  error: string | null;
}
