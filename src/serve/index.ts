/**
 * The serve capability's public door: the HTTP inference service (API v1, Open Inference Protocol
 * v2, async jobs, feedback, health, metrics, docs) over every registered model.
 */
export { buildServeApp, type ServeApp, type ServeAppOptions } from './app.js';
export { hashKey, KeyRing } from './auth/keys.js';
export { type ServeBenchmark, serveBenchmarks } from './bench/index.js';
export type { Readiness } from './context.js';
export { schemaOf } from './http/validation.js';
export { JOB_STATUSES, METRIC_NAMES, type MetricName, ServeMetrics } from './metrics/registry.js';
export { DEFAULT_MODEL_REFERENCES } from './models/defaults.js';
export type { ModelSwap } from './models/pool.js';
export { handleSignals, type RunningServe, type StartServeOptions, startServe } from './start.js';
