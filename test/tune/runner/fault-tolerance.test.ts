/**
 * The fault test of issue 7: two `fleetcast worker` processes evaluate a 500-trial study on BullMQ
 * while one of them is killed (SIGKILL, no clean shutdown) every few seconds and replaced. Jobs a
 * killed worker held are recovered by BullMQ's stalled-job check; the study must still end with
 * exactly 500 completed trials, each told once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TrialResult } from '../../../src/contracts/index.js';
import { openMetadataStore } from '../../../src/core/metadata/index.js';
import { BullmqQueue } from '../../../src/core/queue/index.js';
import { BENCHMARKS, EXAMPLE_TASK, runStudy, SqlStudy, samplerSpec, trialAttempts } from '../../../src/tune/index.js';
import { BIN, cleanEnv } from '../../helpers/cli.js';
import { serviceUrl, tempDir, uniqueSuffix } from '../../helpers/services.js';

const redisUrl = serviceUrl('redis');
const TRIALS = 500;
const KILL_EVERY_MS = 3_000;

describe.runIf(redisUrl)('a study on BullMQ workers that keep dying', () => {
  const dir = tempDir();
  const workers: ChildProcess[] = [];
  afterAll(async () => {
    for (const child of workers) child.kill('SIGKILL');
    dir.remove();
  });

  function startWorker(queueName: string): Promise<ChildProcess> {
    // A home per process: each opens the embedded stores there, and DuckDB allows one process per file.
    const home = join(dir.path, `worker-${workers.length}`);
    const child = spawn(process.execPath, [BIN, 'worker', '--queue', queueName, '--concurrency', '2'], {
      cwd: dir.path,
      env: cleanEnv({ FLEETCAST_REDIS_URL: redisUrl, FLEETCAST_HOME: home, FLEETCAST_LOG_FORMAT: 'json' }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    workers.push(child);
    return new Promise((resolve, reject) => {
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString('utf8')).slice(-4_000);
        if (stderr.includes('worker started')) resolve(child);
      });
      child.once('exit', (code, signal) =>
        reject(new Error(`worker exited (${code ?? signal}) before starting: ${stderr}`)),
      );
    });
  }

  it('ends with exactly 500 completed trials, each told once', async () => {
    const queueName = `tune-fault-${uniqueSuffix()}`;
    const store = await openMetadataStore(`sqlite:${join(dir.path, 'metadata.sqlite')}`);
    const queue = new BullmqQueue({ redisUrl: redisUrl!, queueName, runWorker: false, attempts: 5, backoffMs: 50 });
    const live = [await startWorker(queueName), await startWorker(queueName)];
    let kills = 0;
    const startFailures: unknown[] = [];
    const killer = setInterval(() => {
      // Kill only while two are up, so a slow replacement never leaves the study with no worker.
      if (live.length < 2) return;
      live.shift()!.kill('SIGKILL');
      kills++;
      startWorker(queueName).then(
        (child) => live.push(child),
        (error: unknown) => startFailures.push(error),
      );
    }, KILL_EVERY_MS);
    try {
      const study = await SqlStudy.open(store, {
        name: 'fault',
        space: BENCHMARKS.branin!.space,
        sampler: samplerSpec('random', 11),
      });
      // Count every tell the runner makes, per trial id.
      const told = new Map<string, number>();
      const tell = study.tell.bind(study);
      study.tell = (result: TrialResult) => {
        told.set(result.trialId, (told.get(result.trialId) ?? 0) + 1);
        return tell(result);
      };
      const summary = await runStudy(study, queue, {
        task: EXAMPLE_TASK,
        // 40 ms of CPU per trial: the study lasts long enough for several kills mid-evaluation.
        input: { function: 'branin', costMs: 40 },
        trials: TRIALS,
        maxInFlight: 8,
      });
      clearInterval(killer);
      expect(startFailures).toEqual([]);
      expect(kills).toBeGreaterThanOrEqual(3);
      expect(summary).toMatchObject({ told: TRIALS, completed: TRIALS, failed: 0, timeout: 0 });
      expect(told.size).toBe(TRIALS);
      expect([...told.values()].every((n) => n === 1)).toBe(true);
      const attempts = await trialAttempts(store, 'fault');
      expect(attempts).toHaveLength(TRIALS);
      expect(attempts.every((a) => a.state === 'completed')).toBe(true);
      expect(new Set(attempts.map((a) => a.number)).size).toBe(TRIALS);
    } finally {
      clearInterval(killer);
      await queue.obliterate().catch(() => {});
      await queue.close();
      await store.close();
    }
  }, 240_000);
});
