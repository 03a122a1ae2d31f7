/** The GRU: a fused batched kernel (forward + BPTT), its trainer, the forecaster and the `gru-train` benchmark. */
export { benchWindows, GRU_BENCH_SHAPE, gruBenchmarks } from './bench.js';
export { GruForecaster, type GruOptions } from './forecaster.js';
export { GruNetwork, type GruShape, GruStepper, parameterCount } from './network.js';
export { Adam, ReduceOnPlateau } from './optimizer.js';
export { referenceLossAndGradient } from './reference.js';
export { evaluateLoss, type TrainOptions, type TrainResult, trainGru, type WindowSet } from './train.js';
