/** Studies: the ask/tell interface, its in-memory twin and its metadata-store (SQL) twin. */
export { type ParamImportance, paramImportance } from './importance.js';
export { MemoryStudy, type MemoryStudyOptions } from './memory.js';
export { type OptimizeOptions, optimize } from './optimize.js';
export {
  type BestTrial,
  bestTrial,
  type StudyCounts,
  type StudyStatus,
  studyStatus,
  type TrialAttempt,
  toldCount,
  trialAttempts,
} from './queries.js';
export {
  createSampler,
  isSamplerName,
  SAMPLER_NAMES,
  type SamplerName,
  type SamplerSettings,
  type SamplerSpec,
  samplerSpec,
} from './sampler-spec.js';
export { DEFAULT_LEASE_MS, type LeasedTrial, SqlStudy, type SqlStudyOptions } from './sql.js';
export { requestStop, STOP_RUN_KIND, type StopRequest, type StopWatch, stopRequests, watchStop } from './stop.js';
export type { AskedTrial, Study } from './types.js';
