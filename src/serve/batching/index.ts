/** Dynamic batching of single inputs into model batches: the one public door of this folder. */
export { type BatchingHooks, type BatchingOptions, DynamicBatcher } from './dynamic-batcher.js';
