/**
 * Read-only views of stored studies, for `tune status` and dashboards: they need no sampler and
 * hold no lease, so they are safe to run while a coordinator drives the study.
 */
import type { ParamSet, TrialStatus } from '../../contracts/index.js';
import type { MetadataStore, TrialRowState } from '../../core/metadata/index.js';
import { leaseMs, paramsFromJson, studyNotFound } from './rows.js';
import { STOP_RUN_KIND } from './stop.js';

export interface StudyCounts {
  /** Trial numbers asked so far. */
  readonly trials: number;
  /** Attempts by stored state (an expired attempt and its re-queued successor count separately). */
  readonly attempts: Readonly<Record<TrialRowState, number>>;
}

export interface BestTrial {
  readonly trialId: string;
  readonly number: number;
  readonly paramId: string;
  readonly params: ParamSet;
  readonly loss: number;
}

export interface StudyStatus extends StudyCounts {
  readonly name: string;
  readonly sampler: { readonly name?: string; readonly seed?: string };
  readonly createdAt: string;
  readonly best?: BestTrial;
  /** When the last `tune stop` was requested, if ever. */
  readonly stopRequestedAt?: string;
}

export interface TrialAttempt {
  readonly trialId: string;
  readonly number: number;
  readonly attempt: number;
  readonly paramId: string;
  readonly params: ParamSet;
  readonly state: TrialRowState;
  readonly loss?: number;
  readonly error?: string;
  readonly worker?: string;
  readonly leaseExpiresAt?: number;
  readonly askedAt: string;
  readonly finishedAt?: string;
}

const STATES: readonly TrialRowState[] = ['queued', 'running', 'completed', 'failed', 'timeout', 'expired'];

export async function studyStatus(store: MetadataStore, name: string): Promise<StudyStatus> {
  const study = await store.db.selectFrom('studies').selectAll().where('name', '=', name).executeTakeFirst();
  if (study === undefined) throw studyNotFound(name);
  const rows = await store.db
    .selectFrom('trials')
    .select(['state', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('study', '=', name)
    .groupBy('state')
    .execute();
  const attempts = Object.fromEntries(STATES.map((s) => [s, 0])) as Record<TrialRowState, number>;
  for (const row of rows) attempts[row.state] = Number(row.n);
  const numbers = await store.db
    .selectFrom('trials')
    .select((eb) => eb.fn.count<number | string>('number').distinct().as('n'))
    .where('study', '=', name)
    .executeTakeFirstOrThrow();
  const best = await bestTrial(store, name);
  const stop = await store.db
    .selectFrom('runs')
    .select('created_at')
    .where('kind', '=', STOP_RUN_KIND)
    .where('name', '=', name)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return {
    name,
    sampler: JSON.parse(study.sampler) as StudyStatus['sampler'],
    createdAt: study.created_at,
    trials: Number(numbers.n),
    attempts,
    ...(best === undefined ? {} : { best }),
    ...(stop === undefined ? {} : { stopRequestedAt: stop.created_at }),
  };
}

/** The completed trial with the lowest loss (earliest number on ties), straight from the store. */
export async function bestTrial(store: MetadataStore, name: string): Promise<BestTrial | undefined> {
  const row = await store.db
    .selectFrom('trials')
    .selectAll()
    .where('study', '=', name)
    .where('state', '=', 'completed')
    .orderBy('loss')
    .orderBy('number')
    .limit(1)
    .executeTakeFirst();
  if (row === undefined || row.loss === null) return undefined;
  return {
    trialId: row.trial_id,
    number: row.number,
    paramId: row.param_id,
    params: paramsFromJson(row.params),
    loss: Number(row.loss),
  };
}

/** Every attempt of a study in (number, attempt) order: the full history, expired leases included. */
export async function trialAttempts(store: MetadataStore, name: string): Promise<TrialAttempt[]> {
  const rows = await store.db
    .selectFrom('trials')
    .selectAll()
    .where('study', '=', name)
    .orderBy('number')
    .orderBy('attempt')
    .execute();
  return rows.map((row) => ({
    trialId: row.trial_id,
    number: row.number,
    attempt: row.attempt,
    paramId: row.param_id,
    params: paramsFromJson(row.params),
    state: row.state,
    ...(row.loss === null ? {} : { loss: Number(row.loss) }),
    ...(row.error === null ? {} : { error: row.error }),
    ...(row.worker === null ? {} : { worker: row.worker }),
    ...(row.lease_expires_at === null ? {} : { leaseExpiresAt: leaseMs(row.lease_expires_at) }),
    askedAt: row.asked_at,
    ...(row.finished_at === null ? {} : { finishedAt: row.finished_at }),
  }));
}

/** Completed, failed and timed-out trial numbers: what a finished study reports. */
export function toldCount(counts: StudyCounts): number {
  const told: TrialStatus[] = ['completed', 'failed', 'timeout'];
  return told.reduce((n, s) => n + counts.attempts[s], 0);
}
