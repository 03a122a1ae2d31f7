import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { type TracingConfig, TracingInputSchema } from './tracing.js';

export const PROFILES = ['local', 'development', 'staging', 'production'] as const;
export type Profile = (typeof PROFILES)[number];

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

const urlWithScheme = (schemes: string[]) =>
  z.string().refine((value) => schemes.some((scheme) => value.startsWith(`${scheme}:`)), {
    message: `a URL starting with ${schemes.map((s) => `${s}:`).join(' or ')}`,
  });

const batchingSettings = z
  .object({
    max_batch_size: z.number().int().min(1).max(4096),
    max_wait_ms: z.number().min(0).max(10_000),
  })
  .strict()
  .partial();

/** The `serve:` block of fleetcast.yaml (the HTTP inference service). */
const ServeInputSchema = z
  .object({
    port: z.number().int().min(0).max(65_535),
    host: z.string().min(1),
    /** Model references served (`NAME@prod`, `NAME:3`, `NAME`); the first is the default. */
    models: z.array(z.string().min(1)).min(1),
    default_model: z.string().min(1),
    /** How often aliases are checked for a move (hot swap) and the keys file and table re-read; 0: never. */
    reload_interval_seconds: z.number().min(0).max(86_400),
    /** Defaults for every model, and per-model settings under `models: {NAME: {…}}`. */
    batching: batchingSettings.extend({ models: z.record(z.string(), batchingSettings) }).partial(),
    cache: z
      .object({ max_entries: z.number().int().min(0).max(10_000_000), ttl_seconds: z.number().int().min(0) })
      .strict()
      .partial(),
    jobs: z
      .object({
        result_ttl_seconds: z.number().int().min(1),
        chunk_size: z.number().int().min(1).max(10_000),
        concurrency: z.number().int().min(1).max(64),
        body_limit_bytes: z.number().int().min(1024),
      })
      .strict()
      .partial(),
    /** Requests per window per API key (per client address when open); 0 turns the limit off. */
    rate_limit: z
      .object({ max: z.number().int().min(0), window_seconds: z.number().min(1).max(86_400) })
      .strict()
      .partial(),
    /** Origins allowed cross-origin; none (the default) leaves CORS off. */
    cors: z
      .object({ origins: z.array(z.string().min(1)) })
      .strict()
      .partial(),
    log_inputs: z.boolean(),
    body_limit_bytes: z.number().int().min(1024),
    /** A file of API keys (one per line, `sha256:HEX` or the key itself), re-read without restart. */
    api_keys_file: z.string().min(1),
    /** Keep each prediction (input and output) so feedback can refer to it; days kept. */
    predictions: z
      .object({ record: z.boolean(), retention_days: z.number().min(0) })
      .strict()
      .partial(),
    shutdown_timeout_seconds: z.number().min(0).max(300),
    /** Shadow deployment: model name → the reference that receives its traffic mirrored (`cost: cost@staging`). */
    shadow: z.record(z.string().min(1), z.string().min(1)),
    /** Drift (PSI): the first `baseline_size` predictions of a version against the last `window_size`. */
    drift: z
      .object({
        baseline_size: z.number().int().min(10).max(1_000_000),
        window_size: z.number().int().min(10).max(1_000_000),
      })
      .strict()
      .partial(),
    /** OpenTelemetry traces over OTLP/HTTP (tracing.ts); off unless an endpoint is set. */
    tracing: TracingInputSchema,
  })
  .strict()
  .partial();

/**
 * The configuration as the file, the environment and the flags write it (snake_case, as in
 * `fleetcast.yaml`). Unknown keys are rejected: a typo must not silently fall back to a default.
 */
export const ConfigInputSchema = z
  .object({
    profile: z.enum(PROFILES),
    home: z.string().min(1),
    database_url: urlWithScheme(['sqlite', 'postgres', 'postgresql']),
    warehouse_url: urlWithScheme(['duckdb', 'postgres', 'postgresql', 'bigquery']),
    artifacts_url: urlWithScheme(['file', 's3', 'gs']),
    redis_url: urlWithScheme(['redis', 'rediss']),
    api_keys: z.array(z.string().min(16, 'an API key of at least 16 characters')),
    allow_embedded_in_production: z.boolean(),
    log_level: z.enum(LOG_LEVELS),
    log_format: z.enum(['auto', 'json', 'pretty']),
    queue: z
      .object({
        concurrency: z.number().int().min(1).max(1024),
        max_pending: z.number().int().min(1).max(1_000_000),
        attempts: z.number().int().min(1).max(100),
        backoff_ms: z.number().int().min(0).max(3_600_000),
      })
      .strict()
      .partial(),
    serve: ServeInputSchema,
  })
  .strict()
  .partial();

export type ConfigInput = z.infer<typeof ConfigInputSchema>;

/** The resolved configuration every part of Fleetcast reads: all URLs absolute, all defaults in. */
export interface FleetcastConfig {
  profile: Profile;
  /** Absolute path of the home folder (embedded stores live here). */
  home: string;
  databaseUrl: string;
  warehouseUrl: string;
  artifactsUrl: string;
  redisUrl: string | undefined;
  apiKeys: string[];
  allowEmbeddedInProduction: boolean;
  logLevel: (typeof LOG_LEVELS)[number];
  logFormat: 'auto' | 'json' | 'pretty';
  queue: { concurrency: number; maxPending: number; attempts: number; backoffMs: number };
  serve: ServeConfig;
  /** Where each value came from, for `doctor` and error messages. */
  sources: Record<string, ConfigSource>;
}

export type ConfigSource = 'default' | 'file' | 'env' | 'flag';

export interface BatchingConfig {
  maxBatchSize: number;
  maxWaitMs: number;
}

/** The resolved `serve:` block. */
export interface ServeConfig {
  port: number;
  host: string;
  models: string[];
  defaultModel: string | undefined;
  reloadIntervalSeconds: number;
  batching: BatchingConfig & { models: Record<string, BatchingConfig> };
  cache: { maxEntries: number; ttlSeconds: number };
  jobs: { resultTtlSeconds: number; chunkSize: number; concurrency: number; bodyLimitBytes: number };
  rateLimit: { max: number; windowSeconds: number };
  cors: { origins: string[] };
  logInputs: boolean;
  bodyLimitBytes: number;
  apiKeysFile: string | undefined;
  predictions: { record: boolean; retentionDays: number };
  shutdownTimeoutSeconds: number;
  drift: { baselineSize: number; windowSize: number };
  shadow: Record<string, string>;
  tracing: TracingConfig;
}

export function defaultInput(): Required<
  Omit<ConfigInput, 'database_url' | 'warehouse_url' | 'artifacts_url' | 'redis_url'>
> {
  return {
    profile: 'local',
    home: './.fleetcast',
    api_keys: [],
    allow_embedded_in_production: false,
    log_level: 'info',
    log_format: 'auto',
    queue: { concurrency: Math.max(1, availableParallelism()), max_pending: 1000, attempts: 3, backoff_ms: 200 },
    serve: {},
  };
}

/**
 * Environment variables Fleetcast reads, each with its key. An explicit table, not a naming rule:
 * a FLEETCAST_* variable that is not listed here is reported as unknown (a likely typo).
 */
export const ENV_KEYS: Record<string, { key: string; type: 'string' | 'int' | 'number' | 'bool' | 'list' }> = {
  FLEETCAST_PROFILE: { key: 'profile', type: 'string' },
  FLEETCAST_HOME: { key: 'home', type: 'string' },
  FLEETCAST_DATABASE_URL: { key: 'database_url', type: 'string' },
  FLEETCAST_WAREHOUSE_URL: { key: 'warehouse_url', type: 'string' },
  FLEETCAST_ARTIFACTS_URL: { key: 'artifacts_url', type: 'string' },
  FLEETCAST_REDIS_URL: { key: 'redis_url', type: 'string' },
  FLEETCAST_API_KEYS: { key: 'api_keys', type: 'list' },
  FLEETCAST_ALLOW_EMBEDDED_IN_PRODUCTION: { key: 'allow_embedded_in_production', type: 'bool' },
  FLEETCAST_LOG_LEVEL: { key: 'log_level', type: 'string' },
  FLEETCAST_LOG_FORMAT: { key: 'log_format', type: 'string' },
  FLEETCAST_QUEUE_CONCURRENCY: { key: 'queue.concurrency', type: 'int' },
  FLEETCAST_QUEUE_MAX_PENDING: { key: 'queue.max_pending', type: 'int' },
  FLEETCAST_QUEUE_ATTEMPTS: { key: 'queue.attempts', type: 'int' },
  FLEETCAST_QUEUE_BACKOFF_MS: { key: 'queue.backoff_ms', type: 'int' },
  FLEETCAST_SERVE_PORT: { key: 'serve.port', type: 'int' },
  FLEETCAST_SERVE_HOST: { key: 'serve.host', type: 'string' },
  FLEETCAST_SERVE_MODELS: { key: 'serve.models', type: 'list' },
  FLEETCAST_SERVE_DEFAULT_MODEL: { key: 'serve.default_model', type: 'string' },
  FLEETCAST_SERVE_RELOAD_INTERVAL_SECONDS: { key: 'serve.reload_interval_seconds', type: 'number' },
  FLEETCAST_SERVE_BATCH_MAX_SIZE: { key: 'serve.batching.max_batch_size', type: 'int' },
  FLEETCAST_SERVE_BATCH_MAX_WAIT_MS: { key: 'serve.batching.max_wait_ms', type: 'number' },
  FLEETCAST_SERVE_CACHE_MAX_ENTRIES: { key: 'serve.cache.max_entries', type: 'int' },
  FLEETCAST_SERVE_CACHE_TTL_SECONDS: { key: 'serve.cache.ttl_seconds', type: 'int' },
  FLEETCAST_SERVE_JOB_RESULT_TTL_SECONDS: { key: 'serve.jobs.result_ttl_seconds', type: 'int' },
  FLEETCAST_SERVE_JOB_CONCURRENCY: { key: 'serve.jobs.concurrency', type: 'int' },
  FLEETCAST_SERVE_JOBS_BODY_LIMIT_BYTES: { key: 'serve.jobs.body_limit_bytes', type: 'int' },
  FLEETCAST_SERVE_RATE_LIMIT_MAX: { key: 'serve.rate_limit.max', type: 'int' },
  FLEETCAST_SERVE_RATE_LIMIT_WINDOW_SECONDS: { key: 'serve.rate_limit.window_seconds', type: 'number' },
  FLEETCAST_SERVE_CORS_ORIGINS: { key: 'serve.cors.origins', type: 'list' },
  FLEETCAST_SERVE_LOG_INPUTS: { key: 'serve.log_inputs', type: 'bool' },
  FLEETCAST_SERVE_BODY_LIMIT_BYTES: { key: 'serve.body_limit_bytes', type: 'int' },
  FLEETCAST_SERVE_API_KEYS_FILE: { key: 'serve.api_keys_file', type: 'string' },
  FLEETCAST_SERVE_RECORD_PREDICTIONS: { key: 'serve.predictions.record', type: 'bool' },
  FLEETCAST_SERVE_SHUTDOWN_TIMEOUT_SECONDS: { key: 'serve.shutdown_timeout_seconds', type: 'number' },
  FLEETCAST_SERVE_OTLP_ENDPOINT: { key: 'serve.tracing.otlp_endpoint', type: 'string' },
  FLEETCAST_SERVE_TRACING_SERVICE_NAME: { key: 'serve.tracing.service_name', type: 'string' },
  FLEETCAST_SERVE_TRACING_SAMPLE_RATIO: { key: 'serve.tracing.sample_ratio', type: 'number' },
};

/** Variables that belong to the test and bench harnesses, not to the product's configuration. */
export const ENV_IGNORED = /^FLEETCAST_(TEST|BENCH)_/;
