/**
 * The service's tables in the metadata store (migrations 0006_serve_jobs and 0007_serve_feedback),
 * typed for Kysely. They live beside the core's tables in the same database.
 */
import type { Kysely } from 'kysely';
import type { MetadataStore, MetadataTables } from '../core/metadata/index.js';

export type JobStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

export interface ServeJobsTable {
  id: string;
  model: string;
  version: number;
  status: JobStatus;
  total: number;
  done: number;
  failed: number;
  chunks: number;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  expires_at: string | null;
  error: string | null;
  created_by: string | null;
  lease_owner: string | null;
  /** Epoch ms; bigint comes back as a string from PostgreSQL. */
  lease_expires_at: number | string | null;
}

export interface ServeJobChunksTable {
  job_id: string;
  chunk: number;
  start_index: number;
  count: number;
  /** JSON array of the chunk's inputs. */
  inputs: string;
  /** JSON array of `{output}` or `{error}`, one per input; null until the chunk ran. */
  results: string | null;
  failed: number | null;
  worker: string | null;
  completed_at: string | null;
}

export interface ServePredictionsTable {
  prediction_id: string;
  model: string;
  version: number;
  request_id: string | null;
  input: string;
  output: string;
  created_at: string;
}

export interface ServeFeedbackTable {
  feedback_id: string;
  prediction_id: string;
  model: string;
  version: number;
  label: string;
  comment: string | null;
  input: string;
  output: string;
  created_by: string | null;
  created_at: string;
}

export interface ServeTables extends MetadataTables {
  serve_jobs: ServeJobsTable;
  serve_job_chunks: ServeJobChunksTable;
  serve_predictions: ServePredictionsTable;
  serve_feedback: ServeFeedbackTable;
}

export function serveDb(metadata: MetadataStore): Kysely<ServeTables> {
  return metadata.db.withTables<Omit<ServeTables, keyof MetadataTables>>() as unknown as Kysely<ServeTables>;
}
