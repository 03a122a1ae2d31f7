import { resolve } from 'node:path';
import { FleetcastError } from '../../core/errors.js';
import { createProgress } from '../../core/progress.js';
import { openWorkQueue } from '../../core/queue/index.js';
import { openWarehouse } from '../../core/warehouse/index.js';
import { pullRows } from '../../jobs/index.js';
import {
  bundleFigures,
  type FitBundleOptions,
  type FitBundleResult,
  fitSeriesBundle,
  fitSeriesBundleOnQueue,
  forecasterNames,
  saveSeriesBundle,
  writeForecastPlots,
} from '../../models/index.js';
import type { CliContext } from '../context.js';
import { positiveInteger } from '../flags.js';
import { saveTrainedModel } from './train-output.js';

export interface TrainForecastOptions {
  data: string;
  idCol?: string;
  timeCol?: string;
  valueCol?: string;
  horizon?: string;
  season?: string;
  model?: string;
  groupCol?: string;
  plots?: string;
  workers?: string;
  out?: string;
  register?: string;
  env?: string;
  json?: boolean;
}

/** `fleetcast train --task forecast`: one forecaster per series of a table, query or file. */
export async function trainForecast(options: TrainForecastOptions, context: CliContext): Promise<void> {
  for (const [flag, value] of [
    ['--id-col', options.idCol],
    ['--time-col', options.timeCol],
    ['--value-col', options.valueCol],
    ['--horizon', options.horizon],
  ] as const) {
    if (!value)
      throw new FleetcastError('FLEETCAST_USAGE', `--task forecast needs ${flag}`, {
        hint: 'e.g. --id-col resource_id --time-col timestamp --value-col cpu_utilization --horizon 12',
      });
  }
  const horizon = positiveInteger('--horizon', options.horizon!, '12');
  const season = options.season === undefined ? 1 : positiveInteger('--season', options.season);
  const model = options.model ?? 'auto';
  if (model !== 'auto' && !forecasterNames().includes(model)) {
    throw new FleetcastError('FLEETCAST_USAGE', `--model ${model} is not a forecaster`, {
      hint: `choose auto or one of ${forecasterNames().join(', ')}`,
    });
  }
  if (options.env && !options.register)
    throw new FleetcastError('FLEETCAST_USAGE', '--env needs --register', {
      hint: 'e.g. --register cpu-forecast --env dev',
    });
  const config = context.config();
  const warehouse = await openWarehouse(config.warehouseUrl);
  let rows: Awaited<ReturnType<typeof pullRows>>;
  try {
    rows = await pullRows(warehouse, options.data, context.io.cwd);
  } finally {
    await warehouse.close();
  }
  const ids = new Set(rows.map((row) => String(row[options.idCol!])));
  const progress = createProgress({ label: 'train forecast', total: ids.size, stream: context.io.stderr });
  const workers = options.workers === undefined ? 1 : positiveInteger('--workers', options.workers);
  const fitOptions: FitBundleOptions = {
    idColumn: options.idCol!,
    timeColumn: options.timeCol!,
    valueColumn: options.valueCol!,
    horizon,
    season,
    model,
    ...(options.groupCol ? { groupColumn: options.groupCol } : {}),
    ...(options.plots ? { keepTail: Math.max(3 * horizon, 2 * season) } : {}),
    onSeries: (id) => progress.tick(1, id),
  };
  let fitted: FitBundleResult;
  if (workers > 1) {
    // Worker threads fit chunks of series in parallel; this thread only waits.
    const queue = openWorkQueue({ concurrency: workers });
    try {
      fitted = await fitSeriesBundleOnQueue(rows, fitOptions, queue);
    } finally {
      await queue.close();
    }
  } else fitted = fitSeriesBundle(rows, fitOptions);
  const { bundle, skipped, repaired, tails } = fitted;
  progress.done();
  const plots =
    options.plots && tails
      ? writeForecastPlots(resolve(context.io.cwd, options.plots), bundleFigures(bundle, tails))
      : undefined;
  const { modelDir: dir, registered } = await saveTrainedModel(
    context,
    {
      out: options.out,
      register: options.register,
      env: options.env,
      run: { name: 'forecast', params: { task: 'forecast', data: options.data, horizon, season, model } },
      source: `train --task forecast ${options.data}`,
    },
    (modelDir) => saveSeriesBundle(modelDir, bundle, { parentRun: context.runId }),
  );
  const models: Record<string, number> = {};
  for (const entry of Object.values(bundle.series)) models[entry.params.model] = (models[entry.params.model] ?? 0) + 1;
  const report = {
    task: 'forecast',
    run_id: context.runId,
    data: options.data,
    rows: rows.length,
    series: Object.keys(bundle.series).length,
    skipped,
    horizon,
    season,
    step_seconds: bundle.stepMs / 1000,
    models,
    ...(repaired.length > 0 ? { repaired } : {}),
    ...(options.out ? { model: dir } : {}),
    ...(registered ? { registered } : {}),
    ...(plots ? { plots } : {}),
  };
  context.print(options.json, report, () =>
    [
      `trained ${report.series} series (${Object.entries(models)
        .map(([m, n]) => `${n} ${m}`)
        .join(', ')}) on ${rows.length} rows, horizon ${horizon}`,
      ...skipped.map((s) => `skipped ${s.series}: ${s.reason}`),
      ...repaired.map(
        (r) =>
          `repaired ${r.series}: ${r.duplicates} duplicate(s) averaged, ${r.interpolated} step(s) interpolated, ${r.longGapFilled} filled across long gaps`,
      ),
      ...(plots ? ['plots:', ...plots.map((p) => `- ${p}`)] : []),
      ...(options.out ? [`model saved to ${dir}`] : []),
      ...(registered ? [`registered ${registered.name}:${registered.version}`] : []),
    ].join('\n'),
  );
}
