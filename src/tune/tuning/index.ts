/** Model tuning: forecaster and performance-model hyperparameters searched by backtest loss. */
export {
  type BacktestLoss,
  type BacktestLossOptions,
  backtestLoss,
  FORECASTER_PARAMS,
  type ForecasterChoice,
  forecasterFromParams,
  LOSS_METRICS,
  type LossMetric,
} from './forecaster.js';
export {
  fitPerformance,
  fromColumns,
  type LoadStepColumns,
  PERFORMANCE_PARAMS,
  PERFORMANCE_TARGETS,
  type PerformanceTarget,
  performanceLoss,
  toColumns,
} from './performance.js';
export { runModelTuning, saveTunedModel, type TuningResult, type TuningRunOptions } from './run.js';
export type { ModelTaskInput } from './task.js';
