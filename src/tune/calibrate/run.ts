/**
 * A calibration run: a study over the simulation's parameters, each trial's replicates evaluated on
 * the work queue (`tune.calibrate`), their aligned values scored against the targets in this process,
 * and the weighted loss told.
 */
import { type PlainParams, toPlain } from '../../contracts/index.js';
import type { WorkQueue } from '../../core/queue/index.js';
import { historyOf, type RunProgress, type RunSummary, runStudy, type TrialPoint } from '../runner/index.js';
import { CALIBRATE_TASK } from '../runner/tasks.js';
import type { Study } from '../study/index.js';
import { type CalibrationTarget, checkTargetLoss, probeOf, scoreTargets } from './targets.js';
import type { ReplicateOutput } from './task.js';

export interface CalibrationSetup {
  /** URL of the simulation module (see resolveModuleUrl). */
  module: string;
  targets: readonly CalibrationTarget[];
}

export interface CalibrationRunOptions {
  trials: number;
  /** Simulations per parameter set, each with its own derived seed; default 1. */
  replicates?: number;
  /** The `run` part of the replicates' derived seeds (default the study name); see RunOptions. */
  seedRun?: string;
  maxInFlight?: number;
  timeoutMs?: number;
  onProgress?: (progress: RunProgress) => void;
  signal?: AbortSignal;
  stop?: AbortSignal;
}

export interface CalibrationResult {
  study: string;
  summary: RunSummary;
  best?: { value: number; params: PlainParams; number: number; trialId: string };
  /** Every trial in number order (for the convergence plot). */
  history: TrialPoint[];
}

export const CALIBRATE_SEED_NAMESPACE = 'fleetcast.calibrate';

export async function runCalibration(
  study: Study,
  queue: WorkQueue,
  setup: CalibrationSetup,
  options: CalibrationRunOptions,
): Promise<CalibrationResult> {
  for (const target of setup.targets) checkTargetLoss(target);
  const targets = [...setup.targets];
  const summary = await runStudy(study, queue, {
    task: CALIBRATE_TASK,
    input: { module: setup.module, targets: targets.map(probeOf) },
    trials: options.trials,
    replicates: options.replicates ?? 1,
    seedNamespace: CALIBRATE_SEED_NAMESPACE,
    combine: (outputs) =>
      scoreTargets(
        targets,
        (outputs as ReplicateOutput[]).map((o) => o.aligned),
      ),
    ...(options.seedRun === undefined ? {} : { seedRun: options.seedRun }),
    ...(options.maxInFlight === undefined ? {} : { maxInFlight: options.maxInFlight }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.stop === undefined ? {} : { stop: options.stop }),
  });
  return { study: study.name, summary, ...bestOf(summary), history: await historyOf(study) };
}

export function bestOf(summary: RunSummary): Pick<CalibrationResult, 'best'> {
  const best = summary.best;
  if (best?.loss === undefined) return {};
  return { best: { value: best.loss, params: toPlain(best.params), number: best.number, trialId: best.trialId } };
}
