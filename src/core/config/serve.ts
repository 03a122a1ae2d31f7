/**
 * Defaults of the `serve:` block (the HTTP inference service), resolved into `ServeConfig`. Kept
 * apart from load.ts so the stores' configuration reads without the service's many knobs.
 */
import { isAbsolute, resolve } from 'node:path';
import type { ConfigInput, Profile, ServeConfig } from './schema.js';
import { resolveTracingConfig } from './tracing.js';

export const SERVE_DEFAULTS = {
  port: 8080,
  host: '127.0.0.1',
  reloadIntervalSeconds: 5,
  maxBatchSize: 32,
  /** 0: no added wait when idle; under load, inputs queued behind a running batch form the next one. */
  maxWaitMs: 0,
  cacheMaxEntries: 10_000,
  cacheTtlSeconds: 3600,
  jobResultTtlSeconds: 24 * 3600,
  jobChunkSize: 500,
  jobConcurrency: 1,
  jobsBodyLimitBytes: 64 * 1024 * 1024,
  bodyLimitBytes: 1024 * 1024,
  rateLimitWindowSeconds: 60,
  /** Per key and window outside `local`, where a laptop's scripts should not meet a limit. */
  rateLimitMax: 6000,
  predictionRetentionDays: 30,
  shutdownTimeoutSeconds: 8,
  driftBaselineSize: 500,
  driftWindowSize: 500,
} as const;

/** `env` is read for the standard OTEL_* variables only (tracing.ts); FLEETCAST_* ones are already in `input`. */
export function resolveServeConfig(
  input: ConfigInput['serve'],
  cwd: string,
  profile: Profile,
  env: NodeJS.ProcessEnv = {},
): ServeConfig {
  const serve = input ?? {};
  const batchModels: ServeConfig['batching']['models'] = {};
  const defaults = {
    maxBatchSize: serve.batching?.max_batch_size ?? SERVE_DEFAULTS.maxBatchSize,
    maxWaitMs: serve.batching?.max_wait_ms ?? SERVE_DEFAULTS.maxWaitMs,
  };
  for (const [name, settings] of Object.entries(serve.batching?.models ?? {})) {
    batchModels[name] = {
      maxBatchSize: settings.max_batch_size ?? defaults.maxBatchSize,
      maxWaitMs: settings.max_wait_ms ?? defaults.maxWaitMs,
    };
  }
  const keysFile = serve.api_keys_file;
  return {
    port: serve.port ?? SERVE_DEFAULTS.port,
    host: serve.host ?? SERVE_DEFAULTS.host,
    models: serve.models ?? [],
    defaultModel: serve.default_model,
    reloadIntervalSeconds: serve.reload_interval_seconds ?? SERVE_DEFAULTS.reloadIntervalSeconds,
    batching: { ...defaults, models: batchModels },
    cache: {
      maxEntries: serve.cache?.max_entries ?? SERVE_DEFAULTS.cacheMaxEntries,
      ttlSeconds: serve.cache?.ttl_seconds ?? SERVE_DEFAULTS.cacheTtlSeconds,
    },
    jobs: {
      resultTtlSeconds: serve.jobs?.result_ttl_seconds ?? SERVE_DEFAULTS.jobResultTtlSeconds,
      chunkSize: serve.jobs?.chunk_size ?? SERVE_DEFAULTS.jobChunkSize,
      concurrency: serve.jobs?.concurrency ?? SERVE_DEFAULTS.jobConcurrency,
      bodyLimitBytes: serve.jobs?.body_limit_bytes ?? SERVE_DEFAULTS.jobsBodyLimitBytes,
    },
    rateLimit: {
      max: serve.rate_limit?.max ?? (profile === 'local' ? 0 : SERVE_DEFAULTS.rateLimitMax),
      windowSeconds: serve.rate_limit?.window_seconds ?? SERVE_DEFAULTS.rateLimitWindowSeconds,
    },
    cors: { origins: serve.cors?.origins ?? [] },
    logInputs: serve.log_inputs ?? false,
    bodyLimitBytes: serve.body_limit_bytes ?? SERVE_DEFAULTS.bodyLimitBytes,
    apiKeysFile: keysFile === undefined ? undefined : isAbsolute(keysFile) ? keysFile : resolve(cwd, keysFile),
    predictions: {
      record: serve.predictions?.record ?? true,
      retentionDays: serve.predictions?.retention_days ?? SERVE_DEFAULTS.predictionRetentionDays,
    },
    shutdownTimeoutSeconds: serve.shutdown_timeout_seconds ?? SERVE_DEFAULTS.shutdownTimeoutSeconds,
    shadow: { ...serve.shadow },
    drift: {
      baselineSize: serve.drift?.baseline_size ?? SERVE_DEFAULTS.driftBaselineSize,
      windowSize: serve.drift?.window_size ?? SERVE_DEFAULTS.driftWindowSize,
    },
    tracing: resolveTracingConfig(serve.tracing, env),
  };
}
