/** Built-in calibration examples, by name (`fleetcast calibrate --example NAME`). */
import { seirExample } from './seir.js';
import type { CalibrationExample } from './types.js';
import { workloadExample } from './workload.js';

export const CALIBRATION_EXAMPLES: Readonly<Record<string, () => CalibrationExample>> = {
  seir: seirExample,
  workload: workloadExample,
};
export const CALIBRATION_EXAMPLE_NAMES = Object.keys(CALIBRATION_EXAMPLES);

export { poisson } from './poisson.js';
export {
  SEIR_COLUMNS,
  SEIR_OBSERVED_SEED,
  SEIR_SETTINGS,
  SEIR_TRUTH,
  seirExample,
  seirObserved,
  seirSpace,
} from './seir.js';
export { runSeir, SEIR_DT, type SeirDaily, type SeirParams, seirParams } from './seir-model.js';
export type { CalibrationExample } from './types.js';
export {
  calibrateWorkload,
  DEFAULT_WORKLOAD_PARAMS,
  DEFAULT_WORKLOAD_STATS,
  type ObservedCpuSeries,
  WORKLOAD_OBSERVED_SEED,
  WORKLOAD_PARAMS,
  WORKLOAD_TRUTH,
  type WorkloadCalibrationOptions,
  type WorkloadCalibrationResult,
  workloadExample,
  workloadObserved,
} from './workload.js';
export { simulateWorkload, type WorkloadSeries, workloadArchetype } from './workload-model.js';
