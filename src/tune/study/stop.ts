/**
 * Stopping a study cleanly from anywhere (`fleetcast tune stop STUDY`): the request is a row in the
 * metadata store, and a coordinator driving the study polls for requests that arrived after it
 * started. It then stops asking, lets the trials in flight finish and be told, and ends; the study
 * can be resumed later with a new run.
 *
 * A request is recorded as a run of kind `study-stop` named after the study (with who asked and
 * why), so it needs no schema of its own and stays in the run history. "After it started" is decided
 * by the set of request ids a coordinator saw at start, not by clocks, so hosts with skewed clocks
 * agree.
 */
import { userInfo } from 'node:os';
import { createRun, finishRun, type MetadataStore } from '../../core/metadata/index.js';
import { studyNotFound } from './rows.js';

export const STOP_RUN_KIND = 'study-stop';

export interface StopRequest {
  id: string;
  study: string;
  requestedAt: string;
  by: string;
  reason?: string;
}

function currentUser(): string {
  try {
    return process.env.USER || userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Records a stop request for an existing study. */
export async function requestStop(store: MetadataStore, study: string, reason?: string): Promise<StopRequest> {
  const exists = await store.db.selectFrom('studies').select('name').where('name', '=', study).executeTakeFirst();
  if (exists === undefined) throw studyNotFound(study);
  const by = currentUser();
  const run = await createRun(store, {
    kind: STOP_RUN_KIND,
    name: study,
    params: { by, ...(reason === undefined ? {} : { reason }) },
  });
  await finishRun(store, run.id, { status: 'completed' });
  return {
    id: run.id,
    study,
    requestedAt: run.createdAt.toISOString(),
    by,
    ...(reason === undefined ? {} : { reason }),
  };
}

/** Every stop request of a study, oldest first. */
export async function stopRequests(store: MetadataStore, study: string): Promise<StopRequest[]> {
  const rows = await store.db
    .selectFrom('runs')
    .select(['id', 'params', 'created_at'])
    .where('kind', '=', STOP_RUN_KIND)
    .where('name', '=', study)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((row) => {
    const params = (row.params ? JSON.parse(row.params) : {}) as { by?: string; reason?: string };
    return {
      id: row.id,
      study,
      requestedAt: row.created_at,
      by: params.by ?? 'unknown',
      ...(params.reason === undefined ? {} : { reason: params.reason }),
    };
  });
}

export interface StopWatch {
  /** Aborted when a stop request for the study arrives. */
  readonly signal: AbortSignal;
  close(): void;
}

/**
 * Polls for stop requests newer than the call, aborting `signal` on the first. Read failures are
 * retried on the next tick: a flaky store must not stop a study, nor crash it.
 */
export async function watchStop(
  store: MetadataStore,
  study: string,
  options: { intervalMs?: number } = {},
): Promise<StopWatch> {
  const seen = new Set((await stopRequests(store, study)).map((r) => r.id));
  const controller = new AbortController();
  let busy = false;
  const timer = setInterval(() => {
    if (busy || controller.signal.aborted) return;
    busy = true;
    stopRequests(store, study)
      .then((requests) => {
        const fresh = requests.find((r) => !seen.has(r.id));
        if (fresh !== undefined) controller.abort(fresh);
      })
      .catch(() => {})
      .finally(() => {
        busy = false;
      });
  }, options.intervalMs ?? 500);
  timer.unref();
  return {
    signal: controller.signal,
    close: () => clearInterval(timer),
  };
}
