/**
 * The worker side of the BullMQ queue, and the Redis plumbing both sides share. A worker takes jobs,
 * resolves each task name through this process's registry and runs the handler in-process; producers
 * cancel active jobs by publishing their ids, which every worker subscribes to.
 */
import type { Job } from 'bullmq';
import { UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { maskUrl } from '../config/mask.js';
import { errorMessage, FleetcastError } from '../errors.js';
import { resolveQueueOptions } from './shared.js';
import { loadTaskHandler, resolveTask } from './tasks.js';

export const DEFAULT_QUEUE_NAME = 'fleetcast';
export const DEFAULT_PREFIX = 'fleetcast';
const PING_TIMEOUT_MS = 3000;
/** The failure reason a worker records for a cancelled job, so every producer reads it as a cancel. */
export const CANCELLED_REASON = 'FLEETCAST_TASK_CANCELLED';

export interface BullmqWorkerOptions {
  redisUrl: string;
  queueName?: string;
  prefix?: string;
  concurrency?: number;
}

export interface BullmqWorkerHandle {
  /** Jobs this worker is processing now. */
  running(): number;
  close(): Promise<void>;
}

export interface JobData {
  task: string;
  payload: unknown;
}

/** PING through a throwaway client that never retries, so a dead server fails within seconds. */
export async function pingRedis(redisUrl: string, timeoutMs = PING_TIMEOUT_MS): Promise<void> {
  const client = new Redis(redisUrl, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
  });
  // The socket error (ECONNREFUSED…) is more telling than the "Connection is closed." that connect()
  // rejects with; keep it for the message. The listener also stops ioredis printing it.
  let socketError: unknown;
  client.on('error', (error: unknown) => {
    socketError ??= error;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw redisError(redisUrl, socketError ?? error);
  } finally {
    // Disconnecting an already-ended client arms a 2 s timer that would keep the process alive.
    if (client.status !== 'end') client.disconnect();
  }
}

export function redisError(redisUrl: string, error: unknown): FleetcastError {
  const message = errorMessage(error);
  const url = maskUrl(redisUrl);
  if (/NOAUTH|WRONGPASS|invalid password|invalid username/i.test(message)) {
    return new FleetcastError('FLEETCAST_BACKEND_AUTH', `Redis at ${url} refused the credentials: ${message}`, {
      hint: 'check the user and password in the Redis URL',
      cause: error,
    });
  }
  return new FleetcastError('FLEETCAST_BACKEND_UNREACHABLE', `Redis at ${url} does not answer: ${message}`, {
    hint: 'start Redis or fix the Redis URL (redis://host:6379), or unset it to use the local pool',
    cause: error,
  });
}

/** The long-lived connection BullMQ needs: workers require `maxRetriesPerRequest: null`. */
export function longLivedConnection(redisUrl: string): Redis {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  // ioredis reconnects by itself; an outage surfaces as slow or failed commands, not as a crash.
  connection.on('error', () => {});
  return connection;
}

export function cancelChannel(prefix: string, queueName: string): string {
  return `${prefix}:${queueName}:cancel`;
}

/** Runs `work`, but rejects as soon as `signal` aborts, even if the handler ignores the signal. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  work.catch(() => {});
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([work, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}

export interface TaskWorker {
  running(): number;
  close(): Promise<void>;
}

/**
 * A BullMQ worker plus its cancel subscription. A producer cancels an active job by publishing its
 * id; the worker holding it aborts the handler's signal and fails the job with UnrecoverableError,
 * which BullMQ never retries.
 */
export async function startTaskWorker(
  connection: Redis,
  queueName: string,
  prefix: string,
  concurrency: number,
): Promise<TaskWorker> {
  const active = new Map<string, AbortController>();
  const channel = cancelChannel(prefix, queueName);
  const subscriber = connection.duplicate();
  subscriber.on('error', () => {});
  subscriber.on('message', (from: string, jobId: string) => {
    if (from === channel) active.get(jobId)?.abort();
  });
  await subscriber.subscribe(channel);

  const processor = async (job: Job<JobData>): Promise<unknown> => {
    const taskId = job.id ?? '';
    const controller = new AbortController();
    active.set(taskId, controller);
    try {
      let url: string;
      try {
        url = resolveTask(job.data.task);
      } catch (error) {
        // This host does not know the task: no retry here can succeed.
        throw new UnrecoverableError(errorMessage(error));
      }
      const handler = await loadTaskHandler(url);
      const context = { attempt: job.attemptsMade + 1, taskId, signal: controller.signal };
      return await untilAborted(
        Promise.resolve().then(() => handler(job.data.payload, context)),
        controller.signal,
      );
    } catch (error) {
      if (controller.signal.aborted) throw new UnrecoverableError(CANCELLED_REASON);
      throw error instanceof Error ? error : new Error(errorMessage(error));
    } finally {
      active.delete(taskId);
    }
  };

  const worker = new Worker<JobData>(queueName, processor, { connection, prefix, concurrency, autorun: true });
  // Job failures travel to producers as events; connection errors are retried by ioredis.
  worker.on('error', () => {});
  try {
    await worker.waitUntilReady();
  } catch (error) {
    await worker.close(true).catch(() => {});
    subscriber.disconnect();
    throw error;
  }
  return {
    running: () => active.size,
    close: async () => {
      await worker.close();
      await subscriber.quit().catch(() => subscriber.disconnect());
    },
  };
}

/** Worker only, no producer: what `fleetcast worker` runs on each worker host. */
export async function startBullmqWorker(options: BullmqWorkerOptions): Promise<BullmqWorkerHandle> {
  const { concurrency } = resolveQueueOptions({ concurrency: options.concurrency });
  await pingRedis(options.redisUrl);
  const connection = longLivedConnection(options.redisUrl);
  try {
    const worker = await startTaskWorker(
      connection,
      options.queueName ?? DEFAULT_QUEUE_NAME,
      options.prefix ?? DEFAULT_PREFIX,
      concurrency,
    );
    return {
      running: worker.running,
      close: async () => {
        await worker.close();
        await connection.quit().catch(() => connection.disconnect());
      },
    };
  } catch (error) {
    connection.disconnect();
    throw redisError(options.redisUrl, error);
  }
}
