/** Tune: search spaces, samplers, studies and benchmark functions. The folder's public door. */
export { BENCHMARKS, type BenchmarkFunction, branin, hartmann6, mixed, rosenbrock4 } from './examples/functions.js';
export { mixSeed, Rng, type RngState } from './random.js';
export * from './samplers/index.js';
export * from './space/index.js';
export * from './study/index.js';
