/**
 * The `tune.example` queue task: evaluates one of the built-in benchmark functions (`input` names
 * it) at the trial's parameters. It lets `fleetcast tune --example …` run on the local pool or on
 * any `fleetcast worker` host with no user code.
 */
import { FleetcastError } from '../../core/errors.js';
import type { TaskHandler } from '../../core/queue/types.js';
import type { ObjectivePayload } from '../runner/types.js';
import { BENCHMARKS } from './functions.js';

export interface ExampleInput {
  function: string;
  /**
   * CPU time to burn before evaluating, in ms: makes a cheap function stand in for an expensive
   * simulation (fault-tolerance tests, demos of back-pressure). Default 0.
   */
  costMs?: number;
}

/** Longest cost accepted: a typo must not pin a worker for hours. */
const MAX_COST_MS = 60_000;

const evaluateExample: TaskHandler<ObjectivePayload, number> = async (payload, context) => {
  const input = payload.input as Partial<ExampleInput> | undefined;
  const name = typeof input?.function === 'string' ? input.function : '';
  const fn = Object.hasOwn(BENCHMARKS, name) ? BENCHMARKS[name] : undefined;
  if (fn === undefined) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `tune.example: no example function "${name}"`, {
      hint: `input.function is one of ${Object.keys(BENCHMARKS).join(', ')}`,
    });
  }
  const costMs = input?.costMs ?? 0;
  if (typeof costMs !== 'number' || !(costMs >= 0 && costMs <= MAX_COST_MS)) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `tune.example: costMs must be in 0..${MAX_COST_MS}`, {
      hint: 'give the simulated evaluation cost in milliseconds',
    });
  }
  await burn(costMs, context.signal);
  return fn.objective(payload.params);
};

/** Busy for `ms` (really occupying the worker, as a simulation would), yielding every few ms for cancels. */
async function burn(ms: number, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    signal.throwIfAborted();
    const chunkEnd = Math.min(deadline, Date.now() + 5);
    while (Date.now() < chunkEnd) {
      // Spin: the point is to take CPU time.
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

export default evaluateExample;
