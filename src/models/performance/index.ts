/** Performance models (issue 4, item 3): per service, load → response time, throughput and CPU. */
export { type PerformanceScores, type ServiceScores, scorePerformance, type TargetScores } from './evaluate.js';
export {
  loadPerformanceGruModel,
  loadPerformanceModel,
  PERFORMANCE_SIGNATURE,
  PERFORMANCE_WEIGHTS_FILE,
  type PerformancePredictor,
  registerPerformanceFlavor,
  type SavePerformanceOptions,
  savePerformanceModel,
} from './flavor.js';
export { type CpuLaw, fitCpuLaw } from './laws.js';
export {
  fitPerformanceModel,
  PERFORMANCE_PARAMS_KIND,
  type PerformanceFitOptions,
  PerformanceModel,
  type PerformanceParams,
  PerformanceParamsSchema,
} from './model.js';
export { type ProtocolInput, type ProtocolResult, runPerformanceProtocol, SPLITS, type SplitName } from './protocol.js';
export { meanMetrics, scoresMarkdown } from './report.js';
export { detectSaturation, type LevelPoint, type Saturation } from './saturation.js';
export {
  FIT_PERFORMANCE_GRU_TASK,
  fitPerformanceGru,
  fitPerformanceGruOnQueue,
  type GruScores,
  type GruServiceScores,
  ORIGINAL_SETUP,
  PERFORMANCE_GRU_KIND,
  PERFORMANCE_GRU_WEIGHTS_FILE,
  PerformanceGruModel,
  type PerformanceGruOptions,
  type PerformanceGruPrediction,
  type PerformanceGruPredictor,
  type PerformanceGruResult,
  type PerformanceGruRow,
  performanceGruSignature,
  savePerformanceGruModel,
} from './sequence/index.js';
export type { PerformanceInput, PerformanceOutput, ServiceModelParams } from './service-model.js';
