/**
 * The runner: drives a study on the work queue. It asks while fewer than `maxInFlight` trials are
 * out (the back-pressure bound: a study of 100,000 trials never has more than that queued), sends
 * each trial's replicates to the queue as tasks with derived seeds, and tells the aggregated result.
 *
 * With a leasing (SQL) study it also keeps the leases of in-flight trials alive, and finishes the
 * trials a lost coordinator left behind: those are counted toward the target and picked up as
 * re-queued attempts once their leases run out, so a resumed study ends with exactly `trials`.
 */
import { deriveSeed, toPlain } from '../../contracts/index.js';
import { FleetcastError } from '../../core/errors.js';
import type { TaskHandle, WorkQueue } from '../../core/queue/index.js';
import type { AskedTrial, Study } from '../study/index.js';
import { aggregate } from './aggregate.js';
import type { ObjectivePayload, RunOptions, RunProgress, RunSummary } from './types.js';

/** What the runner uses of a leasing study (SqlStudy); the in-memory study has no leases. */
interface Leasing {
  readonly leaseMs: number;
  heartbeat(trialIds: readonly string[]): Promise<string[]>;
  askQueued(): Promise<AskedTrial | undefined>;
  /** Several fresh trials in one write. */
  askMany(count: number): Promise<AskedTrial[]>;
}

function leasingOf(study: Study): Leasing | undefined {
  const candidate = study as Study & Partial<Leasing>;
  return typeof candidate.heartbeat === 'function' &&
    typeof candidate.askQueued === 'function' &&
    typeof candidate.askMany === 'function'
    ? (candidate as Study & Leasing)
    : undefined;
}

interface InFlight {
  readonly trial: AskedTrial;
  readonly controller: AbortController;
  handles: TaskHandle[];
  /** performance.now() when a replicate was first seen running: the timeout counts from here. */
  startedAt?: number;
  /** Set when the lease was lost: the result is dropped, the re-queued attempt will carry it. */
  lost: boolean;
}

export async function runStudy(study: Study, queue: WorkQueue, options: RunOptions): Promise<RunSummary> {
  const replicates = options.replicates ?? 1;
  const maxInFlight = options.maxInFlight ?? 2 * queue.options.concurrency;
  checkOptions(options.trials, replicates, maxInFlight, options.timeoutMs);
  const started = performance.now();
  const leasing = leasingOf(study);
  const counts = { completed: 0, failed: 0, timeout: 0 };
  let bestLoss: number | undefined;
  const history = await study.history();
  // Trials asked before this run and never told: a lost coordinator's. They count toward the target.
  const orphans = new Set<number>();
  for (const t of history) {
    if (t.state === 'running') orphans.add(t.number);
    else counts[t.state]++;
    if (t.state === 'completed' && (bestLoss === undefined || t.loss! < bestLoss)) bestLoss = t.loss!;
  }
  const toldBefore = counts.completed + counts.failed + counts.timeout;
  const told = () => counts.completed + counts.failed + counts.timeout;
  const inFlight = new Map<string, InFlight>();
  const progress = (): RunProgress => ({
    told: told(),
    running: inFlight.size,
    ...counts,
    ...(bestLoss === undefined ? {} : { bestLoss }),
  });

  let wake: () => void = () => {};
  let woken = new Promise<void>((resolve) => {
    wake = resolve;
  });
  const notify = () => {
    wake();
    woken = new Promise<void>((resolve) => {
      wake = resolve;
    });
  };

  const finish = async (entry: InFlight, settled: readonly PromiseSettledResult<unknown>[]) => {
    if (entry.lost || options.signal?.aborted) return;
    const result = entry.controller.signal.aborted
      ? {
          trialId: entry.trial.trialId,
          paramId: entry.trial.paramId,
          status: 'timeout' as const,
          error: `no result within ${options.timeoutMs} ms`,
        }
      : aggregate(entry.trial, settled, options.combine);
    try {
      await study.tell(result);
    } catch (error) {
      // The store refused (a lease lost between heartbeats): the re-queued attempt will be told.
      orphans.add(entry.trial.number);
      options.onProgress?.(progress());
      if (!(error instanceof FleetcastError)) throw error;
      return;
    }
    counts[result.status]++;
    if (result.status === 'completed' && (bestLoss === undefined || result.loss! < bestLoss)) bestLoss = result.loss!;
  };

  const evaluate = async (trial: AskedTrial) => {
    const entry: InFlight = { trial, controller: new AbortController(), handles: [], lost: false };
    inFlight.set(trial.trialId, entry);
    const params = toPlain(trial.params);
    try {
      const submitted: Array<Promise<unknown>> = [];
      for (let replicate = 0; replicate < replicates; replicate++) {
        const payload: ObjectivePayload = {
          study: study.name,
          trialId: trial.trialId,
          number: trial.number,
          params,
          seed: deriveSeed({
            namespace: options.seedNamespace ?? 'fleetcast.tune',
            run: options.seedRun ?? study.name,
            paramId: trial.paramId,
            replicate,
          }).toString(),
          replicate,
          ...(options.input === undefined ? {} : { input: options.input }),
        };
        const handle = await queue.submit(options.task, payload, {
          signal: entry.controller.signal,
          ...(options.attempts === undefined ? {} : { attempts: options.attempts }),
        });
        entry.handles.push(handle);
        submitted.push(handle.result);
      }
      await finish(entry, await Promise.allSettled(submitted));
    } catch (error) {
      // submit itself failed (queue closed, backend down): the trial cannot be evaluated here.
      if (!entry.controller.signal.aborted) await finish(entry, [{ status: 'rejected', reason: error }]);
      else await finish(entry, []);
    } finally {
      inFlight.delete(trial.trialId);
      options.onProgress?.(progress());
      notify();
    }
  };

  const heartbeat = leasing === undefined ? undefined : startHeartbeat(leasing, inFlight, orphans);
  const deadlines = options.timeoutMs === undefined ? undefined : startDeadlines(options.timeoutMs, inFlight);
  const failures: unknown[] = [];
  const halted = () => options.signal?.aborted === true || options.stop?.aborted === true;
  // Wakes the loop when a stop arrives while it waits for in-flight trials.
  options.stop?.addEventListener('abort', notify, { once: true });
  try {
    while (told() < options.trials && !options.signal?.aborted) {
      if (options.stop?.aborted && inFlight.size === 0) break;
      while (inFlight.size < maxInFlight && !halted()) {
        const fresh = options.trials - told() - inFlight.size - orphans.size;
        let asked: AskedTrial[] = [];
        if (leasing !== undefined && orphans.size > 0) {
          const queued = await leasing.askQueued();
          if (queued !== undefined) asked = [queued];
        }
        if (asked.length === 0 && fresh > 0) {
          const free = Math.min(fresh, maxInFlight - inFlight.size);
          asked = leasing === undefined ? [await study.ask()] : await leasing.askMany(free);
        }
        if (asked.length === 0) break;
        for (const trial of asked) {
          orphans.delete(trial.number);
          void evaluate(trial).catch((error: unknown) => {
            failures.push(error);
            notify();
          });
        }
        options.onProgress?.(progress());
      }
      if (failures.length > 0) throw failures[0];
      if (inFlight.size === 0 && told() < options.trials) {
        if (orphans.size === 0 || leasing === undefined || halted()) break;
        // Only a lost coordinator's trials are left: wait for their leases to run out.
        await delay(Math.min(1_000, leasing.leaseMs / 4), options.signal);
        continue;
      }
      await woken;
    }
  } finally {
    options.stop?.removeEventListener('abort', notify);
    heartbeat?.stop();
    deadlines?.stop();
    if (options.signal?.aborted || failures.length > 0) {
      await Promise.all([...inFlight.values()].flatMap((e) => e.handles.map((h) => h.cancel().catch(() => {}))));
    }
    while (inFlight.size > 0) await woken;
  }
  const seconds = (performance.now() - started) / 1000;
  const toldNow = told() - toldBefore;
  const best = await study.best();
  return {
    ...progress(),
    ...(best === undefined ? {} : { best }),
    stopped: options.stop?.aborted === true && told() < options.trials,
    toldNow,
    seconds,
    trialsPerSecond: seconds > 0 ? toldNow / seconds : 0,
  };
}

function startHeartbeat(leasing: Leasing, inFlight: Map<string, InFlight>, orphans: Set<number>) {
  let busy = false;
  const timer = setInterval(
    () => {
      if (busy || inFlight.size === 0) return;
      busy = true;
      const ids = [...inFlight.keys()];
      leasing
        .heartbeat(ids)
        .then((held) => {
          const kept = new Set(held);
          for (const id of ids) {
            const entry = inFlight.get(id);
            if (entry === undefined || kept.has(id)) continue;
            // Lost (a stall longer than the lease): drop this evaluation; the re-queued attempt replaces it.
            entry.lost = true;
            orphans.add(entry.trial.number);
            for (const handle of entry.handles) void handle.cancel().catch(() => {});
          }
        })
        .catch(() => {}) // a failed heartbeat is retried on the next tick, well within the lease
        .finally(() => {
          busy = false;
        });
    },
    Math.max(10, leasing.leaseMs / 3),
  );
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/**
 * Times trials out. A trial's clock starts when one of its replicates starts running, not when it
 * is submitted: waiting for a free worker is back-pressure, not slowness. One ticker checks every
 * in-flight trial, so the limit is enforced within a tick (a tenth of the limit, at most 100 ms).
 */
function startDeadlines(timeoutMs: number, inFlight: Map<string, InFlight>) {
  const timer = setInterval(
    () => {
      const now = performance.now();
      for (const entry of inFlight.values()) {
        if (entry.startedAt === undefined) {
          if (entry.handles.some((h) => h.state() !== 'queued')) entry.startedAt = now;
        } else if (now - entry.startedAt >= timeoutMs && !entry.controller.signal.aborted) {
          entry.controller.abort();
        }
      }
    },
    Math.max(1, Math.min(100, timeoutMs / 10)),
  );
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

function checkOptions(trials: number, replicates: number, maxInFlight: number, timeoutMs: number | undefined): void {
  const checks: Array<[boolean, string, string]> = [
    [Number.isInteger(trials) && trials >= 1, `trials must be an integer ≥ 1, got ${trials}`, 'e.g. 100'],
    [
      Number.isInteger(replicates) && replicates >= 1,
      `replicates must be an integer ≥ 1, got ${replicates}`,
      'e.g. 3 for stochastic objectives',
    ],
    [
      Number.isInteger(maxInFlight) && maxInFlight >= 1,
      `maxInFlight must be an integer ≥ 1, got ${maxInFlight}`,
      'e.g. twice the number of workers',
    ],
    [
      timeoutMs === undefined || (Number.isFinite(timeoutMs) && timeoutMs > 0),
      `timeoutMs must be > 0, got ${timeoutMs}`,
      'give the per-trial limit in milliseconds',
    ],
  ];
  for (const [ok, message, hint] of checks) {
    if (!ok) throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', message, { hint });
  }
}
