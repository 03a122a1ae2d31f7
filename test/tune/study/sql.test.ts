import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFleetcastError } from '../../../src/core/errors.js';
import { type MetadataStore, openMetadataStore } from '../../../src/core/metadata/index.js';
import {
  BENCHMARKS,
  optimize,
  RandomSampler,
  SqlStudy,
  samplerSpec,
  studyStatus,
  trialAttempts,
} from '../../../src/tune/index.js';
import { metadataTargets } from '../../helpers/services.js';
import { describeStudyConformance } from './conformance.js';

const branin = BENCHMARKS.branin!;

const targets = metadataTargets();

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  return isFleetcastError(error) ? error.code : undefined;
}

describe.each(targets)('SQL study on $name', (target) => {
  let url: string;
  let cleanup: () => Promise<void>;
  let store: MetadataStore;
  let clock = 1_000_000;
  const now = () => clock;

  beforeAll(async () => {
    ({ url, cleanup } = await target.open());
    store = await openMetadataStore(url);
  });
  afterAll(async () => {
    await store?.close();
    await cleanup?.();
  });

  /** Removes a study's rows, so each conformance case starts from an empty study of that name. */
  async function forget(name: string): Promise<void> {
    await store.db.deleteFrom('trials').where('study', '=', name).execute();
    await store.db.deleteFrom('studies').where('name', '=', name).execute();
  }

  describeStudyConformance(target.name, async (options) => {
    await forget(options.name);
    return SqlStudy.open(store, options);
  });

  it('survives a coordinator restart: leased trials are re-queued, none lost or counted twice', async () => {
    const name = 'restart';
    const spec = samplerSpec('random', 5);
    const first = await SqlStudy.open(store, { name, space: branin.space, sampler: spec, leaseMs: 1_000, now });
    const asked = [];
    for (let i = 0; i < 10; i++) asked.push(await first.ask());
    for (const t of asked.slice(0, 6)) {
      await first.tell({ trialId: t.trialId, paramId: t.paramId, status: 'completed', loss: t.number });
    }
    // The coordinator goes away with four trials leased; the store is closed and reopened.
    await store.close();
    store = await openMetadataStore(url);
    clock += 5_000;
    const second = await SqlStudy.open(store, { name, leaseMs: 1_000, now });
    expect((await second.history()).map((t) => t.state)).toEqual([
      ...Array(6).fill('completed'),
      ...Array(4).fill('running'),
    ]);

    // The four leased trials come back first, as new attempts of the same numbers and params.
    const again = [];
    for (let i = 0; i < 4; i++) again.push(await second.ask());
    expect(again.map((t) => t.number)).toEqual([6, 7, 8, 9]);
    for (const [i, t] of again.entries()) {
      expect(t.attempt).toBe(1);
      expect(t.paramId).toBe(asked[6 + i]!.paramId);
      expect(t.trialId).not.toBe(asked[6 + i]!.trialId);
    }
    // A late result from the lost coordinator is refused: its number now belongs to the new attempt.
    const late = asked[7]!;
    expect(
      await codeOf(second.tell({ trialId: late.trialId, paramId: late.paramId, status: 'completed', loss: 7 })),
    ).toBe('FLEETCAST_INVALID_ARGUMENT');
    for (const t of again)
      await second.tell({ trialId: t.trialId, paramId: t.paramId, status: 'completed', loss: t.number });
    for (let i = 0; i < 10; i++) {
      const t = await second.ask();
      expect(t.number).toBe(10 + i);
      await second.tell({ trialId: t.trialId, paramId: t.paramId, status: 'completed', loss: t.number });
    }

    const history = await second.history();
    expect(history.map((t) => t.number)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(history.every((t) => t.state === 'completed')).toBe(true);
    const attempts = await trialAttempts(store, name);
    expect(attempts).toHaveLength(24);
    expect(attempts.filter((a) => a.state === 'expired').map((a) => a.number)).toEqual([6, 7, 8, 9]);
    const completedNumbers = attempts.filter((a) => a.state === 'completed').map((a) => a.number);
    expect(completedNumbers.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    const status = await studyStatus(store, name);
    expect(status.trials).toBe(20);
    expect(status.attempts).toMatchObject({ completed: 20, expired: 4, running: 0, queued: 0 });
    expect(status.best?.loss).toBe(0);

    // The restart changed nothing the sampler decides: the same seed without a restart asks the same.
    await forget('restart-reference');
    const reference = await SqlStudy.open(store, { name: 'restart-reference', space: branin.space, sampler: spec });
    const ids = [];
    for (let i = 0; i < 20; i++) ids.push((await reference.ask()).paramId);
    expect(history.map((t) => t.paramId)).toEqual(ids);
  });

  it('keeps a told result after a restart: the same tell is a no-op, a different one an error', async () => {
    const name = 'idempotent';
    const study = await SqlStudy.open(store, { name, space: branin.space, sampler: samplerSpec('random', 1) });
    const t = await study.ask();
    const result = {
      trialId: t.trialId,
      paramId: t.paramId,
      status: 'completed' as const,
      loss: 2.5,
      diagnostics: { r: [1, 2] },
    };
    await Promise.all([study.tell(result), study.tell({ ...result })]);
    const reopened = await SqlStudy.open(store, { name });
    await reopened.tell({ ...result, diagnostics: { r: [1, 2] } });
    expect(await codeOf(reopened.tell({ ...result, loss: 2.6 }))).toBe('FLEETCAST_INVALID_ARGUMENT');
    expect(await codeOf(reopened.tell({ ...result, diagnostics: { r: [1] } }))).toBe('FLEETCAST_INVALID_ARGUMENT');
    const attempts = await trialAttempts(store, name);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ state: 'completed', loss: 2.5 });
  });

  it('keeps a lease alive while heartbeats arrive and re-queues it once they stop', async () => {
    const name = 'heartbeat';
    const study = await SqlStudy.open(store, {
      name,
      space: branin.space,
      sampler: samplerSpec('random', 2),
      leaseMs: 1_000,
      now,
    });
    const t = await study.ask();
    for (let i = 0; i < 3; i++) {
      clock += 750;
      expect(await study.heartbeat([t.trialId])).toEqual([t.trialId]);
      expect(await study.requeueExpired()).toEqual([]);
    }
    clock += 1_001;
    const requeued = await study.requeueExpired();
    expect(requeued).toHaveLength(1);
    expect(await study.heartbeat([t.trialId])).toEqual([]);
    const next = await study.ask();
    expect(next).toMatchObject({ trialId: requeued[0], number: 0, attempt: 1, paramId: t.paramId });
  });

  it('asks several fresh trials in one write, but a re-queued attempt first and alone', async () => {
    const name = 'batch';
    const study = await SqlStudy.open(store, {
      name,
      space: branin.space,
      sampler: samplerSpec('random', 3),
      leaseMs: 1_000,
      now,
    });
    const batch = await study.askMany(5);
    expect(batch.map((t) => t.number)).toEqual([0, 1, 2, 3, 4]);
    expect((await trialAttempts(store, name)).map((a) => a.trialId)).toEqual(batch.map((t) => t.trialId));
    // The same parameters one ask at a time would have given.
    await forget('batch-reference');
    const reference = await SqlStudy.open(store, {
      name: 'batch-reference',
      space: branin.space,
      sampler: samplerSpec('random', 3),
    });
    for (const t of batch) expect((await reference.ask()).paramId).toBe(t.paramId);

    await study.heartbeat(batch.slice(1).map((t) => t.trialId));
    clock += 600;
    await study.heartbeat(batch.slice(1).map((t) => t.trialId));
    clock += 600; // trial 0's lease has run out, the others were extended
    const next = await study.askMany(3);
    expect(next).toHaveLength(1);
    expect(next[0]).toMatchObject({ number: 0, attempt: 1, paramId: batch[0]!.paramId });
    expect((await study.askMany(3)).map((t) => t.number)).toEqual([5, 6, 7]);
    expect(await study.askMany(0)).toEqual([]);
  });

  it('refuses to reopen a study with another space or sampler, and to open an unknown one', async () => {
    const name = 'guarded';
    await SqlStudy.open(store, { name, space: branin.space, sampler: samplerSpec('tpe', 1) });
    const other = BENCHMARKS.hartmann6!.space;
    expect(await codeOf(SqlStudy.open(store, { name, space: other }))).toBe('FLEETCAST_INVALID_ARGUMENT');
    expect(await codeOf(SqlStudy.open(store, { name, sampler: samplerSpec('tpe', 2) }))).toBe(
      'FLEETCAST_INVALID_ARGUMENT',
    );
    expect(await codeOf(SqlStudy.open(store, { name: 'never-created' }))).toBe('FLEETCAST_NOT_FOUND');
    const badLease = { name: 'bad-lease', space: branin.space, sampler: samplerSpec('tpe', 1), leaseMs: 0 };
    expect(await codeOf(SqlStudy.open(store, badLease))).toBe('FLEETCAST_INVALID_ARGUMENT');
    expect(await codeOf(studyStatus(store, 'bad-lease'))).toBe('FLEETCAST_NOT_FOUND');
    expect(await codeOf(studyStatus(store, 'never-created'))).toBe('FLEETCAST_NOT_FOUND');
    // A study made with a bare sampler object stored no seed, so reopening it needs the sampler.
    await SqlStudy.open(store, { name: 'bare', space: branin.space, sampler: new RandomSampler({ seed: 1 }) });
    expect(await codeOf(SqlStudy.open(store, { name: 'bare' }))).toBe('FLEETCAST_INVALID_ARGUMENT');
  });

  it('ranks the parameter that drives the loss as the important one', async () => {
    const study = await SqlStudy.open(store, {
      name: 'importance',
      space: branin.space,
      sampler: samplerSpec('random', 9),
    });
    await optimize(study, (p) => (p.x1 as number) ** 2 + 0.01 * (p.x2 as number), { trials: 200 });
    const importance = await study.importance();
    expect(importance.map((i) => i.name)).toEqual(['x1', 'x2']);
    expect(importance[0]!.importance).toBeGreaterThan(0.9);
    expect(importance[0]!.eta2).toBeGreaterThan(0.8);
  });
});
