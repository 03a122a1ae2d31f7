/** The jobs capability's public door: batch prediction (schedules come next). */
export {
  type BatchPredictionOptions,
  type BatchPredictionResult,
  pullRows,
  runBatchPrediction,
} from './batch-predict.js';
export { jobBenchmarks } from './bench.js';
export {
  addSchedule,
  latestDueFiring,
  listScheduleRuns,
  listSchedules,
  type PredictRunner,
  type PredictSpec,
  parsePredictArgs,
  removeSchedule,
  runDueSchedules,
  runScheduleNow,
  type Schedule,
  type ScheduleInput,
} from './schedules.js';
export { type RejectedRow, type Row, validateRows } from './validate.js';
