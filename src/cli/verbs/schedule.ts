import type { Command } from 'commander';
import { FleetcastError } from '../../core/errors.js';
import { openWarehouse } from '../../core/warehouse/index.js';
import {
  addSchedule,
  listScheduleRuns,
  listSchedules,
  type PredictRunner,
  parsePredictArgs,
  removeSchedule,
  runBatchPrediction,
  runScheduleNow,
} from '../../jobs/index.js';
import { type OpenRegistry, openRegistry } from '../../registry/index.js';
import type { CliContext } from '../context.js';

/**
 * Stores a schedule verb (or the worker) needs. The warehouse is opened per job, not held: an
 * embedded DuckDB file admits one process at a time, and a long-running worker must not lock out
 * `fleetcast predict` or a second worker on the same host.
 */
export async function openJobStores(context: CliContext): Promise<OpenRegistry & { runPredict: PredictRunner }> {
  const config = context.config();
  const opened = await openRegistry(config, context.io.env);
  return {
    ...opened,
    runPredict: async (spec) => {
      const warehouse = await openWarehouse(config.warehouseUrl);
      try {
        return await runBatchPrediction(
          { warehouse, metadata: opened.metadata, registry: opened.registry },
          { ...spec, cwd: context.io.cwd },
        );
      } finally {
        await warehouse.close();
      }
    },
  };
}

export function registerSchedule(program: Command, context: CliContext): void {
  const schedule = program
    .command('schedule')
    .description('batch predictions on a cron schedule, run by fleetcast worker');
  const withStores = async <T>(work: (stores: Awaited<ReturnType<typeof openJobStores>>) => Promise<T>) => {
    const stores = await openJobStores(context);
    try {
      return await work(stores);
    } finally {
      await stores.close();
    }
  };

  schedule
    .command('add')
    .description('add a scheduled batch prediction')
    .argument('<name>', 'schedule name')
    .requiredOption('--cron <expression>', 'five cron fields, e.g. "0 2 * * *"')
    .option('--tz <zone>', 'IANA time zone of the cron expression', 'UTC')
    .requiredOption('--predict <args>', "predict options, e.g. '--model cpu@prod --from metrics --to predictions'")
    .option('--retries <n>', 'retries after a failed attempt', '3')
    .option('--backoff <duration>', 'first retry delay (doubles each retry): 500ms, 60s, 5m', '60s')
    .option('--json', 'print one JSON document')
    .action(
      async (
        name: string,
        options: { cron: string; tz: string; predict: string; retries: string; backoff: string; json?: boolean },
      ) => {
        const predict = parsePredictArgs(options.predict);
        const retries = Number(options.retries);
        const backoffMs = parseDuration(options.backoff);
        const added = await withStores((stores) =>
          addSchedule(
            stores.metadata,
            { name, cron: options.cron, timezone: options.tz, predict, retries, backoffMs },
            context.io.env.USER ?? 'unknown',
          ),
        );
        context.print(
          options.json,
          added,
          () => `added schedule ${name} (${options.cron} ${options.tz}); next run ${added.nextRun}`,
        );
      },
    );

  schedule
    .command('list')
    .description('list schedules, or with --runs the job history')
    .option('--runs', 'show the job history (status, rows in/out, duration, error)')
    .option('--name <schedule>', 'only this schedule’s runs')
    .option('--json', 'print one JSON document')
    .action(async (options: { runs?: boolean; name?: string; json?: boolean }) => {
      if (options.runs) {
        const runs = await withStores((stores) =>
          listScheduleRuns(stores.metadata, options.name ? { schedule: options.name } : {}),
        );
        context.print(options.json, runs, () =>
          runs.length === 0
            ? 'no runs yet'
            : runs
                .map(
                  (r) =>
                    `${r.started_at} ${r.schedule} ${r.status} (${r.trigger}, ${r.attempts} attempt${r.attempts === 1 ? '' : 's'}) in ${r.rows_in ?? '-'} out ${r.rows_out ?? '-'} ${r.duration_ms ?? '-'} ms${r.error ? ` error: ${r.error}` : ''}`,
                )
                .join('\n'),
        );
        return;
      }
      const schedules = await withStores((stores) => listSchedules(stores.metadata));
      context.print(options.json, schedules, () =>
        schedules.length === 0
          ? 'no schedules'
          : schedules
              .map(
                (s) =>
                  `${s.name.padEnd(20)} ${s.cron} ${s.timezone}  next ${s.nextRun}  predict ${s.predict.model} ${s.predict.from} → ${s.predict.to}`,
              )
              .join('\n'),
      );
    });

  schedule
    .command('run')
    .description('run a schedule now')
    .argument('<name>', 'schedule name')
    .option('--json', 'print one JSON document')
    .action(async (name: string, options: { json?: boolean }) => {
      const run = await withStores((stores) => runScheduleNow(stores.metadata, name, stores.runPredict));
      context.print(
        options.json,
        run,
        () => `${name}: ${run.status} (${run.rows_out ?? 0} predictions)${run.error ? `: ${run.error}` : ''}`,
      );
      if (run.status !== 'completed') context.exitCode = 1;
    });

  schedule
    .command('remove')
    .description('remove a schedule (its run history stays)')
    .argument('<name>', 'schedule name')
    .option('--json', 'print one JSON document')
    .action(async (name: string, options: { json?: boolean }) => {
      await withStores((stores) => removeSchedule(stores.metadata, name));
      context.print(options.json, { removed: name }, () => `removed schedule ${name}`);
    });
}

/** `500ms`, `60s`, `5m`, `1h`, or a plain number of seconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) {
    throw new FleetcastError('FLEETCAST_USAGE', `"${text}" is not a duration`, { hint: 'write 500ms, 60s, 5m or 1h' });
  }
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(match[1]) * unit);
}
