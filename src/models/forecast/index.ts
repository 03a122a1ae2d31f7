/** Forecasters: one interface, seasonal naive, ETS and a Gaussian process, artifacts of the `forecaster` flavor. */
export * from './artifact.js';
export { benchSeries, forecastBenchmarks } from './bench.js';
export * from './bundle.js';
export { Ets, type EtsOptions, formatSpec, parseSpec } from './ets.js';
export type { EtsSmoothing, EtsSpec } from './ets-model.js';
export { GaussianProcess, type GpOptions } from './gp.js';
export type { GpHyper } from './gp-kernel.js';
export { SeasonalNaive } from './naive.js';
export { createForecaster, forecasterFromJSON, forecasterNames, registerForecaster } from './registry.js';
export * from './types.js';
