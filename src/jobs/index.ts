/** The jobs capability's public door: batch prediction (schedules come next). */
export { type BatchPredictionOptions, type BatchPredictionResult, runBatchPrediction } from './batch-predict.js';
export { type RejectedRow, type Row, validateRows } from './validate.js';
