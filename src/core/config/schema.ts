import { availableParallelism } from 'node:os';
import { z } from 'zod';

export const PROFILES = ['local', 'development', 'staging', 'production'] as const;
export type Profile = (typeof PROFILES)[number];

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

const urlWithScheme = (schemes: string[]) =>
  z.string().refine((value) => schemes.some((scheme) => value.startsWith(`${scheme}:`)), {
    message: `a URL starting with ${schemes.map((s) => `${s}:`).join(' or ')}`,
  });

/**
 * The configuration as the file, the environment and the flags write it (snake_case, as in
 * `fleetcast.yaml`). Unknown keys are rejected: a typo must not silently fall back to a default.
 */
export const ConfigInputSchema = z
  .object({
    profile: z.enum(PROFILES),
    home: z.string().min(1),
    database_url: urlWithScheme(['sqlite', 'postgres', 'postgresql']),
    warehouse_url: urlWithScheme(['duckdb', 'postgres', 'postgresql']),
    artifacts_url: urlWithScheme(['file', 's3']),
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
  /** Where each value came from, for `doctor` and error messages. */
  sources: Record<string, ConfigSource>;
}

export type ConfigSource = 'default' | 'file' | 'env' | 'flag';

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
  };
}

/**
 * Environment variables Fleetcast reads, each with its key. An explicit table, not a naming rule:
 * a FLEETCAST_* variable that is not listed here is reported as unknown (a likely typo).
 */
export const ENV_KEYS: Record<string, { key: string; type: 'string' | 'int' | 'bool' | 'list' }> = {
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
};

/** Variables that belong to the test and bench harnesses, not to the product's configuration. */
export const ENV_IGNORED = /^FLEETCAST_(TEST|BENCH)_/;
