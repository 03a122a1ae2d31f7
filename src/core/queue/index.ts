/**
 * The work queue's front door: one call picks the implementation from configuration. No Redis URL
 * means the embedded worker-thread pool; a redis:// or rediss:// URL means BullMQ.
 */
import { maskUrl } from '../config/mask.js';
import { FleetcastError } from '../errors.js';
import { BullmqQueue } from './bullmq.js';
import { LocalPoolQueue } from './local-pool.js';
import { resolveQueueOptions } from './shared.js';
import type { WorkQueue, WorkQueueOptions } from './types.js';

export type { BullmqQueueOptions, BullmqWorkerHandle, BullmqWorkerOptions } from './bullmq.js';
export { BullmqQueue, DEFAULT_PREFIX, DEFAULT_QUEUE_NAME, pingRedis, startBullmqWorker } from './bullmq.js';
export { LocalPoolQueue } from './local-pool.js';
export { DEFAULT_ATTEMPTS, DEFAULT_BACKOFF_MS, DEFAULT_MAX_PENDING, resolveQueueOptions } from './shared.js';
export { listTasks, loadTaskHandler, registerTask, resolveTask } from './tasks.js';
export type * from './types.js';

export interface OpenWorkQueueOptions extends Partial<WorkQueueOptions> {
  /** redis:// or rediss://; unset (or empty) for the local pool. */
  redisUrl?: string;
  queueName?: string;
  prefix?: string;
  /** BullMQ only: false makes this process a producer that leaves the work to worker hosts. */
  runWorker?: boolean;
}

export function openWorkQueue(options: OpenWorkQueueOptions = {}): WorkQueue {
  const { redisUrl, queueName, prefix, runWorker, ...queueOptions } = options;
  // Validated here, before anything starts, so a bad value fails the same way for both kinds.
  const resolved = resolveQueueOptions(queueOptions);
  if (redisUrl === undefined || redisUrl === '') return new LocalPoolQueue(resolved);
  let protocol: string;
  try {
    protocol = new URL(redisUrl).protocol;
  } catch {
    throw invalidUrl(redisUrl);
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') throw invalidUrl(redisUrl);
  return new BullmqQueue({ ...resolved, redisUrl, queueName, prefix, runWorker });
}

function invalidUrl(redisUrl: string): FleetcastError {
  return new FleetcastError('FLEETCAST_URL_INVALID', `the work queue URL ${maskUrl(redisUrl)} is not a Redis URL`, {
    hint: 'use redis://[user:password@]host:6379[/db] (rediss:// for TLS), or leave it unset for the local pool',
  });
}
