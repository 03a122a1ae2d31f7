import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { FleetcastError } from '../../core/errors.js';
import { fileTarget, importTrace, TRACE_FORMATS } from '../../simulate/index.js';

/**
 * Imported traces get a table of their own by default: they have no archetype or instance labels,
 * which the simulated table requires, and mixing real and synthetic rows would confuse every reader.
 */
const DEFAULT_IMPORT_TABLE = 'imported_metrics';

import type { CliContext } from '../context.js';

interface ImportFlags {
  format: (typeof TRACE_FORMATS)[number];
  interval: string;
  start?: string;
  out?: string;
  toWarehouse?: string | true;
  json?: boolean;
}

/** `fleetcast import`: public cluster traces mapped to the simulator's columns (thin: see simulate/importers). */
export function registerImport(program: Command, context: CliContext): void {
  program
    .command('import')
    .description(
      'import a public trace (Alibaba, Google 2019, Azure, Bitbrains) or a generic CSV into the same columns',
    )
    .argument('<file>', 'the trace file (CSV)')
    .addOption(new Option('--format <format>', 'trace format').choices([...TRACE_FORMATS]).makeOptionMandatory())
    .option('--interval <duration>', 'resample to this interval (5m, 60s, 1h, …)', '5m')
    .option('--start <iso>', 'start time for traces with relative timestamps (Alibaba, Google, Azure)')
    .option('--out <file>', 'write FILE.csv or FILE.parquet')
    .option('--to-warehouse [table]', `append to a warehouse table (default ${DEFAULT_IMPORT_TABLE})`)
    .option('--json', 'print one JSON document')
    .action(async (file: string, flags: ImportFlags) => {
      if ((flags.out === undefined) === (flags.toWarehouse === undefined)) {
        throw new FleetcastError('FLEETCAST_USAGE', 'give exactly one of --out or --to-warehouse', {
          hint: 'e.g. --out machines.parquet, or --to-warehouse metrics',
        });
      }
      const output =
        flags.out !== undefined
          ? fileTarget(flags.out, context.io.cwd)
          : {
              kind: 'warehouse' as const,
              url: context.config().warehouseUrl,
              table:
                flags.toWarehouse === true || flags.toWarehouse === undefined
                  ? DEFAULT_IMPORT_TABLE
                  : flags.toWarehouse,
            };
      if (output.kind !== 'csv' && output.kind !== 'parquet' && output.kind !== 'warehouse') {
        throw new FleetcastError('FLEETCAST_USAGE', `--out ${flags.out} must be a .csv or .parquet file`, {
          hint: 'e.g. --out trace.parquet',
        });
      }
      const input = resolve(context.io.cwd, file);
      if (!existsSync(input)) {
        throw new FleetcastError('FLEETCAST_NOT_FOUND', `trace file ${input} does not exist`, {
          hint: 'check the path',
        });
      }
      const summary = await importTrace({
        format: flags.format,
        input,
        interval: flags.interval,
        output,
        ...(flags.start ? { start: flags.start } : {}),
      });
      context.print(flags.json, summary, () =>
        [
          `${summary.format}: ${summary.readings} readings from ${summary.lines} lines, ${summary.invalid} invalid dropped`,
          ...Object.entries(summary.invalid_reasons).map(([reason, n]) => `  ${n} × ${reason}`),
          `${summary.rows} rows for ${summary.resources} resources at ${summary.interval_seconds} s`,
        ].join('\n'),
      );
    });
}
