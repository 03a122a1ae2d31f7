/**
 * One conformance suite for both work queues: the local worker-thread pool always, BullMQ when a
 * Redis URL is configured. Each BullMQ queue gets its own random prefix, deleted afterwards.
 */
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { threadId } from 'node:worker_threads';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { FleetcastError, isFleetcastError } from '../../../src/core/errors.js';
import {
  BullmqQueue,
  LocalPoolQueue,
  listTasks,
  loadTaskHandler,
  openWorkQueue,
  registerTask,
  resolveTask,
  startBullmqWorker,
  type TaskHandle,
  type WorkQueue,
  type WorkQueueOptions,
} from '../../../src/core/queue/index.js';
import { serviceUrl, uniqueSuffix } from '../../helpers/services.js';

const redisUrl = serviceUrl('redis');

interface Implementation {
  name: string;
  open: (options: Partial<WorkQueueOptions>) => WorkQueue;
  /** How many tiny tasks the back-pressure test pushes, and the bound it sets. */
  bulk: { count: number; maxPending: number };
}

const prefixes: string[] = [];

function bullmqQueue(url: string, options: Partial<WorkQueueOptions>, runWorker = true): BullmqQueue {
  const prefix = `fleetcast-test-${uniqueSuffix()}`;
  prefixes.push(prefix);
  return new BullmqQueue({ ...options, redisUrl: url, prefix, queueName: `q-${uniqueSuffix()}`, runWorker });
}

const implementations: Implementation[] = [
  { name: 'local pool', open: (options) => new LocalPoolQueue(options), bulk: { count: 100_000, maxPending: 500 } },
];
if (redisUrl) {
  implementations.push({
    name: 'bullmq',
    open: (options) => bullmqQueue(redisUrl, options),
    bulk: { count: 3000, maxPending: 200 },
  });
}

afterAll(async () => {
  if (!redisUrl || prefixes.length === 0) return;
  const client = new Redis(redisUrl);
  try {
    for (const prefix of prefixes) {
      const keys = await client.keys(`${prefix}:*`);
      if (keys.length > 0) await client.del(...keys);
    }
  } finally {
    await client.quit();
  }
});

/** The documented core.sha256 fill (xorshift32 13/17/5, little-endian words), written independently. */
function expectedSha256(bytes: number, seed: number): string {
  const buffer = new Uint8Array(bytes);
  let x = seed >>> 0 || 0x9e3779b9;
  for (let i = 0; i < bytes; i += 4) {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    for (let b = 0; b < 4 && i + b < bytes; b++) buffer[i + b] = (x >>> (8 * b)) & 0xff;
  }
  return createHash('sha256').update(buffer).digest('hex');
}

async function rejection(promise: Promise<unknown>): Promise<FleetcastError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FleetcastError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

interface SpinResult {
  startedAt: number;
  endedAt: number;
}

/** The most intervals open at one instant (an end at t closes before a start at t opens). */
function maxOverlap(intervals: SpinResult[]): number {
  const points = intervals.flatMap((r) => [
    { at: r.startedAt, delta: 1 },
    { at: r.endedAt, delta: -1 },
  ]);
  points.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let open = 0;
  let most = 0;
  for (const point of points) {
    open += point.delta;
    most = Math.max(most, open);
  }
  return most;
}

describe.each(implementations)('work queue conformance: $name', (implementation) => {
  const opened: WorkQueue[] = [];
  const open = (options: Partial<WorkQueueOptions> = {}): WorkQueue => {
    const queue = implementation.open(options);
    opened.push(queue);
    return queue;
  };
  afterAll(async () => {
    await Promise.all(opened.map((queue) => queue.close()));
  });

  it('run returns the result: core.sha256 equals a digest computed independently', async () => {
    const queue = open({ concurrency: 2 });
    const [big, odd] = await Promise.all([
      queue.run<string>('core.sha256', { bytes: 1 << 20, seed: 42 }),
      queue.run<string>('core.sha256', { bytes: 1023, seed: 0 }),
    ]);
    expect(big).toBe(expectedSha256(1 << 20, 42));
    expect(odd).toBe(expectedSha256(1023, 0));
    expect(queue.stats()).toMatchObject({ pending: 0, running: 0, completed: 2, failed: 0 });
  });

  it('an unknown task is rejected at submit with FLEETCAST_TASK_UNKNOWN naming the known tasks', async () => {
    const queue = open();
    const error = await rejection(queue.submit('nope.missing', {}));
    expect(error.code).toBe('FLEETCAST_TASK_UNKNOWN');
    expect(error.hint).toContain('core.sha256');
    expect(queue.stats().pending).toBe(0);
  });

  it('a task registered under a custom name runs like a built-in', async () => {
    registerTask('test.flaky-alias', resolveTask('core.flaky'));
    const queue = open();
    await expect(queue.run('test.flaky-alias', { failUntilAttempt: 1, value: [1, 'two'] })).resolves.toEqual([
      1,
      'two',
    ]);
  });

  it('a failing task is retried with exponential backoff and then succeeds', async () => {
    const queue = open({ attempts: 3, backoffMs: 100 });
    const started = Date.now();
    const value = await queue.run('core.flaky', { failUntilAttempt: 3, value: { ok: true } });
    expect(value).toEqual({ ok: true });
    // Two retries: 100 ms, then 200 ms (a few ms of timer slack allowed).
    expect(Date.now() - started).toBeGreaterThanOrEqual(295);
    expect(queue.stats()).toMatchObject({ completed: 1, failed: 0 });
  });

  it('a task failing every attempt rejects with FLEETCAST_TASK_FAILED, the last error and the attempt count', async () => {
    const queue = open({ attempts: 3, backoffMs: 10 });
    const handle = await queue.submit('core.flaky', { failUntilAttempt: 99, value: null }, { attempts: 2 });
    const error = await rejection(handle.result);
    expect(error.code).toBe('FLEETCAST_TASK_FAILED');
    expect(error.message).toContain('attempt 2 fails on purpose');
    expect(error.details).toMatchObject({ task: 'core.flaky', taskId: handle.id, attempts: 2 });
    expect(handle.state()).toBe('failed');
    expect(queue.stats()).toMatchObject({ failed: 1, pending: 0 });
  });

  it('cancelling a queued task rejects it with FLEETCAST_TASK_CANCELLED; it never runs', async () => {
    const queue = open({ concurrency: 1 });
    const blocker = await queue.submit('core.spin', { ms: 10_000 });
    await until(() => blocker.state() === 'running');
    const queued = await queue.submit('core.spin', { ms: 50 });
    expect(queued.state()).toBe('queued');
    await queued.cancel();
    expect((await rejection(queued.result)).code).toBe('FLEETCAST_TASK_CANCELLED');
    expect(queued.state()).toBe('cancelled');
    expect(blocker.state()).toBe('running');
    await blocker.cancel();
    await expect(blocker.result).rejects.toMatchObject({ code: 'FLEETCAST_TASK_CANCELLED' });
  });

  it('cancelling a running task rejects it with FLEETCAST_TASK_CANCELLED, stops it quickly, and is not retried', async () => {
    const queue = open({ concurrency: 1, attempts: 3 });
    const controller = new AbortController();
    const handle = await queue.submit('core.spin', { ms: 20_000 }, { signal: controller.signal });
    await until(() => handle.state() === 'running');
    const started = Date.now();
    controller.abort();
    const error = await rejection(handle.result);
    expect(error.code).toBe('FLEETCAST_TASK_CANCELLED');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(queue.stats()).toMatchObject({ cancelled: 1, running: 0, pending: 0 });
    // The queue still works after losing a worker.
    await expect(queue.run('core.ping', null)).resolves.toMatchObject({ pong: true });
  });

  it('never runs more than `concurrency` tasks at once', async () => {
    const concurrency = 2;
    const queue = open({ concurrency });
    const handles: Array<TaskHandle<SpinResult>> = [];
    for (let i = 0; i < 6; i++) handles.push(await queue.submit<SpinResult>('core.spin', { ms: 250 }));
    let sampledMax = 0;
    const sampler = setInterval(() => {
      sampledMax = Math.max(sampledMax, queue.stats().running);
    }, 5);
    const results = await Promise.all(handles.map((handle) => handle.result));
    clearInterval(sampler);
    expect(sampledMax).toBeLessThanOrEqual(concurrency);
    expect(sampledMax).toBeGreaterThan(0);
    // Measured from the tasks' own clocks: the bound holds, and was reached.
    expect(maxOverlap(results)).toBe(concurrency);
  });

  it(`back-pressure: ${implementation.bulk.count} tiny tasks never exceed maxPending and memory stays bounded`, async () => {
    const { count, maxPending } = implementation.bulk;
    const queue = open({ maxPending });
    const heapBefore = process.memoryUsage().heapUsed;
    let heapPeak = heapBefore;
    let completed = 0;
    let failed = 0;
    const started = Date.now();
    // Several producers at once, so submitting outpaces the workers and the bound is really hit.
    const producers = 8;
    const produce = async (share: number) => {
      for (let i = 0; i < share; i++) {
        const handle = await queue.submit('core.ping', null);
        handle.result.then(
          () => completed++,
          () => failed++,
        );
        if (i % 250 === 0) heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
      }
    };
    await Promise.all(Array.from({ length: producers }, () => produce(count / producers)));
    await queue.drain();
    const seconds = (Date.now() - started) / 1000;
    console.info(
      `${implementation.name}: ${count} tasks in ${seconds.toFixed(2)} s (${Math.round(count / seconds)}/s)`,
    );
    await until(() => completed + failed === count);
    expect({ completed, failed }).toEqual({ completed: count, failed: 0 });
    const stats = queue.stats();
    expect(stats.peakPending).toBeLessThanOrEqual(maxPending);
    expect(stats.peakPending).toBe(maxPending);
    expect(stats.pending).toBe(0);
    expect(heapPeak - heapBefore).toBeLessThan(100 * 1024 * 1024);
  });

  it('close() cancels queued tasks, lets the running one finish, and rejects later submits with FLEETCAST_QUEUE_CLOSED', async () => {
    const queue = open({ concurrency: 1, maxPending: 2 });
    const running = await queue.submit<SpinResult>('core.spin', { ms: 300 });
    await until(() => running.state() === 'running');
    const queued = await queue.submit('core.spin', { ms: 300 });
    // maxPending reached: this submit waits, and close() must release it with an error.
    const waiting = rejection(queue.submit('core.ping', null));
    await queue.close();
    expect((await waiting).code).toBe('FLEETCAST_QUEUE_CLOSED');
    expect((await rejection(queued.result)).code).toBe('FLEETCAST_TASK_CANCELLED');
    await expect(running.result).resolves.toMatchObject({ startedAt: expect.any(Number) });
    expect((await rejection(queue.submit('core.ping', null))).code).toBe('FLEETCAST_QUEUE_CLOSED');
    expect((await rejection(queue.run('core.ping', null))).code).toBe('FLEETCAST_QUEUE_CLOSED');
  });
});

describe('local pool specifics', () => {
  it('core.ping runs in a worker thread, not the caller', async () => {
    const queue = new LocalPoolQueue({ concurrency: 1 });
    try {
      const pong = await queue.run<{ pong: boolean; pid: number; threadId: number }>('core.ping', null);
      expect(pong).toMatchObject({ pong: true, pid: process.pid });
      expect(pong.threadId).not.toBe(threadId);
      await expect(queue.ping()).resolves.toBeUndefined();
    } finally {
      await queue.close();
    }
  });
});

describe.runIf(redisUrl)('bullmq specifics', () => {
  it('a producer-only queue hands its tasks to a separate worker (startBullmqWorker)', async () => {
    const url = redisUrl ?? '';
    const producer = bullmqQueue(url, { concurrency: 2 }, false);
    const worker = await startBullmqWorker({
      redisUrl: url,
      prefix: producer.prefix,
      queueName: producer.queueName,
      concurrency: 2,
    });
    try {
      await expect(producer.run('core.sha256', { bytes: 4096, seed: 7 })).resolves.toBe(expectedSha256(4096, 7));
      await expect(producer.ping()).resolves.toBeUndefined();
    } finally {
      await producer.close();
      await worker.close();
    }
  });
});

describe('opening a work queue', () => {
  it('ping on a dead Redis fails fast with FLEETCAST_BACKEND_UNREACHABLE and a masked URL', async () => {
    const queue = openWorkQueue({ redisUrl: 'redis://fleet:s3cret-pw@127.0.0.1:1/0' });
    const started = Date.now();
    const error = await rejection(queue.ping());
    expect(error.code).toBe('FLEETCAST_BACKEND_UNREACHABLE');
    expect(error.message).toContain('redis://fleet:***@127.0.0.1:1/0');
    expect(error.message).not.toContain('s3cret-pw');
    expect(error.hint).toBeTruthy();
    // Submitting fails the same way instead of hanging in a reconnect loop.
    expect((await rejection(queue.submit('core.ping', null))).code).toBe('FLEETCAST_BACKEND_UNREACHABLE');
    await queue.close();
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('picks the local pool without a Redis URL and BullMQ with one, with documented defaults', async () => {
    const local = openWorkQueue({});
    expect(local).toBeInstanceOf(LocalPoolQueue);
    expect(local.kind).toBe('local');
    expect(local.options).toEqual({
      concurrency: availableParallelism(),
      maxPending: 1000,
      attempts: 3,
      backoffMs: 200,
    });
    const scaled = openWorkQueue({ redisUrl: 'rediss://127.0.0.1:1', runWorker: false, concurrency: 3 });
    expect(scaled).toBeInstanceOf(BullmqQueue);
    expect(scaled.kind).toBe('bullmq');
    expect(scaled.options.concurrency).toBe(3);
    await Promise.all([local.close(), scaled.close()]);
  });

  it('rejects non-Redis URLs with FLEETCAST_URL_INVALID and bad numbers with FLEETCAST_INVALID_ARGUMENT', () => {
    for (const redisUrl of ['http://127.0.0.1:6379', 'not a url']) {
      expect(() => openWorkQueue({ redisUrl })).toThrowError(
        expect.objectContaining({ code: 'FLEETCAST_URL_INVALID' }) as unknown as Error,
      );
    }
    for (const bad of [{ concurrency: 0 }, { maxPending: 1.5 }, { attempts: 0 }, { backoffMs: -1 }]) {
      expect(() => openWorkQueue(bad)).toThrowError(
        expect.objectContaining({ code: 'FLEETCAST_INVALID_ARGUMENT' }) as unknown as Error,
      );
    }
  });
});

describe('task registry', () => {
  it('lists the built-ins and validates names', () => {
    const names = listTasks().map((task) => task.name);
    expect(names).toEqual(expect.arrayContaining(['core.flaky', 'core.ping', 'core.sha256', 'core.spin']));
    for (const bad of ['sha256', 'Core.ping', 'core.', '1core.ping', 'core..ping']) {
      expect(() => registerTask(bad, resolveTask('core.ping'))).toThrowError(
        expect.objectContaining({ code: 'FLEETCAST_INVALID_ARGUMENT' }) as unknown as Error,
      );
    }
  });

  it('re-registering a name with the same URL is allowed, with another URL is an error', () => {
    registerTask('core.ping', resolveTask('core.ping'));
    let error: unknown;
    try {
      registerTask('core.ping', resolveTask('core.sha256'));
    } catch (caught) {
      error = caught;
    }
    expect(isFleetcastError(error, 'FLEETCAST_INVALID_ARGUMENT')).toBe(true);
    expect(resolveTask('core.ping')).toMatch(/builtin\/ping\.(ts|js)$/);
  });

  it('loadTaskHandler caches the module and refuses one without a default-exported function', async () => {
    const url = resolveTask('core.flaky');
    expect(await loadTaskHandler(url)).toBe(await loadTaskHandler(url));
    const error = await rejection(loadTaskHandler(resolveTask('core.ping').replace(/ping\.(ts|js)$/, 'missing.$1')));
    expect(error.code).toBe('FLEETCAST_INVALID_ARGUMENT');
  });
});
