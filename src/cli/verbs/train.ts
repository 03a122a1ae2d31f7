import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { FleetcastError } from '../../core/errors.js';
import { createProgress } from '../../core/progress.js';
import {
  meanMetrics,
  ORIGINAL_SETUP,
  type ProtocolResult,
  readLoadStepCsv,
  runPerformanceProtocol,
  SPLITS,
  type SplitName,
  savePerformanceModel,
  scoresMarkdown,
  writePerformancePlots,
} from '../../models/index.js';
import type { CliContext } from '../context.js';
import { datasetHash } from './dataset-hash.js';
import { trainForecast } from './train-forecast.js';
import { saveTrainedModel } from './train-output.js';
import { trainPerformanceGru } from './train-performance-gru.js';

interface TrainOptions {
  task: 'forecast' | 'performance';
  data: string;
  split: SplitName;
  test?: string;
  out?: string;
  idCol?: string;
  timeCol?: string;
  valueCol?: string;
  horizon?: string;
  season?: string;
  model?: string;
  epochs?: string;
  seed?: string;
  targetPolls?: string;
  groupCol?: string;
  workers?: string;
  register?: string;
  env?: string;
  plots?: string;
  bucket: string;
  json?: boolean;
}

export function registerTrain(program: Command, context: CliContext): void {
  program
    .command('train')
    .description('train a model and score it under a published protocol (performance: the kpp splits)')
    .addOption(new Option('--task <task>', 'what to train').choices(['forecast', 'performance']).makeOptionMandatory())
    .requiredOption(
      '--data <source>',
      'performance: a kpp load-step CSV; forecast: a warehouse table, "SELECT …" or a .csv/.parquet file',
    )
    .option('--id-col <column>', 'forecast: the series id column')
    .option('--time-col <column>', 'forecast: the time column')
    .option('--value-col <column>', 'forecast: the value column')
    .option('--horizon <steps>', 'forecast: steps ahead')
    .option('--season <steps>', 'forecast: season length in steps (e.g. 288 for daily at 5 min)')
    .option(
      '--model <name>',
      "forecast: auto (naive, ets or gp, chosen per series on inner folds as backtest does), naive, ets, gp, gru or pooled; performance: laws (the default) or gru (the original study's sequence model)",
      'auto',
    )
    .option('--epochs <n>', `performance --model gru: most epochs per service (default ${ORIGINAL_SETUP.epochs})`)
    .option(
      '--seed <s>',
      `performance --model gru: seed of initial weights and batch order (default ${ORIGINAL_SETUP.seed})`,
    )
    .option(
      '--target-polls <k>',
      'performance --model gru: predict the mean of the next k polls (default 1: the next poll)',
    )
    .option('--group-col <column>', 'forecast: the group column (archetype, service) that --model pooled pools within')
    .option(
      '--workers <n>',
      'forecast: fit series, performance --model gru: train services, on this many worker threads (default 1: in this thread)',
    )
    .addOption(
      new Option('--split <split>', 'interpolation: hold out the 5 middle user levels; extrapolation: test on --test')
        .choices(SPLITS)
        .default('interpolation'),
    )
    .option('--test <file>', 'test CSV (required by --split extrapolation)')
    .option('--out <dir>', 'save the trained model to this new folder (performance flavor)')
    .option('--register <name>', 'register the trained model as the next version of NAME')
    .option('--env <alias>', 'with --register: point this alias (dev, staging, prod, …) at the new version')
    .option(
      '--plots <dir>',
      'write SVG plots into this folder (performance: prediction vs truth per service; forecast: history and forecast with 10–90 % band per series)',
    )
    .option('--bucket <seconds>', 'timestamp rounding bucket for merging duplicate polls', '60')
    .option('--json', 'print one JSON document')
    .action(async (options: TrainOptions, command: Command) => {
      const model = performanceModel(options);
      if (model === 'laws' && options.workers !== undefined) {
        throw new FleetcastError('FLEETCAST_USAGE', '--workers applies to --task forecast and --model gru only', {
          hint: 'the law-based performance model fits in well under a second',
        });
      }
      for (const [flag, value] of [
        ['--epochs', options.epochs],
        ['--seed', options.seed],
        ['--target-polls', options.targetPolls],
      ] as const) {
        if (value !== undefined && model !== 'gru') {
          throw new FleetcastError('FLEETCAST_USAGE', `${flag} applies to --task performance --model gru only`, {
            hint: 'only the GRU sequence performance model has these settings',
          });
        }
      }
      if (options.task === 'forecast') return trainForecast(options, context);
      const bucketSeconds = Number(options.bucket);
      if (!(bucketSeconds > 0)) {
        throw new FleetcastError(
          'FLEETCAST_USAGE',
          `--bucket must be a positive number of seconds, got "${options.bucket}"`,
          {
            hint: 'the kpp runs poll every 60 seconds',
          },
        );
      }
      if (model === 'gru') {
        // The GRU has its own split (the original's: the last 20 % of each level's polls).
        for (const [flag, given] of [
          ['--split', command.getOptionValueSource('split') === 'cli'],
          ['--test', options.test !== undefined],
          ['--plots', options.plots !== undefined],
        ] as const) {
          if (given) {
            throw new FleetcastError('FLEETCAST_USAGE', `${flag} does not apply to --model gru`, {
              hint: "the GRU is scored on the last 20 % of the polls of each user level of --data (the original study's split)",
            });
          }
        }
        return trainPerformanceGru({ ...options, bucketSeconds }, context);
      }
      if (options.split === 'interpolation' && options.test) {
        throw new FleetcastError('FLEETCAST_USAGE', '--test only applies to --split extrapolation', {
          hint: 'the interpolation split holds out levels of --data itself',
        });
      }
      const dataPath = resolve(context.io.cwd, options.data);
      const testPath = options.test ? resolve(context.io.cwd, options.test) : undefined;
      const data = readLoadStepCsv(dataPath);
      const test = testPath ? readLoadStepCsv(testPath) : undefined;
      const services = new Set(data.map((r) => r.service)).size;
      const progress = createProgress({ label: 'train performance', total: services, stream: context.io.stderr });
      const result = runPerformanceProtocol({
        split: options.split,
        data,
        ...(test ? { test } : {}),
        fit: { bucketSeconds, source: options.data, onService: (service) => progress.tick(1, service) },
      });
      progress.done();
      if (options.env && !options.register) {
        throw new FleetcastError('FLEETCAST_USAGE', '--env needs --register', {
          hint: 'e.g. --register kpp --env dev',
        });
      }
      // Without --out the model goes to a scratch folder: the run keeps its own copy in the artifact
      // store (for `models register NAME --from-run RUN`), and so does the registry.
      const { modelDir, scratch, registered } = await saveTrainedModel(
        context,
        {
          out: options.out,
          register: options.register,
          env: options.env,
          run: { name: 'performance', params: { task: 'performance', data: options.data, split: options.split } },
          source: `train ${options.data}`,
        },
        (dir) =>
          savePerformanceModel(dir, result.model, {
            metrics: meanMetrics(result.scores),
            lineage: {
              datasetSha256: datasetHash([dataPath, ...(testPath ? [testPath] : [])]),
              parentRun: context.runId,
            },
            params: { split: options.split },
          }),
      );
      const plots = options.plots
        ? writePerformancePlots(resolve(context.io.cwd, options.plots), result.model, result.train, result.test)
        : undefined;
      const report = {
        task: 'performance',
        run_id: context.runId,
        split: result.split,
        data: options.data,
        ...(options.test ? { test: options.test } : {}),
        train: { rows: result.trainRows, levels: result.trainLevels.length, users: span(result.trainLevels) },
        test_levels: result.testLevels,
        test_rows: result.testRows,
        services: result.scores.services,
        mean: result.scores.mean,
        saturation: saturationOf(result),
        ...(modelDir && !scratch ? { model: modelDir } : {}),
        ...(registered ? { registered } : {}),
        ...(plots ? { plots } : {}),
      };
      context.print(options.json, report, () =>
        [
          markdown(result, scratch ? undefined : modelDir, plots),
          ...(registered ? [`registered ${registered.name}:${registered.version}`] : []),
        ].join('\n'),
      );
    });
}

/** Per service: where the training run saturated (from_users, held throughput), or null. */
function saturationOf(result: ProtocolResult): Record<string, { from_users: number; throughput: number } | null> {
  return Object.fromEntries(
    result.model.params.services.map((s) => [
      s.service,
      s.saturation ? { from_users: s.saturation.fromUsers, throughput: s.saturation.throughput } : null,
    ]),
  );
}

/** The performance model --model names ('auto', the default, is the law-based one); undefined for forecast. */
function performanceModel(options: TrainOptions): 'laws' | 'gru' | undefined {
  if (options.task !== 'performance') return undefined;
  const model = options.model ?? 'auto';
  if (model === 'auto' || model === 'laws') return 'laws';
  if (model === 'gru') return 'gru';
  throw new FleetcastError('FLEETCAST_USAGE', `--model ${model} is not a performance model`, {
    hint: 'choose laws (the default) or gru',
  });
}

const span = (levels: number[]): [number, number] => [levels[0] ?? Number.NaN, levels[levels.length - 1] ?? Number.NaN];

function markdown(result: ProtocolResult, modelDir: string | undefined, plots: string[] | undefined): string {
  const lines = [
    `performance, ${result.split} split: trained on ${result.trainRows} rows (${result.trainLevels.length} levels), tested on levels ${result.testLevels.join(', ')}`,
    '',
    scoresMarkdown(result.scores),
  ];
  const top = result.trainLevels[result.trainLevels.length - 1] ?? Number.POSITIVE_INFINITY;
  const unsaturated = Object.entries(saturationOf(result)).filter(([, s]) => s === null);
  if (result.testLevels.some((users) => users > top) && unsaturated.length > 0) {
    lines.push(
      '',
      `above ${top} users the training run shows no saturation for ${unsaturated.length} service(s): their throughput and CPU there follow the proportional law and are upper bounds (the capacity where they bend is not in the data)`,
    );
  }
  if (modelDir) lines.push('', `model saved to ${modelDir}`);
  if (plots) lines.push('', 'plots:', ...plots.map((p) => `- ${p}`));
  return lines.join('\n');
}
