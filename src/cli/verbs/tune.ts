import type { Command } from 'commander';
import { toPlain } from '../../contracts/index.js';
import { FleetcastError } from '../../core/errors.js';
import { openMetadataStore } from '../../core/metadata/index.js';
import { createProgress } from '../../core/progress.js';
import { openWorkQueue } from '../../core/queue/index.js';
import { EXAMPLE_NAMES, isSamplerName, runExample, SAMPLER_NAMES, studyStatus } from '../../tune/index.js';
import type { CliContext } from '../context.js';

interface TuneOptions {
  example?: string;
  sampler: string;
  trials?: string;
  seed: string;
  workers?: string;
  distributed?: boolean;
  queue: string;
  study?: string;
  json?: boolean;
}

const STUDY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;
const MAX_TRIALS = 10_000_000;

/** `fleetcast tune …`: parse, open the configured store and queue, run the study, print. */
export function registerTune(program: Command, context: CliContext): void {
  const tune = program
    .command('tune')
    .description('tune with ask/tell optimisation on the local pool or BullMQ workers')
    .option('--example <name>', `built-in example: ${EXAMPLE_NAMES.join(', ')}`)
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
    .option('--json', 'print one JSON document')
    .action(async (options: TuneOptions) => {
      if (options.example === undefined) {
        throw usage('give --example NAME (tuning a model from a spec file is not available yet)', {
          hint: `e.g. fleetcast tune --example branin --trials 100; examples: ${EXAMPLE_NAMES.join(', ')}`,
        });
      }
      if (!EXAMPLE_NAMES.includes(options.example)) {
        throw usage(`--example "${options.example}" is not an example`, { hint: `choose ${EXAMPLE_NAMES.join(', ')}` });
      }
      if (!isSamplerName(options.sampler)) {
        throw usage(`--sampler "${options.sampler}" is not a sampler`, { hint: `choose ${SAMPLER_NAMES.join(', ')}` });
      }
      if (options.trials === undefined) throw usage('--trials is required', { hint: 'e.g. --trials 100' });
      const trials = integer('--trials', options.trials, 1, MAX_TRIALS);
      if (!/^\d{1,20}$/.test(options.seed) || BigInt(options.seed) >= 2n ** 64n) {
        throw usage(`--seed "${options.seed}" is not a 64-bit unsigned integer`, { hint: 'e.g. --seed 42' });
      }
      const study = options.study ?? `${options.example}-${options.sampler}-${context.runId}`;
      if (!STUDY_NAME.test(study)) {
        throw usage(`--study "${study}" is not a valid study name`, {
          hint: 'letters, digits, dot, dash and underscore, starting with a letter or digit',
        });
      }
      const config = context.config();
      if (options.distributed && !config.redisUrl) {
        throw usage('--distributed needs Redis: no FLEETCAST_REDIS_URL is set', {
          hint: 'set FLEETCAST_REDIS_URL=redis://host:6379 (or --redis-url), or drop --distributed for the local pool',
        });
      }
      const workers =
        options.workers === undefined
          ? config.queue.concurrency
          : integer('--workers', options.workers, options.distributed ? 0 : 1, 1024);
      const queue = openWorkQueue({
        ...config.queue,
        concurrency: Math.max(1, workers),
        ...(options.distributed ? { redisUrl: config.redisUrl, queueName: options.queue, runWorker: workers > 0 } : {}),
      });
      const store = await openMetadataStore(config.databaseUrl).catch(async (error: unknown) => {
        await queue.close();
        throw error;
      });
      const progress = createProgress({ label: 'tune', total: trials, stream: context.io.stderr });
      try {
        const result = await runExample(store, queue, {
          example: options.example,
          sampler: options.sampler,
          seed: BigInt(options.seed),
          trials,
          study,
          // Twice the evaluations that can run at once, so a worker never waits for the next ask.
          maxInFlight: 2 * (workers > 0 ? workers : config.queue.concurrency),
          onProgress: (p) =>
            progress.update(
              p.told,
              `running ${p.running}, best ${p.bestLoss === undefined ? '—' : p.bestLoss.toPrecision(6)}`,
            ),
        });
        const { summary } = result;
        progress.done(`best ${result.best?.value.toPrecision(6) ?? '—'}`);
        const output = {
          study: result.study,
          example: result.example,
          sampler: options.sampler,
          seed: options.seed,
          queue: queue.kind,
          workers,
          store: store.location,
          trials: summary.told,
          completed: summary.completed,
          failed: summary.failed,
          timeout: summary.timeout,
          best: result.best
            ? {
                value: result.best.value,
                params: result.best.params,
                number: result.best.number,
                trial_id: result.best.trialId,
              }
            : null,
          optimum: result.optimum,
          seconds: summary.seconds,
          trials_per_s: summary.trialsPerSecond,
        };
        context.print(options.json, output, () =>
          [
            `study ${output.study}: ${output.trials} trials (${output.completed} completed, ${output.failed} failed, ${output.timeout} timed out) on the ${output.queue} queue`,
            result.best
              ? `best ${result.best.value} (optimum ${result.optimum}) at ${JSON.stringify(result.best.params)}`
              : 'no completed trial',
            `${summary.trialsPerSecond.toFixed(1)} trials/s over ${summary.seconds.toFixed(2)} s; stored in ${store.location}`,
          ].join('\n'),
        );
      } finally {
        await queue.close();
        await store.close();
      }
    });

  tune
    .command('status')
    .description('show a stored study: trial counts by state and the best trial')
    .argument('<study>', 'study name')
    .option('--json', 'print one JSON document')
    .action(async (name: string, options: { json?: boolean }) => {
      // `--json` after the study name is parsed by `tune` itself, which declares the same flag.
      const json = options.json === true || (tune.opts() as TuneOptions).json === true;
      const store = await openMetadataStore(context.config().databaseUrl);
      try {
        const status = await studyStatus(store, name);
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
          ].join('\n'),
        );
      } finally {
        await store.close();
      }
    });
}

function usage(message: string, options: { hint: string }): FleetcastError {
  return new FleetcastError('FLEETCAST_USAGE', message, options);
}

function integer(flag: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw usage(`${flag} "${raw}" is not an integer in ${min}..${max}`, { hint: `e.g. ${flag} ${Math.max(min, 4)}` });
  }
  return value;
}
