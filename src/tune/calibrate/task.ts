/**
 * The `tune.calibrate` queue task: one replicate of one parameter set. It runs the simulation with
 * the replicate's derived seed and returns, per target, the simulated values aligned with the
 * observed ones. The coordinator turns the replicates' values into the loss (losses such as the
 * mean-signal MSE and log-mean-exp likelihoods need every replicate at once).
 */
import { FleetcastError } from '../../core/errors.js';
import type { TaskHandler } from '../../core/queue/types.js';
import type { ObjectivePayload } from '../runner/types.js';
import { loadSimulationModule } from './module.js';
import { TableError } from './tables.js';
import { measure, type TargetProbe } from './targets.js';

export interface CalibrationInput {
  /** URL of the simulation module. */
  module: string;
  targets: TargetProbe[];
}

export interface ReplicateOutput {
  /** Per target (in the input's order), the aligned simulated values. */
  aligned: number[][];
}

const evaluateReplicate: TaskHandler<ObjectivePayload, ReplicateOutput> = async (payload) => {
  const input = payload.input as Partial<CalibrationInput> | undefined;
  if (typeof input?.module !== 'string' || !Array.isArray(input.targets)) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', 'tune.calibrate: input needs module and targets', {
      hint: 'start calibrations with runCalibration (or fleetcast calibrate)',
    });
  }
  const model = await loadSimulationModule(input.module);
  const tables = await model.simulate(payload.params, BigInt(payload.seed));
  if (tables === null || typeof tables !== 'object') {
    throw new TableError(`simulate returned ${String(tables)}, not an object of tables`);
  }
  return { aligned: input.targets.map((probe) => measure(tables, probe)) };
};

export default evaluateReplicate;
