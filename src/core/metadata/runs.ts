import { FleetcastError } from '../errors.js';
import { newRunId } from '../logging.js';
import type { MetadataStore, RunStatus } from './types.js';

/** One unit of tracked work (a training run, a job run, a benchmark): the first metadata consumer. */
export interface Run {
  id: string;
  kind: string;
  name: string | null;
  status: RunStatus;
  params: Record<string, unknown>;
  metrics: Record<string, number>;
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface CreateRunInput {
  kind: string;
  name?: string;
  params?: Record<string, unknown>;
  /** Defaults to a fresh run id. */
  id?: string;
}

const KIND = /^[a-z][a-z0-9-]*$/;

export async function createRun(store: MetadataStore, input: CreateRunInput): Promise<Run> {
  if (!KIND.test(input.kind)) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `run kind "${input.kind}" is not a lower-case word`, {
      hint: 'use a kind such as train, backtest or job',
    });
  }
  const row = {
    id: input.id ?? newRunId(),
    kind: input.kind,
    name: input.name ?? null,
    status: 'running' as const,
    params: JSON.stringify(input.params ?? {}),
    metrics: null,
    error: null,
    created_at: new Date().toISOString(),
    finished_at: null,
  };
  await store.db.insertInto('runs').values(row).execute();
  return toRun(row);
}

/**
 * Marks a running run completed or failed. Finishing is once only: a second call with the same
 * outcome is a no-op (so a retried job may call it again); a different outcome is an error.
 */
export async function finishRun(
  store: MetadataStore,
  id: string,
  outcome: { status: 'completed'; metrics?: Record<string, number> } | { status: 'failed'; error: string },
): Promise<Run> {
  return store.db.transaction().execute(async (tx) => {
    const current = await tx.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
    if (!current) throw notFound(id);
    if (current.status !== 'running') {
      if (current.status === outcome.status) return toRun(current);
      throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `run ${id} already ${current.status}`, {
        hint: 'a finished run cannot change its outcome; start a new run',
      });
    }
    const update = {
      status: outcome.status,
      metrics: outcome.status === 'completed' ? JSON.stringify(outcome.metrics ?? {}) : null,
      error: outcome.status === 'failed' ? outcome.error : null,
      finished_at: new Date().toISOString(),
    };
    await tx.updateTable('runs').set(update).where('id', '=', id).execute();
    return toRun({ ...current, ...update });
  });
}

export async function getRun(store: MetadataStore, id: string): Promise<Run> {
  const row = await store.db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(id);
  return toRun(row);
}

export async function listRuns(store: MetadataStore, filter: { kind?: string; limit?: number } = {}): Promise<Run[]> {
  let query = store.db.selectFrom('runs').selectAll();
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit ?? 100)
    .execute();
  return rows.map(toRun);
}

function notFound(id: string): FleetcastError {
  return new FleetcastError('FLEETCAST_NOT_FOUND', `no run with id ${id}`, { hint: 'list runs to see their ids' });
}

function toRun(row: {
  id: string;
  kind: string;
  name: string | null;
  status: RunStatus;
  params: string | null;
  metrics: string | null;
  error: string | null;
  created_at: string;
  finished_at: string | null;
}): Run {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    status: row.status,
    params: row.params ? JSON.parse(row.params) : {},
    metrics: row.metrics ? JSON.parse(row.metrics) : {},
    error: row.error,
    createdAt: new Date(row.created_at),
    finishedAt: row.finished_at ? new Date(row.finished_at) : null,
  };
}
