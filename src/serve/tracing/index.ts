/**
 * OpenTelemetry traces of the inference service (off by default): the one public door of this
 * folder. See docs/serve.md, "Tracing", for the settings and the spans.
 */
export { errorType, PredictionTrace, type TracedModel, traceBatch } from './prediction-spans.js';
export { ServeTracing, type StartTracingOptions, startTracing, TRACING_SHUTDOWN_TIMEOUT_MS } from './serve-tracing.js';
