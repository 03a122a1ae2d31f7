import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { FleetcastError } from '../../core/errors.js';
import { createProgress } from '../../core/progress.js';
import { formatBacktest, readSeriesCsv, runBacktest } from '../../models/backtest/index.js';
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
  json?: boolean;
}

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
      'comma-separated: auto, naive, ets, gp (naive always runs: it is the baseline)',
      'auto,naive,ets,gp',
    )
    .option('--json', 'print one JSON document')
    .action((flags: BacktestFlags) => {
      const horizon = count('--horizon', flags.horizon);
      const folds = count('--folds', flags.folds);
      const season = flags.season === undefined ? 1 : count('--season', flags.season);
      const models = flags.models
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name !== '');
      const path = resolve(context.io.cwd, flags.input);
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
      const series = readSeriesCsv(
        text,
        { timeCol: flags.timeCol, valueCol: flags.valueCol, ...(flags.idCol ? { idCol: flags.idCol } : {}) },
        flags.input,
      );
      let progress: ReturnType<typeof createProgress> | undefined;
      const report = runBacktest(
        series.map((s) => ({ id: s.id, values: s.values })),
        {
          horizon,
          folds,
          season,
          models,
          onProgress: (done, total, detail) => {
            progress ??= createProgress({ label: 'backtest', total, stream: context.io.stderr });
            progress.update(done, detail);
          },
        },
      );
      progress?.done();
      for (const s of report.skipped)
        context.io.stderr.write(`fleetcast: warning: skipped series ${s.id}: ${s.reason}\n`);
      context.print(flags.json, report, () => formatBacktest(report));
    });
}
