/**
 * Forecasters: one interface; seasonal naive, ETS, a Gaussian process, a GRU and fleet partial
 * pooling; artifacts of the `forecaster` flavor.
 */
export * from './artifact.js';
export { benchSeries, forecastBenchmarks } from './bench.js';
export * from './bundle.js';
export { Ets, type EtsOptions, formatSpec, parseSpec } from './ets.js';
export type { EtsSmoothing, EtsSpec } from './ets-model.js';
export { FIT_FORECASTERS_TASK, type FitChunk, fitChunk } from './fit-chunk.js';
export { GaussianProcess, type GpOptions } from './gp.js';
export type { GpHyper } from './gp-kernel.js';
export * from './gru/index.js';
export { SeasonalNaive } from './naive.js';
export { fitPooledFleet, type PooledFleetOptions, PooledForecaster } from './pooled/forecaster.js';
export {
  createForecaster,
  fleetFitter,
  forecasterFromJSON,
  forecasterNames,
  registerForecaster,
} from './registry.js';
export * from './types.js';
