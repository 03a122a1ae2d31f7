/**
 * `core.flaky`: fails on purpose until a given attempt, then returns `value`. Exists so the retry
 * and backoff paths of both queue implementations can be tested without a real flaky dependency.
 */
import type { TaskHandler } from '../types.js';

export interface FlakyPayload {
  /** The first attempt that succeeds: 1 never fails, 3 fails twice. */
  failUntilAttempt: number;
  value: unknown;
}

const flaky: TaskHandler<FlakyPayload, unknown> = (payload, context) => {
  if (context.attempt < payload.failUntilAttempt) {
    throw new Error(
      `core.flaky: attempt ${context.attempt} fails on purpose (succeeds from ${payload.failUntilAttempt})`,
    );
  }
  return payload.value;
};

export default flaky;
