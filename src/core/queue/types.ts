/**
 * One work queue, two implementations: an in-process worker-thread pool (embedded) and BullMQ on
 * Redis (scaled). Tasks are named: the name resolves, through the task registry, to a module whose
 * default export does the work, so the same task runs in a thread here or on a worker host there.
 */

export interface TaskContext {
  /** 1 on the first try. */
  attempt: number;
  taskId: string;
  /** Aborted when the task is cancelled; long tasks should check it. */
  signal: AbortSignal;
}

/** The default export of a task module. Payload and result must be structured-cloneable JSON. */
export type TaskHandler<P = unknown, R = unknown> = (payload: P, context: TaskContext) => Promise<R> | R;

export interface SubmitOptions {
  /** Total tries, first included. Defaults to the queue's `attempts`. */
  attempts?: number;
  /** First retry delay in ms; doubles on each further retry. Defaults to the queue's `backoffMs`. */
  backoffMs?: number;
  /** Cancels the task when aborted. */
  signal?: AbortSignal;
}

export type TaskState = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

export interface TaskHandle<R = unknown> {
  readonly id: string;
  /** Settles with the handler's result, or rejects with FLEETCAST_TASK_FAILED / _CANCELLED. */
  readonly result: Promise<R>;
  state(): TaskState;
  /** Cancels a queued task, or aborts a running one; a settled task is left as it is. */
  cancel(): Promise<void>;
}

export interface QueueStats {
  /** Submitted and not yet settled. */
  pending: number;
  running: number;
  completed: number;
  failed: number;
  cancelled: number;
  /** Largest `pending` seen: never above `maxPending`. */
  peakPending: number;
}

export interface WorkQueueOptions {
  /** Tasks run at once. */
  concurrency: number;
  /** Bound of submitted-but-unsettled tasks; `submit` waits (back-pressure) when it is reached. */
  maxPending: number;
  attempts: number;
  backoffMs: number;
}

export interface WorkQueue {
  readonly kind: 'local' | 'bullmq';
  readonly options: Readonly<WorkQueueOptions>;
  /**
   * Accepts a task; resolves once it is queued. Waits while `maxPending` tasks are unsettled, so a
   * producer of 100,000 tasks holds at most `maxPending` in memory.
   */
  submit<R = unknown>(task: string, payload: unknown, options?: SubmitOptions): Promise<TaskHandle<R>>;
  /** Submits and waits for the result. */
  run<R = unknown>(task: string, payload: unknown, options?: SubmitOptions): Promise<R>;
  /** Resolves when nothing is pending. */
  drain(): Promise<void>;
  stats(): QueueStats;
  ping(): Promise<void>;
  /** Stops accepting work, cancels what is queued, waits for running tasks to stop. */
  close(): Promise<void>;
}
