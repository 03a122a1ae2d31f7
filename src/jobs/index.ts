/** The jobs capability's public door: batch prediction, schedules and their job history. */
export {
  type BatchPredictionOptions,
  type BatchPredictionResult,
  pullRows,
  runBatchPrediction,
} from './batch-predict.js';
export { jobBenchmarks } from './bench.js';
export {
  type BullmqScheduleOptions,
  BullmqSchedules,
  type ScheduleFiringStats,
  startBullmqSchedules,
} from './schedule-bullmq.js';
export {
  DEFAULT_LEASE_MS,
  type FiringOptions,
  listScheduleRuns,
  type PredictRunner,
  type PredictSpec,
  type ScheduleRun,
  sweepStaleRuns,
} from './schedule-runs.js';
export {
  addSchedule,
  latestDueFiring,
  listSchedules,
  parsePredictArgs,
  removeSchedule,
  runDueSchedules,
  runScheduleNow,
  type Schedule,
  type ScheduleInput,
} from './schedules.js';
export { type RejectedRow, type Row, validateRows } from './validate.js';
