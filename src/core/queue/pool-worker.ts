/**
 * The piscina worker: runs one task attempt in a worker thread. The main thread has already
 * resolved the task name, so only the module URL crosses over; the module is imported once per
 * thread (loadTaskHandler caches it).
 */
import { loadTaskHandler } from './tasks.js';

export interface PoolMessage {
  url: string;
  payload: unknown;
  attempt: number;
  taskId: string;
}

/**
 * Cancelling a running task terminates its whole thread (piscina does that on abort), so the signal
 * a handler sees here never fires; it is there so handlers run unchanged in both implementations.
 */
const neverAborted = new AbortController().signal;

export default async function runPoolTask(message: PoolMessage): Promise<unknown> {
  const handler = await loadTaskHandler(message.url);
  return handler(message.payload, { attempt: message.attempt, taskId: message.taskId, signal: neverAborted });
}
