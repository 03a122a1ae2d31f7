import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { FleetcastError } from '../../core/errors.js';
import { createProgress } from '../../core/progress.js';
import {
  formatBacktest,
  LastFoldForecasts,
  prepareSeries,
  readSeriesCsv,
  runBacktest,
  zeroShotForecasts,
} from '../../models/backtest/index.js';
import { openChronosBolt } from '../../models/chronos/index.js';
import { writeForecastPlots } from '../../models/plots/index.js';
import type { CliContext } from '../context.js';

interface BacktestFlags {
  input: string;
  timeCol: string;
  valueCol: string;
  idCol?: string;
  horizon: string;
  folds: string;
  season?: string;
  models: string;
  groupCol?: string;
  autoCandidates?: string;
  plots?: string;
  chronos?: string;
  json?: boolean;
}

const list = (text: string): string[] =>
  text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');

function count(flag: string, value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(number) || number < 1) {
    throw new FleetcastError('FLEETCAST_USAGE', `${flag} ${value} is not a positive integer`, {
      hint: `e.g. ${flag} 24`,
    });
  }
  return number;
}

export function registerBacktest(program: Command, context: CliContext): void {
  program
    .command('backtest')
    .description('rolling-origin backtest of forecasters on a CSV; scores relative to seasonal naive')
    .requiredOption('--input <file>', 'CSV file with a header row')
    .requiredOption('--time-col <name>', 'column holding the time (epoch numbers or ISO-8601)')
    .requiredOption('--value-col <name>', 'column holding the value to forecast')
    .option('--id-col <name>', 'column naming the series (one series per distinct value)')
    .requiredOption('--horizon <steps>', 'steps ahead to forecast in each fold')
    .option('--folds <k>', 'number of rolling-origin folds', '3')
    .option('--season <steps>', 'season length in steps (e.g. 24 for hourly data with a daily cycle)')
    .option(
      '--models <list>',
      'comma-separated: auto, naive, ets, gp, gru, pooled, chronos (naive always runs: it is the baseline)',
      'auto,naive,ets,gp',
    )
    .option('--group-col <name>', "column naming each series' group (archetype, service): `pooled` pools within it")
    .option('--auto-candidates <list>', 'what auto chooses among (default naive,ets,gp; add gru to include it)')
    .option('--plots <dir>', "write one SVG per series: the last fold's forecasts with 10–90 % bands")
    .option(
      '--chronos <dir>',
      'a Chronos-Bolt folder (config.json + ONNX export) or chronos model folder: adds the zero-shot model chronos',
    )
    .option('--json', 'print one JSON document')
    .action(async (flags: BacktestFlags) => {
      const horizon = count('--horizon', flags.horizon);
      const folds = count('--folds', flags.folds);
      const season = flags.season === undefined ? 1 : count('--season', flags.season);
      const models = list(flags.models);
      if (flags.chronos !== undefined && !models.includes('chronos')) models.push('chronos');
      if (flags.chronos === undefined && models.includes('chronos')) {
        throw new FleetcastError('FLEETCAST_USAGE', '--models chronos needs --chronos DIR', {
          hint: 'point --chronos at a Chronos-Bolt folder holding config.json and model.onnx',
        });
      }
      const path = resolve(context.io.cwd, flags.input);
      if (/\.(parquet|arrow|feather)$/i.test(path)) {
        throw new FleetcastError('FLEETCAST_USAGE', `--input ${flags.input} is not a CSV file`, {
          hint: "backtest reads CSV with a header row; export the table to CSV first (e.g. with duckdb COPY … TO 'x.csv')",
        });
      }
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (error) {
        throw new FleetcastError(
          'FLEETCAST_NOT_FOUND',
          `cannot read --input ${flags.input}: ${(error as Error).message}`,
          {
            hint: 'give the path of a CSV file',
          },
        );
      }
      const data = readSeriesCsv(
        text,
        {
          timeCol: flags.timeCol,
          valueCol: flags.valueCol,
          ...(flags.idCol ? { idCol: flags.idCol } : {}),
          ...(flags.groupCol ? { groupCol: flags.groupCol } : {}),
        },
        flags.input,
      );
      const { series, repaired } = prepareSeries(data, season);
      for (const r of repaired) {
        context.io.stderr.write(
          `fleetcast: series ${r.series}: filled ${r.interpolated} missing step(s) by interpolation, ${r.longGapFilled} across long gaps\n`,
        );
      }
      let precomputed: Map<string, Awaited<ReturnType<typeof zeroShotForecasts>>> | undefined;
      if (flags.chronos !== undefined) {
        // Zero-shot: no fit; every fold of every series is forecast from its training part, in one batch.
        const chronos = await openChronosBolt(resolve(context.io.cwd, flags.chronos));
        try {
          precomputed = new Map([['chronos', await zeroShotForecasts(series, { horizon, folds, season }, chronos)]]);
        } finally {
          await chronos.dispose();
        }
      }
      let progress: ReturnType<typeof createProgress> | undefined;
      const lastFold = flags.plots ? new LastFoldForecasts() : undefined;
      const report = runBacktest(series, {
        ...(precomputed ? { precomputed } : {}),
        horizon,
        folds,
        season,
        models,
        ...(flags.autoCandidates ? { autoCandidates: list(flags.autoCandidates) } : {}),
        ...(lastFold ? { onForecast: lastFold.record } : {}),
        onProgress: (done, total, detail) => {
          progress ??= createProgress({ label: 'backtest', total, stream: context.io.stderr });
          progress.update(done, detail);
        },
      });
      progress?.done();
      for (const s of report.skipped)
        context.io.stderr.write(`fleetcast: warning: skipped series ${s.id}: ${s.reason}\n`);
      const plots = lastFold
        ? writeForecastPlots(resolve(context.io.cwd, flags.plots!), lastFold.figures(series, report))
        : undefined;
      const output = {
        ...report,
        ...(repaired.length > 0 ? { repaired } : {}),
        ...(plots ? { plots } : {}),
      };
      context.print(flags.json, output, () =>
        [formatBacktest(report), ...(plots ? ['plots:', ...plots.map((p) => `- ${p}`)] : [])].join('\n'),
      );
    });
}
