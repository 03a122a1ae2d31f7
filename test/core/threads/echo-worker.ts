/** A test worker for request-thread: echoes, fails on request, or dies. */
import { workerData } from 'node:worker_threads';
import { FleetcastError } from '../../../src/core/errors.js';
import { serveRequests } from '../../../src/core/threads/request-thread.js';

const { refuse } = workerData as { refuse?: boolean };

await serveRequests<{ greeting: string }, { say: string }, string>(async () => {
  if (refuse) throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', 'nothing to open', { hint: 'give it something' });
  return {
    ready: { greeting: 'ready' },
    handle: async ({ say }) => {
      if (say === 'fail') throw new FleetcastError('FLEETCAST_NOT_FOUND', 'no such thing', { details: { say } });
      if (say === 'plain') throw new Error('a plain error');
      if (say === 'die') process.exit(3);
      await new Promise((r) => setTimeout(r, 5));
      return say.toUpperCase();
    },
  };
});
