import type { Command } from 'commander';
import { FleetcastError } from '../../core/errors.js';
import { startBullmqWorker } from '../../core/queue/index.js';
import { openRegistry } from '../../registry/index.js';
import type { CliContext } from '../context.js';

interface WorkerOptions {
  concurrency?: string;
  queue: string;
  scanInterval: string;
}

/**
 * The long-running process of a host: registers models uploaded straight into the artifact store,
 * and, when Redis is configured, processes queued tasks (BullMQ). Stops on SIGINT/SIGTERM after the
 * running tasks finish.
 */
export function registerWorker(program: Command, context: CliContext): void {
  program
    .command('worker')
    .description('watch the artifact store for uploaded models and, with Redis, process queued tasks')
    .option('--concurrency <n>', 'tasks at once (default: the configured queue concurrency)')
    .option('--queue <name>', 'queue name', 'fleetcast')
    .option('--scan-interval <seconds>', 'seconds between scans for uploaded models', '10')
    .action(async (options: WorkerOptions) => {
      const config = context.config();
      const concurrency = positiveInteger('--concurrency', options.concurrency, config.queue.concurrency);
      const scanSeconds = Number(options.scanInterval);
      if (!Number.isFinite(scanSeconds) || scanSeconds <= 0) {
        throw new FleetcastError(
          'FLEETCAST_USAGE',
          `--scan-interval "${options.scanInterval}" is not a positive number`,
          {
            hint: 'e.g. --scan-interval 10',
          },
        );
      }
      const log = context.logger();
      const opened = await openRegistry(config, context.io.env);
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
      try {
        await opened.registry.watchUploads({
          intervalMs: scanSeconds * 1000,
          signal: stop.signal,
          onOutcome: (outcome) =>
            outcome.status === 'registered'
              ? log.info(outcome, `registered upload ${outcome.name}:${outcome.version}`)
              : log.warn(outcome, `rejected upload ${outcome.manifestKey}`),
          onError: (error) => log.error({ err: error }, 'scan for uploaded models failed; retrying'),
        });
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        log.info('worker stopping');
        await tasks?.close();
        await opened.close();
      }
    });
}

function positiveInteger(flag: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new FleetcastError('FLEETCAST_USAGE', `${flag} "${raw}" is not a positive integer`, {
      hint: `e.g. ${flag} 4`,
    });
  }
  return value;
}
