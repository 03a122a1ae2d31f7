import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { PlainParams } from '../../contracts/index.js';
import {
  CALIBRATION_EXAMPLE_NAMES,
  CALIBRATION_EXAMPLES,
  type CalibrationTarget,
  isSamplerName,
  loadCalibrationSpec,
  runCalibration,
  SAMPLER_NAMES,
  type SamplerSpec,
  type SearchSpace,
  SqlStudy,
  samplerSpec,
} from '../../tune/index.js';
import type { CliContext } from '../context.js';
import {
  checkStudyName,
  integer,
  openStudyRuntime,
  parseSeedFlag,
  type StudyRunFlags,
  startProgress,
  studyOutput,
  usage,
  writePlot,
} from './study-run.js';

interface CalibrateOptions extends StudyRunFlags {
  example?: string;
  spec?: string;
  sampler?: string;
  trials?: string;
  replicates?: string;
  seed?: string;
}

/** What a run needs, from a spec file or a built-in example. */
interface Job {
  label: string;
  module: string;
  space: SearchSpace;
  targets: CalibrationTarget[];
  sampler: SamplerSpec;
  trials: number;
  replicates: number;
  workers?: number;
  timeoutMs?: number;
  study?: string;
  truth?: PlainParams;
}

/** `fleetcast calibrate …`: fit a simulation's parameters to observed data; parse, run, print. */
export function registerCalibrate(program: Command, context: CliContext): void {
  program
    .command('calibrate')
    .description('calibrate a simulation against observed targets with ask/tell optimisation')
    .option('--spec <file>', 'calibration spec (YAML): simulation module, space, targets, loss, sampler')
    .option('--example <name>', `built-in example: ${CALIBRATION_EXAMPLE_NAMES.join(', ')}`)
    .option('--sampler <name>', `sampler (overrides the spec's): ${SAMPLER_NAMES.join(', ')}`)
    .option('--trials <n>', "parameter sets the study ends with (overrides the spec's)")
    .option('--replicates <n>', "simulations per parameter set (overrides the spec's)")
    .option('--seed <s>', "sampler seed, a 64-bit unsigned integer (overrides the spec's)")
    .option('--workers <n>', 'simulations at once in this process; with --distributed, 0 leaves them to workers')
    .option('--distributed', 'evaluate on BullMQ (FLEETCAST_REDIS_URL) and its `fleetcast worker` hosts')
    .option('--queue <name>', 'BullMQ queue name', 'fleetcast')
    .option('--study <name>', "study name (default: the spec's, else a new one); an existing study is resumed")
    .option('--plot <file>', 'convergence plot (SVG); default <home>/studies/<study>/convergence.svg')
    .option('--json', 'print one JSON document')
    .action(async (options: CalibrateOptions) => {
      const job = await prepare(options, context);
      const study = checkStudyName(options.study ?? job.study ?? `${job.label}-${context.runId}`);
      const run = await openStudyRuntime(context, options, { defaultWorkers: job.workers });
      const progress = startProgress(context, 'calibrate', job.trials);
      try {
        const stop = await run.watchStop(study);
        const stored = await SqlStudy.open(run.store, { name: study, space: job.space, sampler: job.sampler });
        const result = await runCalibration(
          stored,
          run.queue,
          { module: job.module, targets: job.targets },
          {
            trials: job.trials,
            replicates: job.replicates,
            // Replicate seeds follow the sampler seed, not the study name: the same --seed replays.
            seedRun: `seed-${job.sampler.seed}`,
            // Enough trials in flight to keep every worker busy with their replicates, and no more:
            // fewer parallel asks keep CMA-ES and TPE closer to their sequential behaviour.
            maxInFlight: Math.max(1, Math.ceil((2 * run.concurrency) / job.replicates)),
            ...(job.timeoutMs === undefined ? {} : { timeoutMs: job.timeoutMs }),
            onProgress: progress.onProgress,
            stop,
          },
        );
        const { summary, best } = result;
        progress.finish(summary, job.trials);
        const plot = writePlot(context, options.plot, study, `calibrate ${study} (${job.label})`, result.history);
        const errors = job.truth && best ? relativeErrors(job.truth, best.params) : undefined;
        const output = {
          study,
          ...(options.example ? { example: options.example } : { spec: resolve(context.io.cwd, options.spec!) }),
          module: job.module,
          sampler: job.sampler,
          replicates: job.replicates,
          ...studyOutput(run, summary, best),
          ...(job.truth ? { truth: job.truth } : {}),
          ...(errors ? { relative_error: errors } : {}),
          plot,
        };
        context.print(options.json, output, () =>
          [
            `study ${study}: ${output.trials} parameter sets × ${job.replicates} replicates (${output.completed} completed, ${output.failed} failed) on the ${output.queue} queue${summary.stopped ? ', stopped' : ''}`,
            best ? `best loss ${best.value} at ${JSON.stringify(best.params)}` : 'no completed trial',
            ...(job.truth ? [`truth ${JSON.stringify(job.truth)}; relative error ${JSON.stringify(errors)}`] : []),
            `${summary.trialsPerSecond.toFixed(1)} trials/s over ${summary.seconds.toFixed(2)} s; convergence plot: ${plot}`,
          ].join('\n'),
        );
      } finally {
        await run.close();
      }
    });
}

async function prepare(options: CalibrateOptions, context: CliContext): Promise<Job> {
  if ((options.spec === undefined) === (options.example === undefined)) {
    throw usage('give --spec FILE or --example NAME', {
      hint: `e.g. fleetcast calibrate --example seir --trials 200; examples: ${CALIBRATION_EXAMPLE_NAMES.join(', ')}`,
    });
  }
  if (options.sampler !== undefined && !isSamplerName(options.sampler)) {
    throw usage(`--sampler "${options.sampler}" is not a sampler`, { hint: `choose ${SAMPLER_NAMES.join(', ')}` });
  }
  const trials = options.trials === undefined ? undefined : integer('--trials', options.trials, 1, 10_000_000);
  const replicates =
    options.replicates === undefined ? undefined : integer('--replicates', options.replicates, 1, 10_000);
  const seed = options.seed === undefined ? undefined : parseSeedFlag(options.seed);
  if (options.example !== undefined) {
    const make = Object.hasOwn(CALIBRATION_EXAMPLES, options.example)
      ? CALIBRATION_EXAMPLES[options.example]
      : undefined;
    if (make === undefined) {
      throw usage(`--example "${options.example}" is not an example`, {
        hint: `choose ${CALIBRATION_EXAMPLE_NAMES.join(', ')}`,
      });
    }
    const example = make();
    const name = options.sampler ?? example.sampler.name;
    // The example's sampler settings belong to its sampler: another sampler starts from defaults.
    const settings = name === example.sampler.name ? example.sampler.settings : undefined;
    return {
      label: example.name,
      module: example.module,
      space: example.space,
      targets: example.targets,
      sampler: samplerSpec(name, seed ?? 0n, settings),
      trials: trials ?? example.trials,
      replicates: replicates ?? example.replicates,
      truth: example.truth,
    };
  }
  const plan = await loadCalibrationSpec(resolve(context.io.cwd, options.spec!), context.config().warehouseUrl);
  const sampler =
    options.sampler === undefined && seed === undefined
      ? plan.sampler
      : samplerSpec(
          options.sampler ?? plan.sampler.name,
          seed ?? plan.seed,
          (options.sampler ?? plan.sampler.name) === plan.sampler.name ? plan.sampler.settings : undefined,
        );
  return {
    label: 'calibrate',
    module: plan.module,
    space: plan.space,
    targets: plan.targets,
    sampler,
    trials: trials ?? plan.trials,
    replicates: replicates ?? plan.replicates,
    ...(plan.workers === undefined ? {} : { workers: plan.workers }),
    ...(plan.timeoutMs === undefined ? {} : { timeoutMs: plan.timeoutMs }),
    ...(plan.study === undefined ? {} : { study: plan.study }),
  };
}

/** (found − truth) / truth for every numeric parameter the truth names. */
function relativeErrors(truth: PlainParams, found: PlainParams): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(truth)) {
    const got = found[name];
    if (typeof value === 'number' && typeof got === 'number' && value !== 0) out[name] = (got - value) / value;
  }
  return out;
}
