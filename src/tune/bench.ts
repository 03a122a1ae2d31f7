/**
 * Tune overhead: how many trials per second the ask → evaluate → tell loop sustains when the
 * objective costs nothing (Branin: a few hundred nanoseconds), so the rate is the loop's own cost.
 *
 *  - tune-overhead-local: the same runner on the local pool, in-memory study (reference) against a
 *    study stored in SQLite (subject): the ratio is what durable storage costs.
 *  - tune-overhead-distributed: local pool + SQLite (reference) against BullMQ with two
 *    `fleetcast worker` processes + PostgreSQL (subject). Skipped, with the reason, when Redis or
 *    PostgreSQL do not answer or the CLI is not built.
 *
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchInstance, Benchmark, BenchSide } from '../core/bench/harness.js';
import { errorMessage } from '../core/errors.js';
import { type MetadataStore, openMetadataStore } from '../core/metadata/index.js';
import { createScratchDatabase } from '../core/postgres.js';
import { BullmqQueue, openWorkQueue, pingRedis, type WorkQueue } from '../core/queue/index.js';
// Direct imports, not './index.js': the index re-exports this module, and a cycle would leave these
// bindings undefined while the index is still being evaluated.
import { BENCHMARKS } from './examples/functions.js';
import { EXAMPLE_TASK, runStudy } from './runner/index.js';
import { RandomSampler } from './samplers/index.js';
import { MemoryStudy, SqlStudy, type Study, samplerSpec } from './study/index.js';

export interface TuneBenchOptions {
  postgresUrl: string;
  redisUrl: string;
  scale?: number;
}

const LOCAL_TRIALS = 10_000;
const DISTRIBUTED_TRIALS = 2_000;
/** Enough trials in flight to hide the queue's round trip; the loop's cost is what is measured. */
const MAX_IN_FLIGHT = 32;
const WORKER_PROCESSES = 2;
/** Per worker process: jobs at once. The objective is trivial, so this hides Redis latency. */
const WORKER_CONCURRENCY = 8;

const branin = BENCHMARKS.branin!;

export function tuneBenchmarks(options: TuneBenchOptions): Benchmark[] {
  const scale = options.scale ?? 1;
  const local = Math.max(100, Math.round(LOCAL_TRIALS * scale));
  const distributed = Math.max(100, Math.round(DISTRIBUTED_TRIALS * scale));
  return [
    {
      name: 'tune-overhead-local',
      description: `${local.toLocaleString('en-US')} trials of a trivial objective (random sampler, local pool): in-memory vs SQLite study`,
      unit: 'trials/s',
      reference: tuneSide('memory', local, async () => {
        const queue = openWorkQueue({});
        return { queue, study: (name) => Promise.resolve(memoryStudy(name)), close: () => queue.close() };
      }),
      subject: tuneSide('sqlite', local, sqliteSetup),
    },
    {
      name: 'tune-overhead-distributed',
      description: `${distributed.toLocaleString('en-US')} trials of a trivial objective: local pool + SQLite vs BullMQ (${WORKER_PROCESSES} worker processes) + PostgreSQL`,
      unit: 'trials/s',
      reference: tuneSide('local+sqlite', distributed, sqliteSetup),
      subject: tuneSide('bullmq+postgres', distributed, () => distributedSetup(options)),
    },
  ];
}

interface Setup {
  queue: WorkQueue;
  study: (name: string) => Promise<Study>;
  /** Closes the queue too. */
  close: () => Promise<void>;
}

function tuneSide(label: string, trials: number, setup: () => Promise<Setup | { skip: string }>): BenchSide {
  return {
    label,
    open: async (): Promise<BenchInstance | { skip: string }> => {
      const opened = await setup();
      if ('skip' in opened) return opened;
      let run = 0;
      return {
        iteration: async () => {
          // A fresh study per repetition: every repetition asks and tells the same number of trials.
          const study = await opened.study(`bench-${run++}`);
          const summary = await runStudy(study, opened.queue, {
            task: EXAMPLE_TASK,
            input: { function: 'branin' },
            trials,
            maxInFlight: MAX_IN_FLIGHT,
          });
          if (summary.completed !== trials) throw new Error(`${summary.completed} of ${trials} trials completed`);
          return trials;
        },
        close: () => opened.close(),
      };
    },
  };
}

function memoryStudy(name: string): Study {
  return new MemoryStudy({ name, space: branin.space, sampler: new RandomSampler({ seed: 1 }) });
}

function sqlStudy(store: MetadataStore, name: string): Promise<Study> {
  return SqlStudy.open(store, { name, space: branin.space, sampler: samplerSpec('random', 1) });
}

async function sqliteSetup(): Promise<Setup> {
  const dir = mkdtempSync(join(tmpdir(), 'fleetcast-bench-'));
  const store = await openMetadataStore(`sqlite:${join(dir, 'metadata.sqlite')}`);
  const queue = openWorkQueue({});
  return {
    queue,
    study: (name) => sqlStudy(store, name),
    close: async () => {
      await queue.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function distributedSetup(options: TuneBenchOptions): Promise<Setup | { skip: string }> {
  const bin = fileURLToPath(new URL('../../bin/fleetcast.js', import.meta.url));
  if (!existsSync(bin) || !existsSync(fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url)))) {
    return { skip: 'the CLI is not built (npm run build): the workers are `fleetcast worker` processes' };
  }
  try {
    await pingRedis(options.redisUrl);
  } catch (error) {
    return { skip: errorMessage(error) };
  }
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  try {
    database = await createScratchDatabase(options.postgresUrl, 'fleetcast_bench');
  } catch (error) {
    return { skip: errorMessage(error) };
  }
  const queueName = `bench-tune-${randomBytes(4).toString('hex')}`;
  // The workers' own homes (each opens the embedded stores there, and DuckDB allows one process
  // per file), removed on close.
  const home = mkdtempSync(join(tmpdir(), 'fleetcast-bench-worker-'));
  const workers: ChildProcess[] = [];
  let store: MetadataStore | undefined;
  const queue = new BullmqQueue({ redisUrl: options.redisUrl, queueName, runWorker: false });
  const close = async () => {
    await Promise.all(workers.map(stopWorker));
    // Obliterate before close: a closed queue would reconnect to Redis to obliterate, and linger.
    await queue.obliterate().catch(() => {});
    await queue.close();
    await store?.close();
    await database.drop();
    rmSync(home, { recursive: true, force: true });
  };
  try {
    store = await openMetadataStore(database.url);
    for (let i = 0; i < WORKER_PROCESSES; i++)
      workers.push(await startWorker(bin, options.redisUrl, queueName, join(home, `worker-${i}`)));
  } catch (error) {
    await close();
    throw error;
  }
  const opened = store;
  return { queue, study: (name) => sqlStudy(opened, name), close };
}

/** Starts `fleetcast worker` and resolves once it logs that it takes jobs. */
function startWorker(bin: string, redisUrl: string, queueName: string, home: string): Promise<ChildProcess> {
  mkdirSync(home);
  const child = spawn(
    process.execPath,
    [bin, 'worker', '--queue', queueName, '--concurrency', String(WORKER_CONCURRENCY)],
    {
      cwd: home,
      env: {
        ...process.env,
        FLEETCAST_HOME: home,
        FLEETCAST_REDIS_URL: redisUrl,
        FLEETCAST_LOG_FORMAT: 'json',
        FLEETCAST_LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`fleetcast worker did not start within 20 s: ${stderr.slice(-500)}`));
    }, 20_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      // Only the tail is kept (for an error message); the pipe is drained so the worker never blocks.
      stderr = (stderr + chunk.toString('utf8')).slice(-4_000);
      if (stderr.includes('worker started')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`fleetcast worker exited with code ${code}: ${stderr.slice(-500)}`));
    });
  });
}

async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
