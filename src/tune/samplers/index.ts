/** Samplers: one ask-shaped interface, five implementations. */

export { Cma, type CmaOptions } from './cmaes/cma.js';
export { CmaEsSampler, type CmaEsSamplerOptions } from './cmaes.js';
export { GridSampler, type GridSamplerOptions } from './grid.js';
export { RandomSampler } from './random.js';
export { MAX_SOBOL_DIMENSIONS } from './sobol/direction-numbers.js';
export { SobolSequence } from './sobol/sequence.js';
export { SobolSampler, type SobolSamplerOptions } from './sobol.js';
export { defaultGamma, TpeSampler, type TpeSamplerOptions } from './tpe/sampler.js';
export type { SampleContext, Sampler, SamplerOptions, TrialRecord, TrialState } from './types.js';
