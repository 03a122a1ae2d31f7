import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { isFleetcastError } from '../../../src/core/errors.js';
import { DynamicBatcher } from '../../../src/serve/batching/index.js';

/** A run function that records every batch it receives and doubles each input. */
function recordingRun(delayMs = 0) {
  const batches: number[][] = [];
  const run = async (inputs: number[]) => {
    batches.push([...inputs]);
    if (delayMs > 0) await sleep(delayMs);
    return inputs.map((x) => x * 2);
  };
  return { batches, run };
}

/** A promise the test settles by hand, to hold a batch "running" for as long as it likes. */
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** mulberry32: a tiny seeded generator so the random-load test is reproducible. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('DynamicBatcher', () => {
  it('gives every caller its own output and keeps submission order inside a batch', async () => {
    const { batches, run } = recordingRun();
    const batcher = new DynamicBatcher(run, { maxBatchSize: 8, maxWaitMs: 5 });
    const outputs = await Promise.all([1, 2, 3, 4, 5].map((x) => batcher.submit(x)));
    expect(outputs).toEqual([2, 4, 6, 8, 10]);
    expect(batches).toEqual([[1, 2, 3, 4, 5]]);
    await batcher.close();
  });

  it('hands each input’s tag to run beside it, in order (how a request’s trace reaches its batch)', async () => {
    const seen: Array<Array<string | undefined>> = [];
    const batcher = new DynamicBatcher<number, number, string>(
      async (inputs, tags) => {
        seen.push([...tags]);
        return inputs;
      },
      { maxBatchSize: 3, maxWaitMs: 1000 },
    );
    await Promise.all([batcher.submit(1, 'a'), batcher.submit(2), batcher.submit(3, 'c')]);
    expect(seen).toEqual([['a', undefined, 'c']]);
    await batcher.close();
  });

  it('dispatches a full batch at once without waiting for maxWaitMs', async () => {
    const sizes: number[] = [];
    const { run } = recordingRun();
    const batcher = new DynamicBatcher(run, { maxBatchSize: 4, maxWaitMs: 10_000 }, { onBatch: (n) => sizes.push(n) });
    const started = performance.now();
    await Promise.all([1, 2, 3, 4].map((x) => batcher.submit(x)));
    expect(performance.now() - started).toBeLessThan(200);
    expect(sizes).toEqual([4]);
    await batcher.close();
  });

  it('dispatches a partial batch maxWaitMs after its first item', async () => {
    const { batches, run } = recordingRun();
    const batcher = new DynamicBatcher(run, { maxBatchSize: 100, maxWaitMs: 40 });
    const started = performance.now();
    const first = batcher.submit(1);
    await sleep(15);
    const second = batcher.submit(2);
    await Promise.all([first, second]);
    const elapsed = performance.now() - started;
    // The deadline counts from the first item, not the last; timers may run a ms early or late.
    expect(elapsed).toBeGreaterThanOrEqual(38);
    expect(elapsed).toBeLessThan(40 + 150);
    expect(batches).toEqual([[1, 2]]);
    await batcher.close();
  });

  it('splits a burst into batches of at most maxBatchSize, in order', async () => {
    const sizes: number[] = [];
    const { batches, run } = recordingRun(5);
    const batcher = new DynamicBatcher(run, { maxBatchSize: 4, maxWaitMs: 5 }, { onBatch: (n) => sizes.push(n) });
    const inputs = Array.from({ length: 10 }, (_, i) => i);
    const outputs = await Promise.all(inputs.map((x) => batcher.submit(x)));
    expect(outputs).toEqual(inputs.map((x) => x * 2));
    expect(sizes).toEqual([4, 4, 2]);
    expect(batches.flat()).toEqual(inputs);
    await batcher.close();
  });

  it('with maxWaitMs 0, batches what arrived in the same event-loop turn and adds no timer', async () => {
    const { batches, run } = recordingRun();
    const batcher = new DynamicBatcher(run, { maxBatchSize: 16, maxWaitMs: 0 });
    // Five requests read from the sockets in one turn: one run, not a singleton then the other four.
    const turn = [1, 2, 3, 4, 5].map((x) => batcher.submit(x));
    expect(batcher.queued).toBe(5);
    await expect(Promise.all(turn)).resolves.toEqual([2, 4, 6, 8, 10]);
    expect(batches).toEqual([[1, 2, 3, 4, 5]]);
    // Arrivals in later turns are not held back waiting for anyone.
    const started = performance.now();
    await batcher.submit(6);
    await batcher.submit(7);
    expect(batches).toEqual([[1, 2, 3, 4, 5], [6], [7]]);
    expect(performance.now() - started).toBeLessThan(50);
    await batcher.close();
  });

  it('collects the next batch while one runs, with one batch in flight by default', async () => {
    const gate = deferred();
    const batches: number[][] = [];
    let concurrent = 0;
    let maxConcurrent = 0;
    const batcher = new DynamicBatcher<number, number>(
      async (inputs) => {
        batches.push([...inputs]);
        concurrent += 1;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        if (batches.length === 1) await gate.promise;
        concurrent -= 1;
        return inputs;
      },
      { maxBatchSize: 16, maxWaitMs: 0 },
    );
    const first = batcher.submit(0);
    await sleep(5);
    expect(batcher.running).toBe(1);
    const rest = [1, 2, 3, 4, 5].map((x) => batcher.submit(x));
    await sleep(20);
    // maxWaitMs is 0, yet nothing more ran: the slot is taken, so the five wait together.
    expect(batches).toEqual([[0]]);
    expect(batcher.queued).toBe(5);
    gate.resolve();
    await Promise.all([first, ...rest]);
    expect(batches).toEqual([[0], [1, 2, 3, 4, 5]]);
    expect(maxConcurrent).toBe(1);
    await batcher.close();
  });

  it('runs up to maxConcurrentBatches batches at the same time', async () => {
    let concurrent = 0;
    let maxConcurrent = 0;
    const batcher = new DynamicBatcher<number, number>(
      async (inputs) => {
        concurrent += 1;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        await sleep(20);
        concurrent -= 1;
        return inputs;
      },
      { maxBatchSize: 2, maxWaitMs: 0, maxConcurrentBatches: 3 },
    );
    await Promise.all(Array.from({ length: 12 }, (_, i) => batcher.submit(i)));
    expect(maxConcurrent).toBe(3);
    await batcher.close();
  });

  it('passes every input straight through when maxBatchSize is 1', async () => {
    const batches: number[][] = [];
    let concurrent = 0;
    let maxConcurrent = 0;
    const batcher = new DynamicBatcher<number, number>(
      async (inputs) => {
        batches.push([...inputs]);
        concurrent += 1;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        await sleep(20);
        concurrent -= 1;
        return inputs.map((x) => x * 2);
      },
      { maxBatchSize: 1, maxWaitMs: 10_000 },
    );
    const outputs = await Promise.all([1, 2, 3].map((x) => batcher.submit(x)));
    // No wait (maxWaitMs is ignored) and no queue: the three runs overlap.
    expect(maxConcurrent).toBe(3);
    expect(outputs).toEqual([2, 4, 6]);
    expect(batches).toEqual([[1], [2], [3]]);
    await batcher.close();
  });

  it('rejects every caller of a failing batch with its error and keeps serving the next', async () => {
    const boom = new Error('model exploded');
    let calls = 0;
    const batcher = new DynamicBatcher<number, number>(
      async (inputs) => {
        calls += 1;
        if (calls === 1) throw boom;
        return inputs.map((x) => x + 1);
      },
      { maxBatchSize: 3, maxWaitMs: 5 },
    );
    const failed = await Promise.allSettled([1, 2, 3].map((x) => batcher.submit(x)));
    expect(failed.map((r) => (r.status === 'rejected' ? r.reason : r.value))).toEqual([boom, boom, boom]);
    await expect(batcher.submit(10)).resolves.toBe(11);
    await batcher.close();
  });

  it('rejects the callers of a run that throws synchronously', async () => {
    const batcher = new DynamicBatcher<number, number>(
      () => {
        throw new Error('sync failure');
      },
      { maxBatchSize: 2, maxWaitMs: 1 },
    );
    await expect(batcher.submit(1)).rejects.toThrow('sync failure');
    await batcher.close();
  });

  it('rejects every caller when run returns the wrong number of outputs', async () => {
    const batcher = new DynamicBatcher<number, number>(async (inputs) => inputs.slice(1), {
      maxBatchSize: 3,
      maxWaitMs: 5,
    });
    const results = await Promise.allSettled([1, 2, 3].map((x) => batcher.submit(x)));
    for (const result of results) {
      expect(result.status).toBe('rejected');
      const reason = (result as PromiseRejectedResult).reason;
      expect(isFleetcastError(reason, 'FLEETCAST_BACKEND_ERROR')).toBe(true);
      expect(String(reason.message)).toContain('a batch of 3 inputs returned 2 outputs');
    }
    await batcher.close();
  });

  it('close flushes pending inputs at once, waits for running batches, then refuses new ones', async () => {
    const { batches, run } = recordingRun(30);
    const batcher = new DynamicBatcher(run, { maxBatchSize: 2, maxWaitMs: 60_000 });
    const submitted = [1, 2, 3].map((x) => batcher.submit(x));
    await sleep(5);
    // [1, 2] is running; [3] would wait a minute for a partner.
    expect(batches).toEqual([[1, 2]]);
    const started = performance.now();
    let settled = 0;
    for (const promise of submitted) void promise.then(() => (settled += 1));
    await batcher.close();
    expect(settled).toBe(3);
    expect(performance.now() - started).toBeLessThan(500);
    expect(batches).toEqual([[1, 2], [3]]);
    expect(batcher.queued + batcher.running).toBe(0);
    const late = await batcher.submit(4).catch((e: unknown) => e);
    expect(isFleetcastError(late, 'FLEETCAST_QUEUE_CLOSED')).toBe(true);
    await expect(batcher.close()).resolves.toBeUndefined();
  });

  it('refuses invalid options', () => {
    const run = async (inputs: number[]) => inputs;
    for (const options of [
      { maxBatchSize: 0, maxWaitMs: 1 },
      { maxBatchSize: 2.5, maxWaitMs: 1 },
      { maxBatchSize: 2, maxWaitMs: -1 },
      { maxBatchSize: 2, maxWaitMs: Number.NaN },
      { maxBatchSize: 2, maxWaitMs: 1, maxConcurrentBatches: 0 },
    ]) {
      expect(() => new DynamicBatcher(run, options)).toThrow(/must be/);
    }
  });

  it('under seeded random arrivals, answers everyone correctly with contiguous bounded batches', async () => {
    const random = seededRandom(20261123);
    const { batches, run } = recordingRun(2);
    const batcher = new DynamicBatcher(run, { maxBatchSize: 7, maxWaitMs: 3 });
    const promises: Promise<number>[] = [];
    for (let i = 0; i < 300; i++) {
      promises.push(batcher.submit(i));
      if (random() < 0.3) await sleep(Math.floor(random() * 3));
    }
    const outputs = await Promise.all(promises);
    await batcher.close();
    expect(outputs).toEqual(promises.map((_, i) => i * 2));
    expect(batches.flat()).toEqual(promises.map((_, i) => i));
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(7);
    // Batching actually happened: far fewer runs than inputs.
    expect(batches.length).toBeLessThan(200);
  });
});
