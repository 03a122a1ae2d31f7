/**
 * Fitting the workload simulator to an observed CPU series: which parameters of an archetype make a
 * simulated resource whose summary statistics (level, daily amplitude, peaks, bursts) match the
 * observed one. `calibrateWorkload` is the programmatic entry (the demo calls it); the
 * `fleetcast calibrate --example workload` example runs the same on a series the simulator made
 * with known parameters.
 */
import { availableParallelism } from 'node:os';
import { Param, type ParamValue, type PlainParams } from '../../../contracts/index.js';
import { FleetcastError } from '../../../core/errors.js';
import type { MetadataStore } from '../../../core/metadata/index.js';
import { openWorkQueue, type WorkQueue } from '../../../core/queue/index.js';
import type { RunProgress } from '../../runner/index.js';
import { type Distribution, fixedParam, floatParam, type SearchSpace, searchSpace } from '../../space/index.js';
import { createSampler, MemoryStudy, type SamplerName, SqlStudy, type Study, samplerSpec } from '../../study/index.js';
import { BUILTIN_MODELS } from '../module.js';
import { runCalibration } from '../run.js';
import { type StatName, seriesStats } from '../summary.js';
import type { SummaryTarget } from '../targets.js';
import type { CalibrationExample } from './types.js';
import { simulateWorkload } from './workload-model.js';

/** Calibratable parameters of the workload model and their search ranges. */
export const WORKLOAD_PARAMS: Readonly<Record<string, Distribution>> = {
  cpu_level: floatParam('cpu_level', 0.5, 95, { log: true }),
  daily_amplitude: floatParam('daily_amplitude', 0, 0.95),
  peak_hour: floatParam('peak_hour', 0, 24),
  weekend_factor: floatParam('weekend_factor', 0.2, 1.5),
  noise_phi: floatParam('noise_phi', 0, 0.995),
  noise_sigma: floatParam('noise_sigma', 0.02, 1, { log: true }),
  bursts_per_day: floatParam('bursts_per_day', 0.05, 50, { log: true }),
  burst_max: floatParam('burst_max', 0.5, 5),
};

export const DEFAULT_WORKLOAD_PARAMS = ['cpu_level', 'daily_amplitude', 'bursts_per_day'] as const;
export const DEFAULT_WORKLOAD_STATS: readonly StatName[] = ['mean', 'daily_amplitude', 'p99', 'burst_fraction'];

export interface ObservedCpuSeries {
  /** Sample times: epoch ms, Dates or ISO strings, in any order. */
  timestamps: ReadonlyArray<number | Date | string>;
  /** CPU utilisation in percent, one per timestamp. */
  values: readonly number[];
}

export interface WorkloadCalibrationOptions {
  /** The archetype whose other parameters are kept (default `web`). */
  archetype?: string;
  /** Parameters to fit (default cpu_level, daily_amplitude, bursts_per_day); see WORKLOAD_PARAMS. */
  params?: readonly string[];
  /** Statistics to match (default mean, daily_amplitude, p99, burst_fraction). */
  stats?: readonly StatName[];
  /** Default 60. */
  trials?: number;
  /** Simulations per parameter set (default 3). */
  replicates?: number;
  seed?: bigint | number;
  /** Default cmaes. */
  sampler?: SamplerName;
  /** Where trials run (default: a local worker-thread pool opened and closed by this call). */
  queue?: WorkQueue;
  /**
   * Parameter sets evaluated at once (default 1: one at a time, its replicates in parallel, so a fit
   * replays exactly from its seed; more is faster on many workers but depends on their timing).
   */
  maxInFlight?: number;
  /** A study to record into (e.g. a SqlStudy); default an in-memory one. */
  study?: Study;
  /**
   * Record the fit as a study of this name in the metadata store (created with this call's space
   * and sampler, so `tune status` and the dashboard show it); ignored when `study` is given.
   */
  record?: { metadata: MetadataStore; name: string };
  onProgress?: (progress: RunProgress) => void;
  signal?: AbortSignal;
}

export interface WorkloadCalibrationResult {
  /** Every model parameter of the best fit: the fitted ones plus the fixed ones (archetype, grid). */
  params: PlainParams;
  /** The fitted parameters alone. */
  fitted: Record<string, number>;
  loss: number;
  trials: number;
  seconds: number;
  /** Statistic → observed value. */
  observed: Record<string, number>;
  /** Statistic → mean over replicates at the best parameters. */
  simulated: Record<string, number>;
  study: string;
}

interface Grid {
  times: number[];
  values: number[];
  start: number;
  days: number;
  intervalMinutes: number;
}

function gridOf(observed: ObservedCpuSeries): Grid {
  if (observed.timestamps.length !== observed.values.length) {
    throw invalid(
      `${observed.timestamps.length} timestamps for ${observed.values.length} values`,
      'give one value per timestamp',
    );
  }
  const points = observed.timestamps.map((t, i) => {
    const ms = t instanceof Date ? t.getTime() : typeof t === 'string' ? Date.parse(t) : t;
    const v = observed.values[i]!;
    if (!Number.isFinite(ms) || !Number.isFinite(v))
      throw invalid(`point ${i} is not a time and a finite value`, 'clean the series first');
    return { t: ms, v };
  });
  points.sort((a, b) => a.t - b.t);
  if (points.length < 48) throw invalid(`${points.length} points is too short`, 'give at least a day of samples');
  const steps = points
    .slice(1)
    .map((p, i) => p.t - points[i]!.t)
    .sort((a, b) => a - b);
  const stepMs = steps[Math.floor(steps.length / 2)]!;
  const intervalMinutes = Math.round(stepMs / 60_000);
  if (!(intervalMinutes >= 1 && intervalMinutes <= 1440)) {
    throw invalid(`the median step of ${stepMs} ms is not 1 minute … 1 day`, 'resample to whole minutes');
  }
  const start = points[0]!.t;
  const days = (points.at(-1)!.t - start + intervalMinutes * 60_000) / 86_400_000;
  return { times: points.map((p) => p.t), values: points.map((p) => p.v), start, days, intervalMinutes };
}

function invalid(message: string, hint: string): FleetcastError {
  return new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `calibrateWorkload: ${message}`, { hint });
}

function workloadSpace(fit: readonly string[], fixed: Record<string, ParamValue>): SearchSpace {
  const params: Record<string, Distribution> = {};
  for (const name of fit) {
    const d = Object.hasOwn(WORKLOAD_PARAMS, name) ? WORKLOAD_PARAMS[name] : undefined;
    if (d === undefined) {
      throw invalid(`"${name}" is not a workload parameter`, `choose from ${Object.keys(WORKLOAD_PARAMS).join(', ')}`);
    }
    params[name] = d;
  }
  for (const [name, value] of Object.entries(fixed)) params[name] = fixedParam(value);
  return searchSpace(params);
}

function summaryTarget(grid: Grid, stats: readonly StatName[]): SummaryTarget {
  return {
    kind: 'summary',
    name: 'cpu_stats',
    table: 'cpu',
    time: 'timestamp',
    value: 'cpu',
    stats: [...stats],
    loss: 'mean_signal_mse',
    weight: 1,
    observed: { values: seriesStats(grid.times, grid.values, stats) },
  };
}

/**
 * Fits the workload simulator to an observed CPU series. Returns the best parameters (ready for
 * the `fleetcast:workload` model or `simulateWorkload`) and the statistics they reproduce.
 */
export async function calibrateWorkload(
  observed: ObservedCpuSeries,
  options: WorkloadCalibrationOptions = {},
): Promise<WorkloadCalibrationResult> {
  const grid = gridOf(observed);
  const stats = options.stats ?? DEFAULT_WORKLOAD_STATS;
  const fixed: Record<string, ParamValue> = {
    archetype: Param.string(options.archetype ?? 'web'),
    days: Param.float(grid.days),
    interval_minutes: Param.int(grid.intervalMinutes),
    start: Param.int(grid.start),
  };
  const space = workloadSpace(options.params ?? DEFAULT_WORKLOAD_PARAMS, fixed);
  const target = summaryTarget(grid, stats);
  const seed = BigInt(options.seed ?? 0);
  const spec = samplerSpec(options.sampler ?? 'cmaes', seed);
  const study =
    options.study ??
    (options.record
      ? await SqlStudy.open(options.record.metadata, { name: options.record.name, space, sampler: spec })
      : new MemoryStudy({ name: `workload-${seed}`, space, sampler: createSampler(spec) }));
  const queue = options.queue ?? openWorkQueue({ concurrency: Math.max(1, Math.min(4, availableParallelism())) });
  try {
    const result = await runCalibration(
      study,
      queue,
      { module: BUILTIN_MODELS.workload!, targets: [target] },
      {
        trials: options.trials ?? 60,
        replicates: options.replicates ?? 3,
        seedRun: `seed-${seed}`,
        maxInFlight: options.maxInFlight ?? 1,
        ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      },
    );
    if (result.best === undefined) {
      throw new FleetcastError('FLEETCAST_TASK_FAILED', 'calibrateWorkload: no trial completed', {
        hint: 'see the failed trials of the study for the reason',
      });
    }
    const best = result.best.params;
    const replicates = options.replicates ?? 3;
    const simulated = stats.map(() => 0);
    for (let r = 0; r < replicates; r++) {
      const series = simulateWorkload(best, seed + BigInt(r));
      seriesStats(Array.from(series.timestamp), Array.from(series.cpu), stats).forEach((v, k) => {
        simulated[k]! += v / replicates;
      });
    }
    const fitted: Record<string, number> = {};
    for (const name of options.params ?? DEFAULT_WORKLOAD_PARAMS) fitted[name] = best[name] as number;
    return {
      params: best,
      fitted,
      loss: result.best.value,
      trials: result.summary.told,
      seconds: result.summary.seconds,
      observed: Object.fromEntries(stats.map((s, k) => [s, target.observed.values[k]!])),
      simulated: Object.fromEntries(stats.map((s, k) => [s, simulated[k]!])),
      study: result.study,
    };
  } finally {
    if (options.queue === undefined) await queue.close();
  }
}

/** The example's truth: a web-like resource busier, flatter and burstier than the archetype. */
export const WORKLOAD_TRUTH = { cpu_level: 25, daily_amplitude: 0.3, bursts_per_day: 4 } as const;
export const WORKLOAD_OBSERVED_SEED = 424_242n;

/** The example's observed series: 14 days at 5 minutes of a `web` resource at WORKLOAD_TRUTH. */
export function workloadObserved(seed: bigint = WORKLOAD_OBSERVED_SEED): ObservedCpuSeries {
  const series = simulateWorkload({ archetype: 'web', days: 14, ...WORKLOAD_TRUTH }, seed);
  return { timestamps: Array.from(series.timestamp), values: Array.from(series.cpu) };
}

export function workloadExample(): CalibrationExample {
  const grid = gridOf(workloadObserved());
  const fixed: Record<string, ParamValue> = {
    archetype: Param.string('web'),
    days: Param.float(grid.days),
    interval_minutes: Param.int(grid.intervalMinutes),
    start: Param.int(grid.start),
  };
  return {
    name: 'workload',
    module: BUILTIN_MODELS.workload!,
    space: workloadSpace(DEFAULT_WORKLOAD_PARAMS, fixed),
    targets: [summaryTarget(grid, DEFAULT_WORKLOAD_STATS)],
    truth: { ...WORKLOAD_TRUTH },
    sampler: { name: 'cmaes' },
    trials: 100,
    replicates: 3,
  };
}
