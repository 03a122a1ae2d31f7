/** Studies: the ask/tell interface and its in-memory implementation. */
export { MemoryStudy, type MemoryStudyOptions } from './memory.js';
export { type OptimizeOptions, optimize } from './optimize.js';
export type { AskedTrial, Study } from './types.js';
