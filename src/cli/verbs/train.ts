import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { FleetcastError } from '../../core/errors.js';
import { createProgress } from '../../core/progress.js';
import { readLoadStepCsv } from '../../models/data/index.js';
import {
  meanMetrics,
  type ProtocolResult,
  runPerformanceProtocol,
  SPLITS,
  type SplitName,
  savePerformanceModel,
  scoresMarkdown,
} from '../../models/performance/index.js';
import { writePerformancePlots } from '../../models/plots/index.js';
import type { CliContext } from '../context.js';
import { notAvailable } from './planned.js';

interface TrainOptions {
  task: 'forecast' | 'performance';
  data: string;
  split: SplitName;
  test?: string;
  out?: string;
  plots?: string;
  bucket: string;
  json?: boolean;
}

export function registerTrain(program: Command, context: CliContext): void {
  program
    .command('train')
    .description('train a model and score it under a published protocol (performance: the kpp splits)')
    .addOption(new Option('--task <task>', 'what to train').choices(['forecast', 'performance']).makeOptionMandatory())
    .requiredOption('--data <file>', 'training CSV (kpp load-step format for --task performance)')
    .addOption(
      new Option('--split <split>', 'interpolation: hold out the 5 middle user levels; extrapolation: test on --test')
        .choices(SPLITS)
        .default('interpolation'),
    )
    .option('--test <file>', 'test CSV (required by --split extrapolation)')
    .option('--out <dir>', 'save the trained model to this new folder (performance flavor)')
    .option('--plots <dir>', 'write one SVG per service (prediction vs truth) into this folder')
    .option('--bucket <seconds>', 'timestamp rounding bucket for merging duplicate polls', '60')
    .option('--json', 'print one JSON document')
    .action((options: TrainOptions) => {
      if (options.task === 'forecast') throw notAvailable('train --task forecast');
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
      let modelDir: string | undefined;
      if (options.out) {
        modelDir = resolve(context.io.cwd, options.out);
        savePerformanceModel(modelDir, result.model, {
          metrics: meanMetrics(result.scores),
          lineage: {
            datasetSha256: datasetHash([dataPath, ...(testPath ? [testPath] : [])]),
            parentRun: context.runId,
          },
          params: { split: options.split },
        });
      }
      const plots = options.plots
        ? writePerformancePlots(resolve(context.io.cwd, options.plots), result.model, result.train, result.test)
        : undefined;
      const report = {
        task: 'performance',
        split: result.split,
        data: options.data,
        ...(options.test ? { test: options.test } : {}),
        train: { rows: result.trainRows, levels: result.trainLevels.length, users: span(result.trainLevels) },
        test_levels: result.testLevels,
        test_rows: result.testRows,
        services: result.scores.services,
        mean: result.scores.mean,
        ...(modelDir ? { model: modelDir } : {}),
        ...(plots ? { plots } : {}),
      };
      context.print(options.json, report, () => markdown(result, modelDir, plots));
    });
}

const span = (levels: number[]): [number, number] => [levels[0] ?? Number.NaN, levels[levels.length - 1] ?? Number.NaN];

/** One hash over the training (and test) files, in order: the dataset the model's scores refer to. */
function datasetHash(paths: string[]): string {
  const hash = createHash('sha256');
  for (const path of paths) hash.update(readFileSync(path));
  return hash.digest('hex');
}

function markdown(result: ProtocolResult, modelDir: string | undefined, plots: string[] | undefined): string {
  const lines = [
    `performance, ${result.split} split: trained on ${result.trainRows} rows (${result.trainLevels.length} levels), tested on levels ${result.testLevels.join(', ')}`,
    '',
    scoresMarkdown(result.scores),
  ];
  if (modelDir) lines.push('', `model saved to ${modelDir}`);
  if (plots) lines.push('', 'plots:', ...plots.map((p) => `- ${p}`));
  return lines.join('\n');
}
