/**
 * The expectations every Study implementation must meet, written once. The in-memory study runs
 * them in memory.test.ts; a storage-backed study should call `describeStudyConformance` with a
 * factory that opens a fresh store.
 */
import { describe, expect, it } from 'vitest';
import { isParamId, paramId } from '../../../src/contracts/index.js';
import { isFleetcastError } from '../../../src/core/errors.js';
import {
  BENCHMARKS,
  optimize,
  RandomSampler,
  type Sampler,
  type SearchSpace,
  type Study,
  TpeSampler,
} from '../../../src/tune/index.js';

export type MakeStudy = (options: { name: string; space: SearchSpace; sampler: Sampler }) => Promise<Study>;

const branin = BENCHMARKS.branin!;

async function expectCode(promise: Promise<unknown>, code: 'FLEETCAST_INVALID_ARGUMENT' | 'FLEETCAST_NOT_FOUND') {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isFleetcastError(error, code)).toBe(true);
}

export function describeStudyConformance(label: string, make: MakeStudy): void {
  describe(`${label} study (shared Study conformance)`, () => {
    const newStudy = (name = 's') => make({ name, space: branin.space, sampler: new RandomSampler({ seed: 1 }) });

    it('asks trials with unique trial ids, consecutive numbers and matching param ids', async () => {
      const study = await newStudy();
      const asked = await Promise.all(Array.from({ length: 50 }, () => study.ask()));
      expect(new Set(asked.map((t) => t.trialId)).size).toBe(50);
      // Concurrent asks may finish in any order, but together they take numbers 0..49 once each.
      expect(asked.map((t) => t.number).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
      for (const t of asked) {
        expect(isParamId(t.paramId)).toBe(true);
        expect(t.paramId).toBe(paramId(t.params));
      }
      expect((await study.history()).every((t) => t.state === 'running')).toBe(true);
    });

    it('treats a repeated tell with the same result as a no-op', async () => {
      const study = await newStudy();
      const t = await study.ask();
      const result = {
        trialId: t.trialId,
        paramId: t.paramId,
        status: 'completed' as const,
        loss: 1.5,
        diagnostics: { k: [1] },
      };
      await study.tell(result);
      await study.tell({ ...result, diagnostics: { k: [1] } });
      const history = await study.history();
      expect(history).toHaveLength(1);
      expect(history[0]).toMatchObject({ state: 'completed', loss: 1.5 });
    });

    it('rejects a different result for a trial already told', async () => {
      const study = await newStudy();
      const t = await study.ask();
      await study.tell({ trialId: t.trialId, paramId: t.paramId, status: 'completed', loss: 1 });
      await expectCode(
        study.tell({ trialId: t.trialId, paramId: t.paramId, status: 'completed', loss: 2 }),
        'FLEETCAST_INVALID_ARGUMENT',
      );
      await expectCode(
        study.tell({ trialId: t.trialId, paramId: t.paramId, status: 'failed' }),
        'FLEETCAST_INVALID_ARGUMENT',
      );
      expect((await study.history())[0]!.loss).toBe(1);
    });

    it('rejects unknown trials, mismatched param ids and contract violations', async () => {
      const study = await newStudy();
      const t = await study.ask();
      await expectCode(
        study.tell({ trialId: 't_unknown', paramId: t.paramId, status: 'completed', loss: 1 }),
        'FLEETCAST_NOT_FOUND',
      );
      await expectCode(
        study.tell({ trialId: t.trialId, paramId: '0'.repeat(64), status: 'completed', loss: 1 }),
        'FLEETCAST_INVALID_ARGUMENT',
      );
      await expectCode(
        study.tell({ trialId: t.trialId, paramId: t.paramId, status: 'completed', loss: Number.NaN }),
        'FLEETCAST_INVALID_ARGUMENT',
      );
      expect((await study.history())[0]!.state).toBe('running');
    });

    it('reports the completed trial with the lowest loss as best, ignoring failures', async () => {
      const study = await newStudy();
      const [a, b, c] = [await study.ask(), await study.ask(), await study.ask()];
      expect(await study.best()).toBeUndefined();
      await study.tell({ trialId: a.trialId, paramId: a.paramId, status: 'completed', loss: 3 });
      await study.tell({ trialId: b.trialId, paramId: b.paramId, status: 'timeout' });
      await study.tell({ trialId: c.trialId, paramId: c.paramId, status: 'completed', loss: 2 });
      expect((await study.best())?.trialId).toBe(c.trialId);
      expect((await study.history()).map((t) => t.state)).toEqual(['completed', 'timeout', 'completed']);
    });

    it('gives different trial ids to studies with different names', async () => {
      expect((await (await newStudy('a')).ask()).trialId).not.toBe((await (await newStudy('b')).ask()).trialId);
    });
  });

  it('asks the same parameter sets again when replayed with the same sampler seed', async () => {
    const runOnce = async () => {
      const study = await make({ name: 'replay', space: branin.space, sampler: new TpeSampler({ seed: 21 }) });
      await optimize(study, branin.objective, { trials: 30, batch: 3 });
      return (await study.history()).map((t) => `${t.trialId} ${t.paramId} ${t.state} ${t.loss}`);
    };
    expect(await runOnce()).toEqual(await runOnce());
  });
}
