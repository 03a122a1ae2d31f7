import { resolve } from 'node:path';
import type { Command } from 'commander';
import { FleetcastError } from '../../core/errors.js';
import {
  DEFAULT_ANOMALY_RATE,
  DEFAULT_METRICS_TABLE,
  fileTarget,
  type OutputTarget,
  parseSplit,
  runSimulation,
  type SimulationSummary,
} from '../../simulate/index.js';
import type { CliContext } from '../context.js';

interface SimulateFlags {
  fleet: string;
  days?: string;
  end?: string;
  interval: string;
  seed: string;
  mix?: string;
  start?: string;
  anomalyRate?: string;
  out?: string;
  toWarehouse?: string | boolean;
  dataset?: string;
  split: string;
  shardRows: string;
  report?: string;
  plots?: string;
  json?: boolean;
}

function number(value: string, flag: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed)) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${flag} must be a number (got ${JSON.stringify(value)})`, {
      hint: `pass ${flag} with a number`,
    });
  }
  return parsed;
}

const OUTPUT_HINT =
  'write a file with --out FILE.csv|FILE.parquet, a dataset folder with --dataset DIR, or append to the warehouse with --to-warehouse TABLE';

function target(flags: SimulateFlags, context: CliContext): OutputTarget {
  const given = [flags.out, flags.toWarehouse, flags.dataset].filter((x) => x !== undefined).length;
  if (given > 1) {
    throw new FleetcastError('FLEETCAST_USAGE', 'give one of --out, --dataset or --to-warehouse', {
      hint: OUTPUT_HINT,
    });
  }
  if (flags.out !== undefined) return fileTarget(flags.out, context.io.cwd);
  if (flags.dataset !== undefined) {
    return {
      kind: 'dataset',
      dir: resolve(context.io.cwd, flags.dataset),
      split: parseSplit(flags.split),
      shardRows: number(flags.shardRows, '--shard-rows'),
    };
  }
  if (flags.toWarehouse !== undefined) {
    const table = typeof flags.toWarehouse === 'string' ? flags.toWarehouse : DEFAULT_METRICS_TABLE;
    return { kind: 'warehouse', url: context.config().warehouseUrl, table };
  }
  throw new FleetcastError('FLEETCAST_USAGE', 'no output: pass --out, --dataset or --to-warehouse', {
    hint: OUTPUT_HINT,
  });
}

function human(summary: SimulationSummary): string {
  const f = summary.fleet;
  const lines = [
    `${summary.rows} rows for ${summary.fleet_size} resources (${summary.start} → ${summary.end}, every ${summary.interval_seconds}s) in ${summary.seconds}s (${summary.rows_per_s} rows/s)`,
    `fleet: CPU ${f.cpu_mean}%, memory ${f.memory_mean}%, waste ${f.waste_pct}% conservative / ${f.waste_pct_aggressive}% aggressive, idle cost $${f.idle_cost_usd}`,
  ];
  for (const [key, a] of Object.entries(summary.archetypes)) {
    lines.push(
      `  ${key.padEnd(13)} ${String(a.resources).padStart(5)} res  CPU ${a.cpu_mean}%  mem ${a.memory_mean}%  waste ${a.waste_pct}%  lag-1 ${a.lag1_autocorrelation}`,
    );
  }
  if (summary.report) {
    const r = summary.report;
    lines.push(
      `rightsizing: ${r.overprovisioned}/${r.resources} resources over-provisioned, $${r.monthly_saving_usd}/month of $${r.monthly_spend_usd} saved (conservative), report in ${r.path}`,
    );
    for (const row of r.top.slice(0, 5)) {
      lines.push(
        `  ${row.resource_id.padEnd(20)} ${row.instance_type} → ${row.recommended_instance}  $${row.monthly_saving_usd}/month`,
      );
    }
  }
  if (summary.plots) lines.push(`plots: ${summary.plots.join(', ')}`);
  return lines.join('\n');
}

export function registerSimulate(program: Command, context: CliContext): void {
  program
    .command('simulate')
    .description('generate a synthetic fleet of cloud workloads (CSV, Parquet, a dataset folder or the warehouse)')
    .requiredOption('--fleet <n>', 'number of resources')
    .option('--days <d>', 'length of the range in days (or --end)')
    .option('--end <iso>', 'end of the range, exclusive (instead of --days)')
    .option('--interval <duration>', 'sampling interval, 1s … 1d', '5m')
    .option('--seed <s>', 'seed (0 … 2^64 − 1): the same seed gives the same fleet', '0')
    .option('--mix <mix>', 'archetype shares in percent, e.g. web=30,microservice=40,oltp=30')
    .option('--start <iso>', 'start of the range (default 2025-01-06T00:00:00Z)')
    .option('--anomaly-rate <r>', 'labelled anomalies per resource-day', String(DEFAULT_ANOMALY_RATE))
    .option('--out <file>', 'write FILE.csv or FILE.parquet')
    .option(
      '--to-warehouse [table]',
      `append to this wide table of the configured warehouse (default ${DEFAULT_METRICS_TABLE})`,
    )
    .option('--dataset <dir>', 'export a dataset folder: Parquet shards per split and a README card')
    .option('--split <fractions>', 'train,validation,test shares of the time range (with --dataset)', '0.7,0.15,0.15')
    .option('--shard-rows <n>', 'about this many rows per Parquet shard (with --dataset)', '1000000')
    .option('--report <file>', 'also write the rightsizing report (one row per resource) to FILE.csv')
    .option('--plots <dir>', 'also write SVG plots: a few series with anomalies shaded, the utilisation distribution')
    .option('--json', 'print the summary as one JSON document')
    .action(async (flags: SimulateFlags, command: Command) => {
      // --split and --shard-rows have defaults, so only an explicit value can be misplaced.
      for (const option of ['split', 'shardRows'] as const) {
        if (flags.dataset === undefined && command.getOptionValueSource(option) === 'cli') {
          const flag = option === 'split' ? '--split' : '--shard-rows';
          throw new FleetcastError('FLEETCAST_USAGE', `${flag} applies to a dataset folder only`, {
            hint: `add --dataset DIR, or drop ${flag}`,
          });
        }
      }
      const output = target(flags, context);
      const summary = await runSimulation({
        fleet: number(flags.fleet, '--fleet'),
        ...(flags.days !== undefined ? { days: number(flags.days, '--days') } : {}),
        ...(flags.end !== undefined ? { end: flags.end } : {}),
        interval: flags.interval,
        seed: flags.seed,
        ...(flags.mix !== undefined ? { mix: flags.mix } : {}),
        ...(flags.start !== undefined ? { start: flags.start } : {}),
        anomalyRate: number(flags.anomalyRate ?? String(DEFAULT_ANOMALY_RATE), '--anomaly-rate'),
        output,
        ...(flags.report !== undefined ? { report: resolve(context.io.cwd, flags.report) } : {}),
        ...(flags.plots !== undefined ? { plots: resolve(context.io.cwd, flags.plots) } : {}),
        progress: context.io.stderr,
      });
      context.print(flags.json, summary, () => human(summary));
    });
}
