/**
 * A study stored in the metadata store (SQLite or PostgreSQL through Kysely, one code path).
 *
 * Every asked trial is leased to a worker until a deadline that heartbeats push back. A lease that
 * runs out is re-queued: the attempt is marked `expired` and attempt + 1 (same number and params,
 * a new trial id) waits for the next ask. Told results are final, and a tell for an expired attempt
 * is refused, so a trial number is counted once whichever attempt finishes it.
 *
 * One coordinator drives a study at a time: it keeps the trials in memory (samplers read the whole
 * history on every ask) and the store is the durable copy it reloads on open. Each write is one
 * statement or one transaction, and every state change is conditional on the state it expects, so
 * a write that lost a race changes nothing and is reported instead of double-counting.
 */
import { hostname } from 'node:os';
import { paramId, sameTrialResult, type TrialResult, trialId } from '../../contracts/index.js';
import { FleetcastError } from '../../core/errors.js';
import type { MetadataStore, TrialRowState, TrialsTable } from '../../core/metadata/index.js';
import type { Sampler, TrialRecord } from '../samplers/index.js';
import type { SearchSpace } from '../space/index.js';
import { type ParamImportance, paramImportance } from './importance.js';
import {
  leaseMs,
  paramsToJson,
  recordFromRow,
  resultFromRow,
  spaceFromJson,
  spaceToJson,
  studyNotFound,
  validResult,
} from './rows.js';
import { isSampler, resolveSampler, type SamplerSpec } from './sampler-spec.js';
import type { AskedTrial, Study } from './types.js';

export const DEFAULT_LEASE_MS = 60_000;
/** Ids per heartbeat statement: well under SQLite's bound-parameter limit. */
const HEARTBEAT_CHUNK = 500;
/** Trials per multi-row insert: 14 columns each stays well under both databases' parameter limits. */
const MAX_BATCH = 256;

export interface SqlStudyOptions {
  name: string;
  /** Needed to create the study; checked against the stored space when it exists. */
  space?: SearchSpace;
  /** A sampler, or a spec to build one. A spec is stored, so a later open needs no sampler. */
  sampler?: Sampler | SamplerSpec;
  /** How long an asked trial stays leased without a heartbeat; default 60 s. */
  leaseMs?: number;
  /** Who holds the leases this object takes; default host:pid. */
  worker?: string;
  /** Epoch-ms clock, replaceable in tests. */
  now?: () => number;
}

export interface LeasedTrial extends AskedTrial {
  readonly attempt: number;
  readonly leaseExpiresAt: number;
}

interface Attempt {
  readonly number: number;
  readonly attempt: number;
  state: TrialRowState;
  /** The write recording a tell, so a repeated tell compares against the stored row. */
  telling?: Promise<unknown>;
}

export class SqlStudy implements Study {
  readonly name: string;
  readonly space: SearchSpace;
  readonly worker: string;
  readonly leaseMs: number;
  private readonly store: MetadataStore;
  private readonly sampler: Sampler;
  private readonly now: () => number;
  /** Latest attempt of each trial number, in number order: what samplers see. */
  private records: TrialRecord[] = [];
  private position = new Map<number, number>();
  private attempts = new Map<string, Attempt>();
  /** Numbers whose latest attempt is queued (re-queued after a lease ran out), oldest first. */
  private requeued: number[] = [];
  private nextNumber = 0;
  private lastLeaseCheck = Number.NEGATIVE_INFINITY;

  private constructor(
    store: MetadataStore,
    name: string,
    space: SearchSpace,
    sampler: Sampler,
    options: SqlStudyOptions,
  ) {
    this.store = store;
    this.name = name;
    this.space = space;
    this.sampler = sampler;
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.worker = options.worker ?? `${hostname()}:${process.pid}`;
    this.now = options.now ?? Date.now;
  }

  /** Creates the study, or reopens it (after a restart) with the trials it has stored. */
  static async open(store: MetadataStore, options: SqlStudyOptions): Promise<SqlStudy> {
    const { name } = options;
    // Checked before anything is written, so a bad option leaves no half-created study.
    if (options.leaseMs !== undefined && !(Number.isFinite(options.leaseMs) && options.leaseMs > 0)) {
      throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `leaseMs must be > 0, got ${options.leaseMs}`, {
        hint: 'give the lease in milliseconds, e.g. 60000',
      });
    }
    if (name.length === 0 || name.length > 200) {
      throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', 'a study name has 1 to 200 characters', {
        hint: 'name the study, e.g. branin-tpe-1',
      });
    }
    let row = await store.db.selectFrom('studies').selectAll().where('name', '=', name).executeTakeFirst();
    if (row === undefined) {
      if (options.space === undefined || options.sampler === undefined) {
        const error = studyNotFound(name);
        throw new FleetcastError(error.code, error.message, {
          hint: 'give a search space and a sampler to create it',
          details: { study: name },
        });
      }
      const spec = isSampler(options.sampler) ? { name: options.sampler.name } : options.sampler;
      await store.db
        .insertInto('studies')
        .values({
          name,
          space: spaceToJson(options.space),
          sampler: JSON.stringify(spec),
          created_at: new Date().toISOString(),
        })
        // Two coordinators creating one study at once: the second reads what the first wrote.
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      row = await store.db.selectFrom('studies').selectAll().where('name', '=', name).executeTakeFirstOrThrow();
    }
    if (options.space !== undefined && spaceToJson(options.space) !== row.space) {
      throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `study "${name}" exists with a different search space`, {
        hint: 'use a new study name, or the space the study was created with',
        details: { study: name },
      });
    }
    const sampler = resolveSampler(name, row.sampler, options.sampler);
    const study = new SqlStudy(store, name, spaceFromJson(row.space), sampler, options);
    await study.reload();
    return study;
  }

  /**
   * Leases the next trial: a re-queued attempt if one waits, else a fresh parameter set from the
   * sampler. Leases that ran out are re-queued first (checked at most every second).
   */
  async ask(options: { worker?: string; leaseMs?: number } = {}): Promise<LeasedTrial> {
    await this.checkLeases();
    const now = this.now();
    const worker = options.worker ?? this.worker;
    const leaseExpiresAt = this.now() + (options.leaseMs ?? this.leaseMs);
    const queuedNumber = this.requeued.shift();
    if (queuedNumber !== undefined) {
      const record = this.record(queuedNumber);
      const attempt = this.attempts.get(record.trialId)!;
      attempt.state = 'running';
      const updated = await this.guarded(() =>
        this.store.db
          .updateTable('trials')
          .set({ state: 'running', worker, lease_expires_at: leaseExpiresAt })
          .where('trial_id', '=', record.trialId)
          .where('state', '=', 'queued')
          .executeTakeFirst(),
      );
      if (updated.numUpdatedRows !== 1n) {
        await this.reload();
        return this.ask(options);
      }
      const { number, trialId: id, paramId: pid, params } = record;
      return { trialId: id, number, paramId: pid, params, attempt: attempt.attempt, leaseExpiresAt };
    }
    const [asked] = await this.askFresh(1, worker, leaseExpiresAt, now);
    return asked!;
  }

  /**
   * Asks up to `count` trials in one write: a re-queued attempt alone if one waits, else `count`
   * fresh trials inserted by one statement. A runner with several free slots saves a commit (an
   * fsync) per trial, which is most of what a stored trial costs.
   */
  async askMany(count: number, options: { worker?: string; leaseMs?: number } = {}): Promise<LeasedTrial[]> {
    if (count < 1) return [];
    await this.checkLeases();
    if (count === 1 || this.requeued.length > 0) return [await this.ask(options)];
    const now = this.now();
    const leaseExpiresAt = now + (options.leaseMs ?? this.leaseMs);
    return this.askFresh(Math.min(count, MAX_BATCH), options.worker ?? this.worker, leaseExpiresAt, now);
  }

  /** Re-queues expired leases, at most every second (or quarter lease): asks stay cheap. */
  private async checkLeases(): Promise<void> {
    const now = this.now();
    if (now - this.lastLeaseCheck < Math.min(1_000, this.leaseMs / 4)) return;
    this.lastLeaseCheck = now;
    await this.requeueExpired();
  }

  private async askFresh(count: number, worker: string, leaseExpiresAt: number, now: number): Promise<LeasedTrial[]> {
    // Numbers, samples and mirror updates happen in one synchronous step, so concurrent asks in
    // this process take distinct numbers and each sampler call sees every earlier ask.
    const asked: LeasedTrial[] = [];
    for (let i = 0; i < count; i++) {
      const number = this.nextNumber;
      const params = this.sampler.sample(this.space, { number, history: this.records });
      const trial: LeasedTrial = {
        trialId: trialId({ study: this.name, number, attempt: 0 }),
        number,
        paramId: paramId(params),
        params,
        attempt: 0,
        leaseExpiresAt,
      };
      this.nextNumber++;
      this.put(Object.freeze({ number, trialId: trial.trialId, paramId: trial.paramId, params, state: 'running' }));
      this.attempts.set(trial.trialId, { number, attempt: 0, state: 'running' });
      asked.push(trial);
    }
    const askedAt = new Date(now).toISOString();
    await this.guarded(() =>
      this.store.db
        .insertInto('trials')
        .values(
          asked.map((t) => ({
            trial_id: t.trialId,
            study: this.name,
            number: t.number,
            attempt: 0,
            param_id: t.paramId,
            params: paramsToJson(t.params),
            state: 'running' as const,
            loss: null,
            diagnostics: null,
            error: null,
            worker,
            lease_expires_at: leaseExpiresAt,
            asked_at: askedAt,
            finished_at: null,
          })),
        )
        .execute(),
    );
    return asked;
  }

  /**
   * Leases a re-queued attempt if one waits (re-queuing leases that ran out first), else returns
   * undefined: how a runner that has asked enough fresh trials picks up a lost coordinator's work.
   */
  async askQueued(options: { worker?: string; leaseMs?: number } = {}): Promise<LeasedTrial | undefined> {
    if (this.requeued.length === 0) await this.checkLeases();
    return this.requeued.length === 0 ? undefined : this.ask(options);
  }

  /**
   * Records a result. The same result again is a no-op; a different one is refused, as is a tell
   * for an attempt whose lease ran out (its re-queued attempt will be told instead).
   */
  async tell(input: TrialResult): Promise<void> {
    const result = validResult(input);
    const attempt = this.attempts.get(result.trialId);
    if (attempt === undefined) {
      throw new FleetcastError('FLEETCAST_NOT_FOUND', `study ${this.name} has no trial ${result.trialId}`, {
        hint: 'tell only trials that this study asked for',
        details: { trialId: result.trialId },
      });
    }
    const record = this.record(attempt.number);
    if (result.paramId !== record.paramId) {
      throw new FleetcastError(
        'FLEETCAST_INVALID_ARGUMENT',
        `trial ${result.trialId} was asked with param id ${record.paramId}, told ${result.paramId}`,
        { hint: 'report the param id the trial was asked with', details: { trialId: result.trialId } },
      );
    }
    if (attempt.state !== 'running') return this.checkRepeat(attempt, result);
    attempt.state = result.status;
    const write = this.guarded(() =>
      this.store.db
        .updateTable('trials')
        .set({
          state: result.status,
          loss: result.loss ?? null,
          diagnostics: result.diagnostics === undefined ? null : JSON.stringify(result.diagnostics),
          error: result.error ?? null,
          finished_at: new Date(this.now()).toISOString(),
        })
        .where('trial_id', '=', result.trialId)
        .where('state', '=', 'running')
        .executeTakeFirst(),
    );
    attempt.telling = write.catch(() => {});
    const updated = await write;
    if (updated.numUpdatedRows !== 1n) {
      // Another writer (a lease re-queue) changed the row first: the store decides.
      await this.reload();
      const fresh = this.attempts.get(result.trialId)!;
      return this.checkRepeat(fresh, result);
    }
    if (this.record(attempt.number).trialId === result.trialId) {
      this.put(
        Object.freeze({ ...record, state: result.status, ...(result.loss === undefined ? {} : { loss: result.loss }) }),
      );
    }
  }

  /** Pushes back the leases of running trials; returns the ids still leased (the others were lost). */
  async heartbeat(trialIds: readonly string[], options: { leaseMs?: number } = {}): Promise<string[]> {
    const held = trialIds.filter((id) => this.attempts.get(id)?.state === 'running');
    const leaseExpiresAt = this.now() + (options.leaseMs ?? this.leaseMs);
    for (let i = 0; i < held.length; i += HEARTBEAT_CHUNK) {
      await this.store.db
        .updateTable('trials')
        .set({ lease_expires_at: leaseExpiresAt })
        .where('trial_id', 'in', held.slice(i, i + HEARTBEAT_CHUNK))
        .where('state', '=', 'running')
        .execute();
    }
    return held;
  }

  /** Re-queues every running attempt whose lease has run out; returns the new attempts' trial ids. */
  async requeueExpired(): Promise<string[]> {
    const now = this.now();
    const expired = await this.store.db
      .selectFrom('trials')
      .selectAll()
      .where('study', '=', this.name)
      .where('state', '=', 'running')
      .where('lease_expires_at', '<', now)
      .orderBy('number')
      .execute();
    const created: string[] = [];
    for (const row of expired) {
      const next = { ...row, attempt: row.attempt + 1 };
      next.trial_id = trialId({ study: this.name, number: row.number, attempt: next.attempt });
      const moved = await this.store.db.transaction().execute(async (tx) => {
        const marked = await tx
          .updateTable('trials')
          .set({ state: 'expired', finished_at: new Date(now).toISOString() })
          .where('trial_id', '=', row.trial_id)
          .where('state', '=', 'running')
          .where('lease_expires_at', '<', now)
          .executeTakeFirst();
        if (marked.numUpdatedRows !== 1n) return false;
        await tx
          .insertInto('trials')
          .values({
            ...next,
            state: 'queued',
            worker: null,
            lease_expires_at: null,
            asked_at: new Date(now).toISOString(),
          })
          .execute();
        return true;
      });
      if (!moved) continue;
      created.push(next.trial_id);
      const old = this.attempts.get(row.trial_id);
      if (old) old.state = 'expired';
      this.attempts.set(next.trial_id, { number: row.number, attempt: next.attempt, state: 'queued' });
      this.put(recordFromRow({ ...next, state: 'queued' }, this.record(row.number).params));
      this.requeued.push(row.number);
    }
    return created;
  }

  async best(): Promise<TrialRecord | undefined> {
    let best: TrialRecord | undefined;
    for (const t of this.records) {
      if (t.state === 'completed' && (best === undefined || t.loss! < best.loss!)) best = t;
    }
    return best;
  }

  /** One record per trial number (its latest attempt), in number order. */
  async history(): Promise<readonly TrialRecord[]> {
    return [...this.records];
  }

  /** Share of the loss variance each parameter explains, over the completed trials. */
  async importance(): Promise<ParamImportance[]> {
    return paramImportance(this.space, this.records);
  }

  /** Rebuilds the in-memory copy from the store: on open, and after a write that lost a race. */
  async reload(): Promise<void> {
    const rows = await this.store.db
      .selectFrom('trials')
      .selectAll()
      .where('study', '=', this.name)
      .orderBy('number')
      .orderBy('attempt')
      .execute();
    const latest = new Map<number, TrialsTable>();
    const attempts = new Map<string, Attempt>();
    for (const row of rows) {
      latest.set(row.number, row);
      attempts.set(row.trial_id, { number: row.number, attempt: row.attempt, state: row.state });
    }
    this.records = [];
    this.position = new Map();
    this.requeued = [];
    for (const row of latest.values()) {
      this.put(recordFromRow(row));
      if (row.state === 'queued') this.requeued.push(row.number);
    }
    this.attempts = attempts;
    this.nextNumber = rows.length === 0 ? 0 : Math.max(...latest.keys()) + 1;
  }

  private record(number: number): TrialRecord {
    return this.records[this.position.get(number)!]!;
  }

  private put(record: TrialRecord): void {
    const at = this.position.get(record.number);
    if (at !== undefined) {
      this.records[at] = record;
      return;
    }
    this.position.set(record.number, this.records.length);
    this.records.push(record);
  }

  /** Compares a tell for an attempt that is no longer running with what the store holds. */
  private async checkRepeat(attempt: Attempt, result: TrialResult): Promise<void> {
    await attempt.telling;
    const row = await this.store.db
      .selectFrom('trials')
      .selectAll()
      .where('trial_id', '=', result.trialId)
      .executeTakeFirstOrThrow();
    const stored = resultFromRow(row);
    if (stored !== undefined) {
      if (sameTrialResult(stored, result)) return;
      throw new FleetcastError(
        'FLEETCAST_INVALID_ARGUMENT',
        `trial ${result.trialId} was already told a different result`,
        {
          hint: 'a trial is told once; retry an evaluation as a new trial',
          details: { trialId: result.trialId },
        },
      );
    }
    const reason =
      row.state === 'expired'
        ? 'its lease ran out and the trial was re-queued as a new attempt'
        : `it is ${row.state}, not leased`;
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `trial ${result.trialId} cannot be told: ${reason}`, {
      hint: 'heartbeat long evaluations so their lease does not run out; the newer attempt carries the result',
      details: { trialId: result.trialId, state: row.state, leaseExpiresAt: leaseMs(row.lease_expires_at) },
    });
  }

  /** Runs a write; if it fails, the in-memory copy may be ahead of the store, so it is reloaded. */
  private async guarded<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      await this.reload().catch(() => {});
      throw error;
    }
  }
}
