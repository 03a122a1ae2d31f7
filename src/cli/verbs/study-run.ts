/**
 * Plumbing shared by the study verbs, `fleetcast tune` and `fleetcast calibrate`: flags, the store
 * and queue a run uses, the JSON every study verb prints, the progress line and the convergence plot.
 */
import { isAbsolute, join, resolve } from 'node:path';
import type { PlainParams } from '../../contracts/index.js';
import { FleetcastError } from '../../core/errors.js';
import { makeFolderSync } from '../../core/folders.js';
import { type MetadataStore, openMetadataStore } from '../../core/metadata/index.js';
import { createProgress } from '../../core/progress.js';
import { openWorkQueue, type WorkQueue } from '../../core/queue/index.js';
import {
  type ConvergencePoint,
  type RunProgress,
  type RunSummary,
  watchStop,
  writeConvergencePlot,
} from '../../tune/index.js';
import type { CliContext } from '../context.js';

export interface StudyRunFlags {
  workers?: string;
  distributed?: boolean;
  queue?: string;
  study?: string;
  plot?: string;
  json?: boolean;
}

const STUDY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

export function usage(message: string, options: { hint: string }): FleetcastError {
  return new FleetcastError('FLEETCAST_USAGE', message, options);
}

export function integer(flag: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw usage(`${flag} "${raw}" is not an integer in ${min}..${max}`, { hint: `e.g. ${flag} ${Math.max(min, 4)}` });
  }
  return value;
}

export function parseSeedFlag(raw: string): bigint {
  if (!/^\d{1,20}$/.test(raw) || BigInt(raw) >= 2n ** 64n) {
    throw usage(`--seed "${raw}" is not a 64-bit unsigned integer`, { hint: 'e.g. --seed 42' });
  }
  return BigInt(raw);
}

export function checkStudyName(name: string): string {
  if (!STUDY_NAME.test(name)) {
    throw usage(`--study "${name}" is not a valid study name`, {
      hint: 'letters, digits, dot, dash and underscore, starting with a letter or digit',
    });
  }
  return name;
}

export interface StudyRuntime {
  store: MetadataStore;
  queue: WorkQueue;
  workers: number;
  /** Evaluations at once (≥ 1, also with --workers 0, where remote workers take them). */
  concurrency: number;
  /** A signal aborted by `fleetcast tune stop STUDY` (polled from the store). */
  watchStop(study: string): Promise<AbortSignal>;
  close(): Promise<void>;
}

/** Opens the configured metadata store and (unless `queue: false`) the local pool or BullMQ. */
export async function openStudyRuntime(
  context: CliContext,
  flags: StudyRunFlags,
  options: { queue?: boolean; defaultWorkers?: number | undefined } = {},
): Promise<StudyRuntime> {
  const config = context.config();
  if (flags.distributed && !config.redisUrl) {
    throw usage('--distributed needs Redis: no FLEETCAST_REDIS_URL is set', {
      hint: 'set FLEETCAST_REDIS_URL=redis://host:6379 (or --redis-url), or drop --distributed for the local pool',
    });
  }
  const workers =
    flags.workers === undefined
      ? (options.defaultWorkers ?? config.queue.concurrency)
      : integer('--workers', flags.workers, flags.distributed ? 0 : 1, 1024);
  const concurrency = workers > 0 ? workers : config.queue.concurrency;
  const queue =
    options.queue === false
      ? undefined
      : openWorkQueue({
          ...config.queue,
          concurrency: Math.max(1, workers),
          ...(flags.distributed
            ? { redisUrl: config.redisUrl, queueName: flags.queue ?? 'fleetcast', runWorker: workers > 0 }
            : {}),
        });
  const store = await openMetadataStore(config.databaseUrl).catch(async (error: unknown) => {
    await queue?.close();
    throw error;
  });
  const watches: Array<{ close(): void }> = [];
  return {
    store,
    queue: queue as WorkQueue,
    workers,
    concurrency,
    watchStop: async (study) => {
      const watch = await watchStop(store, study);
      watches.push(watch);
      return watch.signal;
    },
    close: async () => {
      for (const watch of watches) watch.close();
      await queue?.close();
      await store.close();
    },
  };
}

/** The part of a run's JSON every study verb prints: where it ran, trial counts, best, rate. */
export function studyOutput(
  run: StudyRuntime,
  summary: RunSummary,
  best: { value: number; params: PlainParams; number: number; trialId: string } | undefined,
) {
  return {
    queue: run.queue.kind,
    workers: run.workers,
    store: run.store.location,
    trials: summary.told,
    completed: summary.completed,
    failed: summary.failed,
    timeout: summary.timeout,
    stopped: summary.stopped,
    best: best ? { value: best.value, params: best.params, number: best.number, trial_id: best.trialId } : null,
    seconds: summary.seconds,
    trials_per_s: summary.trialsPerSecond,
  };
}

/** The live progress line (trials done / running / best loss) on stderr. */
export function startProgress(context: CliContext, label: string, total: number) {
  const progress = createProgress({ label, total, stream: context.io.stderr });
  return {
    onProgress: (p: RunProgress) =>
      progress.update(
        p.told,
        `running ${p.running}, best ${p.bestLoss === undefined ? '—' : p.bestLoss.toPrecision(6)}`,
      ),
    finish: (summary: RunSummary, trials: number) => {
      const best = `best ${summary.bestLoss?.toPrecision(6) ?? '—'}`;
      if (!summary.stopped) return progress.done(best);
      // A stopped run ends short of its total: say so instead of drawing a full bar.
      if (context.io.stderr.isTTY) context.io.stderr.write('\n');
      context.io.stderr.write(`${label}: stopped at ${summary.told}/${trials}, trials in flight finished; ${best}\n`);
    },
  };
}

/** Writes the convergence plot (default <home>/studies/<study>/convergence.svg); returns its path. */
export function writePlot(
  context: CliContext,
  explicit: string | undefined,
  study: string,
  title: string,
  points: readonly ConvergencePoint[],
): string {
  const path =
    explicit === undefined
      ? join(context.config().home, 'studies', study, 'convergence.svg')
      : isAbsolute(explicit)
        ? explicit
        : resolve(context.io.cwd, explicit);
  makeFolderSync(resolve(path, '..'));
  writeConvergencePlot(path, title, points);
  return path;
}
