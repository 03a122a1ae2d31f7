/** Tune: search spaces, samplers, studies, the runner and benchmark functions. The folder's public door. */

export { type TuneBenchOptions, tuneBenchmarks } from './bench.js';
export * from './calibrate/index.js';
export { BENCHMARKS, type BenchmarkFunction, branin, hartmann6, mixed, rosenbrock4 } from './examples/functions.js';
export * from './plots/index.js';
export { mixSeed, Rng, type RngState } from './random.js';
export * from './runner/index.js';
export * from './runtime/index.js';
export * from './samplers/index.js';
export * from './space/index.js';
export * from './spec/index.js';
export * from './study/index.js';
export * from './tuning/index.js';
