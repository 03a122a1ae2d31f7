import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import {
  type DemoCollectSummary,
  openExperiment,
  type RunSummary,
  readExperiment,
  runDemoCollection,
  runExperiment,
  type ScraperChoice,
} from '../../collect/index.js';
import { FleetcastError } from '../../core/errors.js';
import type { CliContext } from '../context.js';
import { positiveNumber } from '../flags.js';

interface CollectFlags {
  experiment?: string;
  demo?: boolean;
  quick?: boolean;
  scraper: ScraperChoice;
  capacity?: string;
  out?: string;
  toWarehouse?: string | boolean;
  json?: boolean;
}

const DEFAULT_TABLE = 'load_steps';

/** What `--json` prints: the summary without the measured rows (they are in the output). */
function report(summary: RunSummary | DemoCollectSummary, csv: string | undefined) {
  const { measured: _rows, outputs, ...rest } = summary;
  return { output: csv ?? null, outputs, ...rest };
}

function human(summary: RunSummary | DemoCollectSummary, csv: string | undefined): string {
  const lines = [
    `${summary.rows} rows for ${summary.services.length} services (${summary.services.join(', ')}) in ${summary.seconds}s: ${summary.levels_measured} levels measured, ${summary.levels_resumed} already complete, ${summary.levels_skipped.length} skipped`,
    `output: ${csv ?? summary.outputs.join(', ')}`,
  ];
  if ('scraper' in summary)
    lines.push(
      `measured through ${summary.scraper === 'prometheus' ? `Prometheus (${summary.prometheus_url})` : 'the embedded scraper'}`,
    );
  for (const skipped of summary.levels_skipped) lines.push(`  skipped ${skipped.level}: ${skipped.reason}`);
  const physics = summary.physics;
  if (physics) {
    lines.push(
      `closed-loop law N = X·(R + Z) at ${physics.entry_service}, Z = ${physics.think_time_s}s: worst level off by ${physics.max_error_pct}%`,
    );
    for (const l of physics.levels) {
      lines.push(
        `  N=${l.users}: X=${l.throughput} req/s, R=${l.response_time}s → X·(R+Z)=${l.implied_users} (${l.error_pct}%)`,
      );
    }
    if (physics.capacity_rps !== undefined) {
      lines.push(
        `saturation: ${physics.saturation_throughput_rps} req/s at the top level, capacity ${physics.capacity_rps} req/s (${physics.saturation_error_pct}% off)`,
      );
    }
  }
  return lines.join('\n');
}

export function registerCollect(program: Command, context: CliContext): void {
  program
    .command('collect')
    .description('run a load-step experiment and measure it through Prometheus (or the embedded scraper)')
    .option('--experiment <file>', 'the experiment YAML (or --config FILE)')
    .option('--demo', 'start the demo app (and Prometheus, when installed), sweep user levels, write the CSV')
    .option('--quick', 'with --demo: shorter levels (for tests)')
    .addOption(
      new Option(
        '--scraper <how>',
        'with --demo: a real Prometheus, the embedded scraper, or auto (Prometheus when on PATH)',
      )
        .choices(['auto', 'prometheus', 'embedded'])
        .default('auto'),
    )
    .option('--capacity <rps>', 'with --demo: entry requests per second at which the demo saturates', '50')
    .option('--out <file>', 'with --demo: the CSV to write (default: a new file under <home>/collect/)')
    .option('--to-warehouse [table]', `with --demo: also write this warehouse table (default ${DEFAULT_TABLE})`)
    .option('--json', 'print one JSON document')
    .action(async (flags: CollectFlags) => {
      // `--config` is the root's option; for collect it names the experiment, not fleetcast.yaml.
      const experimentFile = flags.experiment ?? context.globals.config;
      if (context.globals.config) context.globals = { ...context.globals, config: undefined };
      if (flags.demo && experimentFile) {
        throw new FleetcastError('FLEETCAST_USAGE', 'give --demo or an experiment file, not both', {
          hint: 'fleetcast collect --demo, or fleetcast collect --config experiment.yaml',
        });
      }
      if (!flags.demo && !experimentFile) {
        throw new FleetcastError('FLEETCAST_USAGE', 'nothing to collect: pass --config FILE or --demo', {
          hint: 'see examples/collect/ for experiment files; --demo measures a local demo app',
        });
      }
      const aborter = new AbortController();
      const onSigint = () => aborter.abort();
      process.once('SIGINT', onSigint);
      process.once('SIGTERM', onSigint);
      const warn = (message: string) => context.io.stderr.write(`fleetcast: warning: ${message}\n`);
      try {
        if (flags.demo) {
          const config = context.config();
          const csv = flags.out
            ? resolve(context.io.cwd, flags.out)
            : join(config.home, 'collect', `demo-${new Date().toISOString().replace(/[:.]/g, '-')}.csv`);
          mkdirSync(dirname(csv), { recursive: true });
          const table =
            flags.toWarehouse === undefined
              ? undefined
              : flags.toWarehouse === true
                ? DEFAULT_TABLE
                : flags.toWarehouse;
          const summary = await runDemoCollection({
            csv,
            scraper: flags.scraper,
            quick: Boolean(flags.quick),
            capacity: positiveNumber('--capacity', flags.capacity ?? '50'),
            env: context.io.env,
            logger: context.logger(),
            progress: context.io.stderr,
            signal: aborter.signal,
            onWarning: warn,
            ...(table ? { warehouseTable: table, warehouseUrl: config.warehouseUrl } : {}),
          });
          context.print(flags.json, report(summary, csv), () => human(summary, csv));
          return;
        }
        for (const flag of ['quick', 'out', 'toWarehouse'] as const) {
          if (flags[flag] !== undefined) {
            throw new FleetcastError(
              'FLEETCAST_USAGE',
              `--${flag === 'toWarehouse' ? 'to-warehouse' : flag} only applies to --demo`,
              {
                hint: 'an experiment file sets its outputs under output: (csv, warehouse_table)',
              },
            );
          }
        }
        const { experiment, baseDir } = readExperiment(resolve(context.io.cwd, experimentFile!));
        const opened = await openExperiment(experiment, {
          baseDir,
          env: context.io.env,
          ...(experiment.output.warehouse_table ? { warehouseUrl: context.config().warehouseUrl } : {}),
        });
        try {
          const summary = await runExperiment({
            experiment,
            source: opened.source,
            controller: opened.controller,
            sinks: opened.sinks,
            logger: context.logger(),
            progress: context.io.stderr,
            signal: aborter.signal,
          });
          context.print(flags.json, report(summary, opened.csv), () => human(summary, opened.csv));
        } finally {
          await opened.close();
        }
      } finally {
        process.off('SIGINT', onSigint);
        process.off('SIGTERM', onSigint);
      }
    });
}
