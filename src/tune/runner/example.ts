/**
 * Built-in example studies (`fleetcast tune --example …`): a benchmark function, a sampler and a
 * seed make a stored study that runs on whatever queue it is given, with no user files.
 */
import { type PlainParams, toPlain } from '../../contracts/index.js';
import { FleetcastError } from '../../core/errors.js';
import type { MetadataStore } from '../../core/metadata/index.js';
import type { WorkQueue } from '../../core/queue/index.js';
import { BENCHMARKS } from '../examples/functions.js';
import { sampledNames } from '../space/index.js';
import { type SamplerName, SqlStudy, samplerSpec } from '../study/index.js';
import { historyOf, type TrialPoint } from './history.js';
import { runStudy } from './runner.js';
import { EXAMPLE_TASK } from './tasks.js';
import type { RunProgress, RunSummary } from './types.js';

export const EXAMPLE_NAMES = Object.keys(BENCHMARKS);

export interface ExampleRunOptions {
  example: string;
  sampler: SamplerName;
  seed: bigint;
  trials: number;
  /** Study name; an existing study of that name is resumed up to `trials`. */
  study: string;
  maxInFlight?: number;
  onProgress?: (progress: RunProgress) => void;
  signal?: AbortSignal;
  /** Stops asking; trials in flight finish (`fleetcast tune stop`). */
  stop?: AbortSignal;
}

export interface ExampleRunResult {
  study: string;
  example: string;
  /** The function's known minimum, to compare `best.value` with. */
  optimum: number;
  summary: RunSummary;
  best?: { value: number; params: PlainParams; number: number; trialId: string };
  /** Every trial, for the convergence plot. */
  history: TrialPoint[];
}

export async function runExample(
  store: MetadataStore,
  queue: WorkQueue,
  options: ExampleRunOptions,
): Promise<ExampleRunResult> {
  const fn = Object.hasOwn(BENCHMARKS, options.example) ? BENCHMARKS[options.example] : undefined;
  if (fn === undefined) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `no example "${options.example}"`, {
      hint: `choose one of ${EXAMPLE_NAMES.join(', ')}`,
    });
  }
  const categorical = sampledNames(fn.space).filter((n) => fn.space.params[n]!.type === 'categorical');
  if (options.sampler === 'cmaes' && categorical.length > 0) {
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `CMA-ES needs a continuous space; example ${fn.name} has categorical ${categorical.join(', ')}`,
      { hint: 'use --sampler tpe, random or sobol for this example' },
    );
  }
  const study = await SqlStudy.open(store, {
    name: options.study,
    space: fn.space,
    sampler: samplerSpec(options.sampler, options.seed),
  });
  const summary = await runStudy(study, queue, {
    task: EXAMPLE_TASK,
    input: { function: fn.name },
    trials: options.trials,
    ...(options.maxInFlight === undefined ? {} : { maxInFlight: options.maxInFlight }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.stop === undefined ? {} : { stop: options.stop }),
  });
  const best = summary.best;
  return {
    study: study.name,
    example: fn.name,
    optimum: fn.optimum,
    summary,
    history: await historyOf(study),
    ...(best?.loss === undefined
      ? {}
      : { best: { value: best.loss, params: toPlain(best.params), number: best.number, trialId: best.trialId } }),
  };
}
