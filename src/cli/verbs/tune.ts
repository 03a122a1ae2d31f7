import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { toPlain } from '../../contracts/index.js';
import { FleetcastError } from '../../core/errors.js';
import { openRegistry } from '../../registry/index.js';
import {
  EXAMPLE_NAMES,
  isSamplerName,
  loadTuningSpec,
  requestStop,
  runExample,
  runModelTuning,
  SAMPLER_NAMES,
  SqlStudy,
  saveTunedModel,
  studyStatus,
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

interface TuneOptions extends StudyRunFlags {
  example?: string;
  spec?: string;
  sampler: string;
  trials?: string;
  seed: string;
  register?: string;
  env?: string;
}

const MAX_TRIALS = 10_000_000;

/** `fleetcast tune …`: parse, open the configured store and queue, run the study, print. */
export function registerTune(program: Command, context: CliContext): void {
  const tune = program
    .command('tune')
    .description('tune with ask/tell optimisation on the local pool or BullMQ workers')
    .option('--example <name>', `built-in example: ${EXAMPLE_NAMES.join(', ')}`)
    .option('--spec <file>', "tuning spec (YAML): a forecaster's or performance model's hyperparameters")
    .option('--sampler <name>', `sampler: ${SAMPLER_NAMES.join(', ')}`, 'tpe')
    .option('--trials <n>', 'trials the study ends with (a resumed study counts its earlier ones)')
    .option('--seed <s>', 'sampler seed, a 64-bit unsigned integer', '0')
    .option(
      '--workers <n>',
      'evaluations at once in this process (default: the queue concurrency); with --distributed, 0 leaves them all to `fleetcast worker` hosts',
    )
    .option('--distributed', 'evaluate on BullMQ (FLEETCAST_REDIS_URL) and its `fleetcast worker` hosts')
    .option('--queue <name>', 'BullMQ queue name (the one `fleetcast worker --queue` serves)', 'fleetcast')
    .option('--study <name>', 'study name (default: a new one); an existing study is resumed')
    .option('--register <name>', "with --spec: register the best trial's model under this name")
    .option('--env <alias>', 'with --register: point this alias (e.g. dev) at the new version')
    .option('--plot <file>', 'convergence plot (SVG); default <home>/studies/<study>/convergence.svg')
    .option('--json', 'print one JSON document')
    .action(async (options: TuneOptions) => {
      if (options.spec !== undefined) return tuneSpec(options, context);
      if (options.example === undefined) {
        throw usage('give --example NAME or --spec FILE', {
          hint: `e.g. fleetcast tune --example branin --trials 100; examples: ${EXAMPLE_NAMES.join(', ')}`,
        });
      }
      if (!EXAMPLE_NAMES.includes(options.example)) {
        throw usage(`--example "${options.example}" is not an example`, { hint: `choose ${EXAMPLE_NAMES.join(', ')}` });
      }
      if (options.register !== undefined) throw usage('--register needs --spec', { hint: 'examples have no model' });
      if (!isSamplerName(options.sampler)) {
        throw usage(`--sampler "${options.sampler}" is not a sampler`, { hint: `choose ${SAMPLER_NAMES.join(', ')}` });
      }
      if (options.trials === undefined) throw usage('--trials is required', { hint: 'e.g. --trials 100' });
      const trials = integer('--trials', options.trials, 1, MAX_TRIALS);
      const seed = parseSeedFlag(options.seed);
      const study = checkStudyName(options.study ?? `${options.example}-${options.sampler}-${context.runId}`);
      const run = await openStudyRuntime(context, options);
      const progress = startProgress(context, 'tune', trials);
      try {
        const stop = await run.watchStop(study);
        const result = await runExample(run.store, run.queue, {
          example: options.example,
          sampler: options.sampler,
          seed,
          trials,
          study,
          maxInFlight: 2 * run.concurrency,
          onProgress: progress.onProgress,
          stop,
        });
        const { summary } = result;
        progress.finish(summary, trials);
        const plot = writePlot(
          context,
          options.plot,
          study,
          `tune ${study} (${options.example}, ${options.sampler})`,
          result.history,
        );
        const output = {
          study: result.study,
          example: result.example,
          sampler: options.sampler,
          seed: options.seed,
          ...studyOutput(run, summary, result.best),
          optimum: result.optimum,
          plot,
        };
        context.print(options.json, output, () =>
          [
            `study ${output.study}: ${output.trials} trials (${output.completed} completed, ${output.failed} failed, ${output.timeout} timed out) on the ${output.queue} queue${summary.stopped ? ', stopped' : ''}`,
            result.best
              ? `best ${result.best.value} (optimum ${result.optimum}) at ${JSON.stringify(result.best.params)}`
              : 'no completed trial',
            `${summary.trialsPerSecond.toFixed(1)} trials/s over ${summary.seconds.toFixed(2)} s; stored in ${run.store.location}`,
            `convergence plot: ${plot}`,
          ].join('\n'),
        );
      } finally {
        await run.close();
      }
    });

  tune
    .command('status')
    .description('show a stored study (tune or calibrate): trial counts by state and the best trial')
    .argument('<study>', 'study name')
    .option('--json', 'print one JSON document')
    .action(async (name: string, options: { json?: boolean }) => {
      // `--json` after the study name is parsed by `tune` itself, which declares the same flag.
      const json = options.json === true || (tune.opts() as TuneOptions).json === true;
      const run = await openStudyRuntime(context, {}, { queue: false });
      try {
        const status = await studyStatus(run.store, name);
        const best = status.best
          ? {
              value: status.best.loss,
              params: toPlain(status.best.params),
              number: status.best.number,
              trial_id: status.best.trialId,
            }
          : null;
        const output = {
          study: status.name,
          sampler: status.sampler,
          created_at: status.createdAt,
          trials: status.trials,
          attempts: status.attempts,
          best,
          stop_requested_at: status.stopRequestedAt ?? null,
        };
        context.print(json, output, () =>
          [
            `study ${status.name} (${status.sampler.name ?? 'custom'} sampler), created ${status.createdAt}`,
            `${status.trials} trials; attempts: ${
              Object.entries(status.attempts)
                .filter(([, n]) => n > 0)
                .map(([state, n]) => `${n} ${state}`)
                .join(', ') || 'none'
            }`,
            best ? `best ${best.value} at ${JSON.stringify(best.params)} (trial ${best.number})` : 'no completed trial',
            ...(status.stopRequestedAt ? [`stop requested at ${status.stopRequestedAt}`] : []),
          ].join('\n'),
        );
      } finally {
        await run.close();
      }
    });

  tune
    .command('stop')
    .description('stop a running study cleanly: its runner stops asking, finishes the trials in flight and exits')
    .argument('<study>', 'study name')
    .option('--reason <text>', 'why (kept in the run history)')
    .option('--json', 'print one JSON document')
    .action(async (name: string, options: { reason?: string; json?: boolean }) => {
      const json = options.json === true || (tune.opts() as TuneOptions).json === true;
      const run = await openStudyRuntime(context, {}, { queue: false });
      try {
        const request = await requestStop(run.store, name, options.reason);
        const output = { study: name, stop_requested_at: request.requestedAt, by: request.by, request: request.id };
        context.print(json, output, () =>
          [
            `stop requested for study ${name} at ${request.requestedAt}`,
            'its runner stops asking within a second, finishes the trials in flight and exits; resume with --study',
          ].join('\n'),
        );
      } finally {
        await run.close();
      }
    });
}

/** `fleetcast tune --spec FILE`: tune a model's hyperparameters; optionally register the best. */
async function tuneSpec(options: TuneOptions, context: CliContext): Promise<void> {
  if (options.example !== undefined) throw usage('give --spec or --example, not both', { hint: 'drop one' });
  if (options.env !== undefined && options.register === undefined) {
    throw usage('--env needs --register', { hint: 'e.g. --register cpu-forecast --env dev' });
  }
  const config = context.config();
  const plan = await loadTuningSpec(resolve(context.io.cwd, options.spec!), config.warehouseUrl);
  const trials = options.trials === undefined ? plan.trials : integer('--trials', options.trials, 1, MAX_TRIALS);
  const study = checkStudyName(options.study ?? plan.study ?? `tune-${context.runId}`);
  const register = options.register ?? plan.register;
  const run = await openStudyRuntime(context, options, { defaultWorkers: plan.workers });
  const progress = startProgress(context, 'tune', trials);
  try {
    const stop = await run.watchStop(study);
    const stored = await SqlStudy.open(run.store, { name: study, space: plan.space, sampler: plan.sampler });
    const result = await runModelTuning(
      stored,
      run.queue,
      { ...plan, trials },
      {
        maxInFlight: 2 * run.concurrency,
        onProgress: progress.onProgress,
        stop,
      },
    );
    progress.finish(result.summary, trials);
    const plot = writePlot(context, options.plot, study, `tune ${study} (${plan.input.kind})`, result.history);
    let registered: { name: string; version: number } | undefined;
    if (register !== undefined && result.best !== undefined) {
      const scratch = mkdtempSync(join(tmpdir(), 'fleetcast-tune-'));
      try {
        const dir = join(scratch, 'model');
        saveTunedModel(plan, result.best.params, dir, { loss: result.best.value, study, parentRun: context.runId });
        const opened = await openRegistry(config, context.io.env);
        try {
          const version = await opened.registry.register(register, dir, {
            source: `tune --spec ${options.spec} (study ${study}, trial ${result.best.number})`,
            sourceRun: context.runId,
            ...(options.env ? { env: options.env } : {}),
          });
          registered = { name: version.name, version: version.version };
        } finally {
          await opened.close();
        }
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    } else if (register !== undefined) {
      throw new FleetcastError('FLEETCAST_TASK_FAILED', `no trial of study ${study} completed: nothing to register`, {
        hint: `see fleetcast tune status ${study}`,
      });
    }
    const { summary } = result;
    const output = {
      study,
      spec: plan.source,
      model: plan.input.kind,
      sampler: plan.sampler.name,
      seed: plan.sampler.seed,
      ...studyOutput(run, summary, result.best),
      plot,
      ...(registered ? { registered } : {}),
    };
    context.print(options.json, output, () =>
      [
        `study ${study}: ${output.trials} trials (${output.completed} completed, ${output.failed} failed) tuning a ${output.model}${summary.stopped ? ', stopped' : ''}`,
        result.best ? `best loss ${result.best.value} at ${JSON.stringify(result.best.params)}` : 'no completed trial',
        `${summary.trialsPerSecond.toFixed(2)} trials/s over ${summary.seconds.toFixed(1)} s; convergence plot: ${plot}`,
        ...(registered ? [`registered ${registered.name}:${registered.version}`] : []),
      ].join('\n'),
    );
  } finally {
    await run.close();
  }
}
