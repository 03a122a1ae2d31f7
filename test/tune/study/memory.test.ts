import { describe, expect, it } from 'vitest';
// Imported through the tune folder's public door, as other capabilities will.
import { BENCHMARKS, MemoryStudy, optimize, RandomSampler, TpeSampler } from '../../../src/tune/index.js';
import { describeStudyConformance } from './conformance.js';

const branin = BENCHMARKS.branin!;
const newStudy = (name = 's') =>
  new MemoryStudy({ name, space: branin.space, sampler: new RandomSampler({ seed: 1 }) });

describeStudyConformance('in-memory', async (options) => new MemoryStudy(options));

describe('optimize', () => {
  it('runs the ask/evaluate/tell loop and records objective errors as failed trials', async () => {
    const study = new MemoryStudy({ name: 'opt', space: branin.space, sampler: new TpeSampler({ seed: 3 }) });
    let calls = 0;
    const best = await optimize(
      study,
      (p) => {
        calls++;
        if (calls % 10 === 0) throw new Error('simulated crash');
        return branin.objective(p);
      },
      { trials: 60, batch: 4 },
    );
    const history = await study.history();
    expect(history).toHaveLength(60);
    expect(history.filter((t) => t.state === 'failed')).toHaveLength(6);
    expect(history.some((t) => t.state === 'running')).toBe(false);
    expect(best!.loss!).toBeLessThan(2);
  });

  it('records a non-finite loss as a failed trial, never as completed', async () => {
    const study = newStudy('nan');
    const best = await optimize(study, (p) => ((p.x1 as number) > 2.5 ? Number.NaN : 1), { trials: 20 });
    const history = await study.history();
    const failed = history.filter((t) => t.state === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    for (const t of failed) expect(t.params.x1!.value as number).toBeGreaterThan(2.5);
    expect(study.result(failed[0]!.trialId)?.error).toMatch(/non-finite loss NaN/);
    expect(best?.loss).toBe(1);
  });
});
