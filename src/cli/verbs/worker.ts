import type { Command } from 'commander';
import { FleetcastError } from '../../core/errors.js';
import { startBullmqWorker } from '../../core/queue/index.js';
import type { CliContext } from '../context.js';

export function registerWorker(program: Command, context: CliContext): void {
  program
    .command('worker')
    .description('process queued tasks from Redis (BullMQ) on this host until stopped')
    .option('--concurrency <n>', 'tasks at once (default: the configured queue concurrency)')
    .option('--queue <name>', 'queue name', 'fleetcast')
    .action(async (options: { concurrency?: string; queue: string }) => {
      const config = context.config();
      if (!config.redisUrl) {
        throw new FleetcastError('FLEETCAST_USAGE', 'fleetcast worker needs Redis: no FLEETCAST_REDIS_URL is set', {
          hint: 'set FLEETCAST_REDIS_URL=redis://host:6379 (the embedded queue runs inside each command instead)',
        });
      }
      const concurrency = options.concurrency === undefined ? config.queue.concurrency : Number(options.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1) {
        throw new FleetcastError(
          'FLEETCAST_USAGE',
          `--concurrency "${options.concurrency}" is not a positive integer`,
          {
            hint: 'e.g. --concurrency 4',
          },
        );
      }
      const log = context.logger();
      const worker = await startBullmqWorker({ redisUrl: config.redisUrl, queueName: options.queue, concurrency });
      log.info({ queue: options.queue, concurrency }, 'worker started; Ctrl-C stops it after running tasks finish');
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      log.info('worker stopping');
      await worker.close();
    });
}
