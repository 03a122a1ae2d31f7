import { resolve } from 'node:path';
import { FleetcastError } from '../../core/errors.js';
import { createProgress } from '../../core/progress.js';
import { openWorkQueue } from '../../core/queue/index.js';
import {
  fitPerformanceGru,
  fitPerformanceGruOnQueue,
  type GruScores,
  ORIGINAL_SETUP,
  readLoadStepCsv,
  savePerformanceGruModel,
} from '../../models/index.js';
import type { CliContext } from '../context.js';
import { positiveInteger } from '../flags.js';
import { datasetHash } from './dataset-hash.js';
import { saveTrainedModel } from './train-output.js';

export interface TrainPerformanceGruOptions {
  data: string;
  epochs?: string;
  seed?: string;
  targetPolls?: string;
  workers?: string;
  /** Already validated by the caller (shared with the law-based model). */
  bucketSeconds: number;
  out?: string;
  register?: string;
  env?: string;
  json?: boolean;
}

/** A seed flag: an integer in [0, 2³²) (the GRU's generator has 32 bits of state). */
function parseSeed(raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** 32) {
    throw new FleetcastError('FLEETCAST_USAGE', `--seed "${raw}" is not an integer from 0 to 4294967295`, {
      hint: 'e.g. --seed 7',
    });
  }
  return value;
}

/**
 * `fleetcast train --task performance --model gru`: the original study's GRU, one per service,
 * scored on its split (the last 20 % of each user level's polls) beside "repeat the last poll".
 */
export async function trainPerformanceGru(options: TrainPerformanceGruOptions, context: CliContext): Promise<void> {
  const epochs =
    options.epochs === undefined ? ORIGINAL_SETUP.epochs : positiveInteger('--epochs', options.epochs, '100');
  const seed = options.seed === undefined ? ORIGINAL_SETUP.seed : parseSeed(options.seed);
  const targetPolls =
    options.targetPolls === undefined
      ? ORIGINAL_SETUP.targetPolls
      : positiveInteger('--target-polls', options.targetPolls, '5');
  const workers = options.workers === undefined ? 1 : positiveInteger('--workers', options.workers, '2');
  if (options.env && !options.register) {
    throw new FleetcastError('FLEETCAST_USAGE', '--env needs --register', {
      hint: 'e.g. --register kpp-gru --env dev',
    });
  }
  const dataPath = resolve(context.io.cwd, options.data);
  const rows = readLoadStepCsv(dataPath);
  const services = new Set(rows.map((r) => r.service)).size;
  // One unit per epoch of every service; a service that stops early moves the bar by what it skipped.
  const progress = createProgress({
    label: 'train performance gru',
    total: services * epochs,
    stream: context.io.stderr,
  });
  const started = performance.now();
  let fitted: Awaited<ReturnType<typeof fitPerformanceGruOnQueue>>;
  if (workers > 1) {
    // Worker threads train one service each; progress moves a service at a time.
    const queue = openWorkQueue({ concurrency: workers });
    try {
      fitted = await fitPerformanceGruOnQueue(
        rows,
        {
          epochs,
          seed,
          targetPolls,
          bucketSeconds: options.bucketSeconds,
          onService: (service) => progress.tick(epochs, `${service} done`),
        },
        queue,
      );
    } finally {
      await queue.close();
    }
  } else {
    fitted = fitPerformanceGru(rows, {
      epochs,
      seed,
      targetPolls,
      bucketSeconds: options.bucketSeconds,
      onEpoch: (service, epoch, validation) =>
        progress.tick(1, `${service} epoch ${epoch}${validation === undefined ? '' : ` val ${validation.toFixed(5)}`}`),
      onService: (service, ran) => progress.tick(epochs - ran, `${service} done`),
    });
  }
  const { model, scores } = fitted;
  progress.done();
  const seconds = (performance.now() - started) / 1000;
  const setup = { ...ORIGINAL_SETUP, epochs, seed, targetPolls, bucketSeconds: options.bucketSeconds };
  const { modelDir, scratch, registered } = await saveTrainedModel(
    context,
    {
      out: options.out,
      register: options.register,
      env: options.env,
      run: {
        name: 'performance',
        params: { task: 'performance', model: 'gru', data: options.data, epochs, seed, targetPolls },
      },
      source: `train --task performance --model gru ${options.data}`,
    },
    (dir) =>
      savePerformanceGruModel(dir, model, {
        metrics: {
          mean_scaled_rmse: scores.mean.scaled_rmse,
          mean_baseline_scaled_rmse: scores.mean.baseline_scaled_rmse,
        },
        lineage: { datasetSha256: datasetHash([dataPath]), parentRun: context.runId },
        params: { split: 'level-tail', epochs, seed, targetPolls },
      }),
  );
  const report = {
    task: 'performance',
    model: 'gru',
    run_id: context.runId,
    data: options.data,
    split: 'level-tail',
    workers,
    setup: {
      window: setup.window,
      hidden: setup.hidden,
      layers: setup.layers,
      epochs: setup.epochs,
      patience: setup.patience,
      min_improvement: setup.minImprovement,
      plateau_patience: setup.plateauPatience,
      batch_size: setup.batchSize,
      learning_rate: setup.learningRate,
      seed: setup.seed,
      target_polls: setup.targetPolls,
    },
    services: scores.services,
    mean: scores.mean,
    skipped: scores.skipped,
    seconds: Math.round(seconds * 10) / 10,
    ...(scratch ? {} : { model_dir: modelDir }),
    ...(registered ? { registered } : {}),
  };
  context.print(options.json, report, () =>
    [
      `performance, GRU (window ${setup.window}, ${setup.layers}×${setup.hidden}) predicting ${
        targetPolls === 1 ? 'the next poll' : `the mean of the next ${targetPolls} polls`
      }, tested on the last 20 % of each user level's polls; ${report.seconds} s`,
      '',
      scoresMarkdown(scores),
      ...Object.entries(scores.skipped).map(([service, reason]) => `skipped ${service}: ${reason}`),
      ...(scratch ? [] : ['', `model saved to ${modelDir}`]),
      ...(registered ? [`registered ${registered.name}:${registered.version}`] : []),
    ].join('\n'),
  );
}

const fixed = (v: number): string => v.toFixed(4);

function scoresMarkdown(scores: GruScores): string {
  const lines = ['| service | scaled RMSE | repeat last poll | better by | epochs (best) |', '|---|---|---|---|---|'];
  for (const [name, s] of Object.entries(scores.services)) {
    const gain = `${((1 - s.scaled_rmse / s.baseline_scaled_rmse) * 100).toFixed(0)} %`;
    lines.push(
      `| ${name} | ${fixed(s.scaled_rmse)} | ${fixed(s.baseline_scaled_rmse)} | ${gain} | ${s.epochs} (${s.best_epoch}) |`,
    );
  }
  const { scaled_rmse: model, baseline_scaled_rmse: baseline } = scores.mean;
  lines.push(`| **mean** | ${fixed(model)} | ${fixed(baseline)} | ${((1 - model / baseline) * 100).toFixed(0)} % | |`);
  return lines.join('\n');
}
