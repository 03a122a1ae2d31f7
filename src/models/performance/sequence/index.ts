/** The GRU sequence performance model (issue 4, point 3: the original study's model, for parity). */
export {
  assembleGru,
  fitPerformanceGru,
  fitServiceGru,
  type GruScores,
  type GruServiceScores,
  type GruSetup,
  MIN_TRAIN_WINDOWS,
  ORIGINAL_SETUP,
  type PerformanceGruOptions,
  type PerformanceGruResult,
  resolveSetup,
  type ServiceFit,
  serviceSeed,
} from './fit.js';
export {
  gruPredictor,
  PERFORMANCE_GRU_WEIGHTS_FILE,
  type PerformanceGruPrediction,
  type PerformanceGruPredictor,
  type PerformanceGruRow,
  performanceGruSignature,
  type SavePerformanceGruOptions,
  savePerformanceGruModel,
} from './flavor.js';
export {
  PERFORMANCE_GRU_KIND,
  PerformanceGruModel,
  type PerformanceGruParams,
  PerformanceGruParamsSchema,
  type SequenceInput,
  type SequenceOutput,
} from './model.js';
export { FIT_PERFORMANCE_GRU_TASK, fitPerformanceGruOnQueue, type GruServicePayload } from './queue.js';
export {
  ORIGINAL_SPLIT,
  ROLE,
  SEQUENCE_INPUTS,
  SEQUENCE_TARGETS,
  type ServiceSeries,
  type SplitOptions,
  serviceSeries,
} from './series.js';
export { buildWindows, fitMinMax, type MinMax, type SequenceWindows } from './windows.js';
