import type { Command } from 'commander';
import { FleetcastError } from '../../core/errors.js';
import { pause } from '../../core/pause.js';
import { startBullmqWorker } from '../../core/queue/index.js';
import {
  type BullmqSchedules,
  runDueSchedules,
  type ScheduleRun,
  startBullmqSchedules,
  sweepStaleRuns,
} from '../../jobs/index.js';
import type { CliContext } from '../context.js';
import { positiveInteger, positiveNumber } from '../flags.js';
import { openJobStores, parseDuration } from './schedule.js';

interface WorkerOptions {
  concurrency?: string;
  queue: string;
  scanInterval: string;
  lease: string;
}

/** How often the worker looks for due schedules and stale runs (firings are per second at the finest). */
const SCHEDULE_TICK_MS = 1_000;
/** How often, with Redis, the BullMQ job schedulers are matched to the schedules table. */
const SCHEDULER_SYNC_MS = 5_000;

/**
 * The long-running process of a host: fires due schedules, registers models uploaded straight into
 * the artifact store, and, when Redis is configured, processes queued tasks (BullMQ). Embedded, it
 * polls the schedules table; with Redis, BullMQ job schedulers fire the schedules, so each firing
 * goes to one worker of many hosts. Either way it retries or fails runs whose worker died (their
 * lease expired). Stops on SIGINT/SIGTERM after the running tasks finish.
 */
export function registerWorker(program: Command, context: CliContext): void {
  program
    .command('worker')
    .description('fire due schedules, register uploaded models and, with Redis, process queued tasks')
    .option('--concurrency <n>', 'tasks at once (default: the configured queue concurrency)')
    .option('--queue <name>', 'queue name', 'fleetcast')
    .option('--scan-interval <seconds>', 'seconds between scans for uploaded models', '10')
    .option('--lease <duration>', 'how long a running firing stays claimed without a heartbeat: 30s, 2m', '60s')
    .action(async (options: WorkerOptions) => {
      const config = context.config();
      const concurrency =
        options.concurrency === undefined
          ? config.queue.concurrency
          : positiveInteger('--concurrency', options.concurrency);
      const scanSeconds = positiveNumber('--scan-interval', options.scanInterval, { example: '10' });
      const leaseMs = parseDuration(options.lease);
      if (leaseMs < 500) {
        throw new FleetcastError('FLEETCAST_USAGE', `--lease ${options.lease} is shorter than 500ms`, {
          hint: 'a worker renews its lease every third of it; e.g. --lease 60s',
        });
      }
      const log = context.logger();
      const opened = await openJobStores(context);
      const logRun = (run: ScheduleRun) => {
        const level = run.status === 'completed' ? 'info' : 'error';
        log[level](run, `schedule ${run.schedule} ${run.status} for ${run.fire_time}`);
      };
      let tasks: Awaited<ReturnType<typeof startBullmqWorker>> | undefined;
      let schedules: BullmqSchedules | undefined;
      try {
        if (config.redisUrl) {
          tasks = await startBullmqWorker({ redisUrl: config.redisUrl, queueName: options.queue, concurrency });
          schedules = await startBullmqSchedules(opened.metadata, opened.runPredict, {
            redisUrl: config.redisUrl,
            queueName: `${options.queue}-schedules`,
            leaseMs,
            onRun: logRun,
            onError: (error) => log.error({ err: error }, 'a scheduled firing failed to run; see schedule list --runs'),
          });
        }
      } catch (error) {
        await tasks?.close();
        await opened.close();
        throw error;
      }
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      log.info(
        tasks
          ? { queue: options.queue, concurrency, scanSeconds }
          : { scanSeconds, note: 'no FLEETCAST_REDIS_URL: queued tasks run inside each command' },
        'worker started; Ctrl-C stops it after running tasks finish',
      );
      let lastSync = Date.now();
      const firing = async () => {
        while (!stop.signal.aborted) {
          try {
            // From startup on: runs left `running` by a worker that died are retried or failed.
            for (const run of await sweepStaleRuns(opened.metadata, opened.runPredict, { leaseMs })) logRun(run);
            if (!schedules) {
              for (const run of await runDueSchedules(opened.metadata, opened.runPredict, { leaseMs })) logRun(run);
            } else if (Date.now() - lastSync >= SCHEDULER_SYNC_MS) {
              lastSync = Date.now();
              const changed = await schedules.sync();
              if (changed.upserted.length + changed.removed.length > 0) log.info(changed, 'job schedulers updated');
            }
          } catch (error) {
            log.error({ err: error }, 'checking schedules failed; retrying');
          }
          await pause(SCHEDULE_TICK_MS, stop.signal);
        }
      };
      try {
        await Promise.all([
          firing(),
          opened.registry.watchUploads({
            intervalMs: scanSeconds * 1000,
            signal: stop.signal,
            onOutcome: (outcome) =>
              outcome.status === 'registered'
                ? log.info(outcome, `registered upload ${outcome.name}:${outcome.version}`)
                : log.warn(outcome, `rejected upload ${outcome.manifestKey}`),
            onError: (error) => log.error({ err: error }, 'scan for uploaded models failed; retrying'),
          }),
        ]);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        log.info('worker stopping');
        await schedules?.close();
        await tasks?.close();
        await opened.close();
      }
    });
}
