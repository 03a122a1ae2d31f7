/**
 * `core.ping`: proves the pool runs code, and where. `doctor` checks that `threadId` differs from the
 * caller's (the local pool really uses a worker thread) and that `pid` matches the host it expects.
 */
import { threadId } from 'node:worker_threads';
import type { TaskHandler } from '../types.js';

export interface PingResult {
  pong: true;
  pid: number;
  threadId: number;
}

const ping: TaskHandler<unknown, PingResult> = () => ({ pong: true, pid: process.pid, threadId });

export default ping;
