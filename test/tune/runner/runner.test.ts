import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveSeed } from '../../../src/contracts/index.js';
import { type MetadataStore, openMetadataStore } from '../../../src/core/metadata/index.js';
import { BullmqQueue, openWorkQueue, registerTask, type WorkQueue } from '../../../src/core/queue/index.js';
import {
  BENCHMARKS,
  EXAMPLE_TASK,
  MemoryStudy,
  RandomSampler,
  type RunProgress,
  runStudy,
  SqlStudy,
  samplerSpec,
  trialAttempts,
} from '../../../src/tune/index.js';
import { serviceUrl, tempDir, uniqueSuffix } from '../../helpers/services.js';
import { seededLoss } from './fixtures/objective.js';

const branin = BENCHMARKS.branin!;
registerTask('test.tune-objective', new URL('./fixtures/objective.ts', import.meta.url));

describe('runStudy on the local pool', () => {
  let queue: WorkQueue;
  let store: MetadataStore;
  let dir: { path: string; remove: () => void };

  beforeAll(async () => {
    queue = openWorkQueue({ concurrency: 2, backoffMs: 10 });
    dir = tempDir();
    store = await openMetadataStore(`sqlite:${join(dir.path, 'metadata.sqlite')}`);
  });
  afterAll(async () => {
    await queue?.close();
    await store?.close();
    dir?.remove();
  });

  it('runs an example objective to the trial count, never more than maxInFlight at once', async () => {
    const study = await SqlStudy.open(store, { name: 'branin', space: branin.space, sampler: samplerSpec('tpe', 1) });
    const seen: RunProgress[] = [];
    const summary = await runStudy(study, queue, {
      task: EXAMPLE_TASK,
      input: { function: 'branin' },
      trials: 40,
      maxInFlight: 3,
      onProgress: (p) => seen.push(p),
    });
    expect(summary).toMatchObject({ told: 40, toldNow: 40, completed: 40, failed: 0, timeout: 0, running: 0 });
    expect(Math.max(...seen.map((p) => p.running))).toBe(3);
    expect(queue.stats().peakPending).toBeLessThanOrEqual(3);
    const history = await study.history();
    expect(history).toHaveLength(40);
    // The told losses are the function's values at the asked parameters.
    for (const t of history)
      expect(t.loss).toBeCloseTo(branin.objective({ x1: t.params.x1!.value, x2: t.params.x2!.value }), 12);
    expect(summary.best?.loss).toBe(Math.min(...history.map((t) => t.loss!)));
    expect(summary.bestLoss).toBe(summary.best?.loss);
    expect(summary.trialsPerSecond).toBeGreaterThan(0);
  });

  it('tells the mean of the replicates, each evaluated with its own derived seed', async () => {
    const study = new MemoryStudy({ name: 'replicates', space: branin.space, sampler: new RandomSampler({ seed: 4 }) });
    await runStudy(study, queue, { task: 'test.tune-objective', input: { mode: 'seeded' }, trials: 5, replicates: 3 });
    for (const t of await study.history()) {
      const seeds = [0, 1, 2].map((replicate) =>
        deriveSeed({ namespace: 'fleetcast.tune', run: 'replicates', paramId: t.paramId, replicate }).toString(),
      );
      const losses = seeds.map((seed) => seededLoss(t.params.x1!.value as number, seed));
      expect(t.loss).toBeCloseTo((losses[0]! + losses[1]! + losses[2]!) / 3, 12);
      expect(study.result(t.trialId)?.diagnostics).toEqual({
        replicate_losses: losses,
        replicates: seeds.map((seed) => ({ seed })),
      });
    }
  });

  it('tells timeout for a trial past its limit and keeps going', async () => {
    const study = new MemoryStudy({ name: 'timeouts', space: branin.space, sampler: new RandomSampler({ seed: 5 }) });
    const summary = await runStudy(study, queue, {
      task: 'test.tune-objective',
      input: { mode: 'slow-right-half' },
      trials: 8,
      // Wide enough for a fast trial on a loaded 2-core CI box (worker start-up included).
      timeoutMs: 1_500,
    });
    const history = await study.history();
    expect(summary.told).toBe(8);
    for (const t of history) {
      expect(t.state).toBe((t.params.x1!.value as number) > 2.5 ? 'timeout' : 'completed');
    }
    expect(summary.timeout).toBeGreaterThan(0);
    const slow = history.find((t) => t.state === 'timeout')!;
    expect(study.result(slow.trialId)?.error).toBe('no result within 1500 ms');
  });

  it('retries a failing evaluation, and tells failed once the attempts are spent', async () => {
    const retried = new MemoryStudy({ name: 'retried', space: branin.space, sampler: new RandomSampler({ seed: 6 }) });
    const ok = await runStudy(retried, queue, {
      task: 'test.tune-objective',
      input: { mode: 'flaky' },
      trials: 6,
      attempts: 2,
    });
    expect(ok.completed).toBe(6);

    const failing = new MemoryStudy({ name: 'failing', space: branin.space, sampler: new RandomSampler({ seed: 6 }) });
    const bad = await runStudy(failing, queue, {
      task: 'test.tune-objective',
      input: { mode: 'flaky' },
      trials: 3,
      attempts: 1,
    });
    expect(bad).toMatchObject({ told: 3, failed: 3, completed: 0 });
    const first = (await failing.history())[0]!;
    expect(failing.result(first.trialId)?.error).toMatch(/first attempt of trial 0 fails on purpose/);

    const nan = new MemoryStudy({ name: 'nan', space: branin.space, sampler: new RandomSampler({ seed: 6 }) });
    const nanSummary = await runStudy(nan, queue, {
      task: 'test.tune-objective',
      input: { mode: 'not-a-loss' },
      trials: 2,
    });
    expect(nanSummary.failed).toBe(2);
    expect(nan.result((await nan.history())[0]!.trialId)?.error).toBe('non-finite loss NaN');
  });

  it("finishes a lost coordinator's leased trials as new attempts and ends with exactly the target", async () => {
    const name = 'resumed';
    const lost = await SqlStudy.open(store, {
      name,
      space: branin.space,
      sampler: samplerSpec('random', 8),
      leaseMs: 300,
    });
    const orphaned = [await lost.ask(), await lost.ask(), await lost.ask()];
    const resumed = await SqlStudy.open(store, { name, leaseMs: 300 });
    const summary = await runStudy(resumed, queue, { task: EXAMPLE_TASK, input: { function: 'branin' }, trials: 10 });
    expect(summary).toMatchObject({ told: 10, completed: 10 });
    const attempts = await trialAttempts(store, name);
    expect(
      attempts
        .filter((a) => a.state === 'completed')
        .map((a) => a.number)
        .sort((a, b) => a - b),
    ).toEqual(Array.from({ length: 10 }, (_, i) => i));
    const expired = attempts.filter((a) => a.state === 'expired');
    expect(expired.map((a) => a.trialId).sort()).toEqual(orphaned.map((t) => t.trialId).sort());
  });

  it('rejects nonsense options before asking anything', async () => {
    const study = new MemoryStudy({ name: 'bad', space: branin.space, sampler: new RandomSampler() });
    for (const bad of [
      { trials: 0 },
      { trials: 5, replicates: 0 },
      { trials: 5, maxInFlight: 0 },
      { trials: 5, timeoutMs: -1 },
    ]) {
      await expect(runStudy(study, queue, { task: EXAMPLE_TASK, ...bad })).rejects.toMatchObject({
        code: 'FLEETCAST_INVALID_ARGUMENT',
      });
    }
    expect(await study.history()).toHaveLength(0);
  });
});

const redisUrl = serviceUrl('redis');

describe.runIf(redisUrl)('runStudy on BullMQ', () => {
  it('runs an example objective through Redis workers with the same results as the local pool', async () => {
    const queue = new BullmqQueue({ redisUrl: redisUrl!, queueName: `tune-${uniqueSuffix()}`, concurrency: 4 });
    try {
      const study = new MemoryStudy({ name: 'bullmq', space: branin.space, sampler: new RandomSampler({ seed: 2 }) });
      const summary = await runStudy(study, queue, { task: EXAMPLE_TASK, input: { function: 'branin' }, trials: 30 });
      expect(summary).toMatchObject({ told: 30, completed: 30 });
      for (const t of await study.history()) {
        expect(t.loss).toBeCloseTo(branin.objective({ x1: t.params.x1!.value, x2: t.params.x2!.value }), 12);
      }
    } finally {
      await queue.obliterate().catch(() => {});
      await queue.close();
    }
  });
});
