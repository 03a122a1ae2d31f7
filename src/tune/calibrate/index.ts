/**
 * Calibration: a simulation function compared with observed tables through targets and losses,
 * its parameters searched by a study on the work queue.
 */
export { align, asofJoin, exactJoin, type JoinKind, type JoinSpec } from './align.js';
export * from './examples/index.js';
export {
  annealedMse,
  type BetaPrior,
  betaBinomialLogLikelihood,
  binomialLogLikelihood,
  LIKELIHOOD_LOSSES,
  LOSS_NAMES,
  type LossName,
  logMeanExp,
  meanSignalMse,
  replicateLogLikelihoods,
  targetLoss,
} from './losses.js';
export { BUILTIN_MODELS, loadSimulationModule, resolveModuleUrl } from './module.js';
export {
  bestOf,
  CALIBRATE_SEED_NAMESPACE,
  type CalibrationResult,
  type CalibrationRunOptions,
  type CalibrationSetup,
  runCalibration,
} from './run.js';
export { BURST_FACTOR, STAT_NAMES, type StatName, seriesStats } from './summary.js';
export type { ColumnTable, Key, SimulatedTable, SimulatedTables, SimulationModule, TableRow } from './tables.js';
export {
  type CalibrationTarget,
  checkTargetLoss,
  measure,
  observedPoints,
  observedSummary,
  type PointTarget,
  probeOf,
  type SummaryTarget,
  scoreTarget,
  scoreTargets,
  type TargetProbe,
  VALUE_TRANSFORMS,
  type ValueTransform,
} from './targets.js';
