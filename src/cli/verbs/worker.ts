import type { Command } from 'commander';
import { pause } from '../../core/pause.js';
import { startBullmqWorker } from '../../core/queue/index.js';
import { runDueSchedules } from '../../jobs/index.js';
import type { CliContext } from '../context.js';
import { positiveInteger, positiveNumber } from '../flags.js';
import { openJobStores } from './schedule.js';

interface WorkerOptions {
  concurrency?: string;
  queue: string;
  scanInterval: string;
}

/** How often the worker looks for due schedules (firings are per minute at the finest). */
const SCHEDULE_TICK_MS = 1_000;

/**
 * The long-running process of a host: registers models uploaded straight into the artifact store,
 * and, when Redis is configured, processes queued tasks (BullMQ). Stops on SIGINT/SIGTERM after the
 * running tasks finish.
 */
export function registerWorker(program: Command, context: CliContext): void {
  program
    .command('worker')
    .description('fire due schedules, register uploaded models and, with Redis, process queued tasks')
    .option('--concurrency <n>', 'tasks at once (default: the configured queue concurrency)')
    .option('--queue <name>', 'queue name', 'fleetcast')
    .option('--scan-interval <seconds>', 'seconds between scans for uploaded models', '10')
    .action(async (options: WorkerOptions) => {
      const config = context.config();
      const concurrency =
        options.concurrency === undefined
          ? config.queue.concurrency
          : positiveInteger('--concurrency', options.concurrency);
      const scanSeconds = positiveNumber('--scan-interval', options.scanInterval, { example: '10' });
      const log = context.logger();
      const opened = await openJobStores(context);
      const tasks = config.redisUrl
        ? await startBullmqWorker({ redisUrl: config.redisUrl, queueName: options.queue, concurrency })
        : undefined;
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
      const firing = async () => {
        while (!stop.signal.aborted) {
          try {
            for (const run of await runDueSchedules(opened.metadata, opened.runPredict)) {
              const level = run.status === 'completed' ? 'info' : 'error';
              log[level](run, `schedule ${run.schedule} ${run.status} for ${run.fire_time}`);
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
        await tasks?.close();
        await opened.close();
      }
    });
}
