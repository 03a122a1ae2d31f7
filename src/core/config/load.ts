import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { FleetcastError } from '../errors.js';
import { isSecretKey, maskValue } from './mask.js';
import {
  type ConfigInput,
  ConfigInputSchema,
  type ConfigSource,
  defaultInput,
  ENV_IGNORED,
  ENV_KEYS,
  type FleetcastConfig,
} from './schema.js';
import { resolveServeConfig } from './serve.js';

export const CONFIG_FILE_NAME = 'fleetcast.yaml';

export interface LoadConfigOptions {
  /** Folder that relative paths and the default `fleetcast.yaml` are resolved against. */
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** `--config FILE`: must exist when given. */
  configFile?: string;
  /** Values from command-line flags (highest precedence). */
  flags?: ConfigInput;
  /** Receives non-fatal findings, such as an unknown FLEETCAST_* variable. */
  onWarning?: (message: string) => void;
}

/** defaults < fleetcast.yaml < FLEETCAST_* environment < flags, validated layer by layer. */
export function loadConfig(options: LoadConfigOptions = {}): FleetcastConfig {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const sources: Record<string, ConfigSource> = {};

  const layers: Array<{ source: ConfigSource; origin: (key: string) => string; data: unknown }> = [];
  const file = readConfigFile(cwd, options.configFile);
  if (file) layers.push({ source: 'file', origin: () => file.path, data: file.data });
  const fromEnv = readEnv(env, options.onWarning);
  layers.push({
    source: 'env',
    origin: (key) => fromEnv.variables[key] ?? fromEnv.variables[key.split('.')[0]!] ?? 'environment',
    data: fromEnv.input,
  });
  if (options.flags) {
    layers.push({ source: 'flag', origin: (key) => `--${key.replaceAll('_', '-')}`, data: options.flags });
  }

  const merged: ConfigInput = { ...defaultInput() };
  for (const key of Object.keys(merged)) sources[key] = 'default';
  for (const layer of layers) {
    for (const [key, value] of Object.entries(validate(layer.data, layer.origin))) {
      if (value === undefined) continue;
      if (key === 'queue' || key === 'serve') {
        // Nested blocks merge key by key, so a file's serve.batching survives an env serve.port.
        (merged as Record<string, unknown>)[key] = mergeBlocks((merged as Record<string, unknown>)[key], value);
      } else {
        (merged as Record<string, unknown>)[key] = value;
      }
      sources[key] = layer.source;
    }
  }
  return resolveConfig(merged, cwd, sources, env);
}

function resolveConfig(
  input: ConfigInput,
  cwd: string,
  sources: Record<string, ConfigSource>,
  env: NodeJS.ProcessEnv,
): FleetcastConfig {
  const defaults = defaultInput();
  const home = resolve(cwd, input.home ?? defaults.home);
  const queue = { ...defaults.queue, ...input.queue };
  const config: FleetcastConfig = {
    profile: input.profile ?? defaults.profile,
    home,
    databaseUrl: absoluteFileUrl(input.database_url ?? `sqlite:${resolve(home, 'metadata.sqlite')}`, 'sqlite', cwd),
    warehouseUrl: absoluteFileUrl(input.warehouse_url ?? `duckdb:${resolve(home, 'warehouse.duckdb')}`, 'duckdb', cwd),
    artifactsUrl: resolveArtifactsUrl(input.artifacts_url, home, cwd),
    redisUrl: input.redis_url,
    apiKeys: input.api_keys ?? [],
    allowEmbeddedInProduction: input.allow_embedded_in_production ?? false,
    logLevel: input.log_level ?? defaults.log_level,
    logFormat: input.log_format ?? defaults.log_format,
    queue: {
      concurrency: queue.concurrency ?? defaults.queue.concurrency!,
      maxPending: queue.max_pending ?? defaults.queue.max_pending!,
      attempts: queue.attempts ?? defaults.queue.attempts!,
      backoffMs: queue.backoff_ms ?? defaults.queue.backoff_ms!,
    },
    serve: resolveServeConfig(input.serve, cwd, input.profile ?? defaults.profile, env),
    sources,
  };
  checkProfile(config);
  return config;
}

/**
 * The production profile refuses a single-host SQLite file. (Serving without API keys is refused by
 * `serve` itself, which also reads the keys table: `fleetcast keys create` must run to make the first.)
 */
function checkProfile(config: FleetcastConfig): void {
  if (config.profile !== 'production') return;
  if (config.databaseUrl.startsWith('sqlite:') && !config.allowEmbeddedInProduction) {
    throw new FleetcastError(
      'FLEETCAST_PRODUCTION_UNSAFE',
      'the production profile refuses the embedded SQLite metadata store',
      {
        hint: 'set FLEETCAST_DATABASE_URL=postgres://…, or FLEETCAST_ALLOW_EMBEDDED_IN_PRODUCTION=true to accept a single-host store',
      },
    );
  }
}

/** Deep merge of plain objects (later wins); arrays and scalars replace. */
function mergeBlocks(base: unknown, over: unknown): unknown {
  const isPlain = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!isPlain(base) || !isPlain(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value !== undefined) out[key] = mergeBlocks(out[key], value);
  }
  return out;
}

/** `sqlite:relative.db` and `duckdb:data/w.duckdb` are resolved against cwd; `:memory:` stays. */
function absoluteFileUrl(url: string, scheme: string, cwd: string): string {
  if (!url.startsWith(`${scheme}:`)) return url;
  let path = url.slice(scheme.length + 1);
  if (path.startsWith('//')) path = path.slice(2); // sqlite:///abs/path → /abs/path
  if (path === ':memory:') return url;
  if (path.length === 0) {
    throw new FleetcastError('FLEETCAST_URL_INVALID', `${scheme} URL "${url}" names no file`, {
      hint: `write ${scheme}:/absolute/path or ${scheme}:relative/path`,
    });
  }
  return `${scheme}:${isAbsolute(path) ? path : resolve(cwd, path)}`;
}

function resolveArtifactsUrl(url: string | undefined, home: string, cwd: string): string {
  if (url === undefined) return pathToFileURL(resolve(home, 'artifacts')).href;
  if (!url.startsWith('file:')) return url;
  const rest = url.slice('file:'.length);
  // file:///abs is a proper URL; file:relative/dir is accepted as a path relative to cwd.
  if (rest.startsWith('//')) return url;
  return pathToFileURL(resolve(cwd, rest)).href;
}

function readConfigFile(cwd: string, explicit: string | undefined): { path: string; data: unknown } | undefined {
  const path = explicit ? resolve(cwd, explicit) : resolve(cwd, CONFIG_FILE_NAME);
  if (!existsSync(path)) {
    if (!explicit) return undefined;
    throw new FleetcastError('FLEETCAST_CONFIG_FILE', `config file ${path} does not exist`, {
      hint: 'check the --config path, or leave it out to use fleetcast.yaml in the current folder',
    });
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new FleetcastError('FLEETCAST_CONFIG_FILE', `cannot read config file ${path}: ${(error as Error).message}`, {
      hint: 'check the file permissions',
    });
  }
  let data: unknown;
  try {
    data = parseYaml(text) ?? {};
  } catch (error) {
    throw new FleetcastError(
      'FLEETCAST_CONFIG_FILE',
      `config file ${path} is not valid YAML: ${(error as Error).message}`,
      {
        hint: 'fix the YAML syntax (keys like database_url: postgres://…)',
      },
    );
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new FleetcastError('FLEETCAST_CONFIG_FILE', `config file ${path} must hold a mapping of keys to values`, {
      hint: 'write it as key: value lines, e.g. profile: local',
    });
  }
  return { path, data };
}

function readEnv(
  env: NodeJS.ProcessEnv,
  onWarning: ((message: string) => void) | undefined,
): { input: ConfigInput; variables: Record<string, string> } {
  const input: Record<string, unknown> = {};
  const variables: Record<string, string> = {};
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('FLEETCAST_') || raw === undefined || raw === '') continue;
    const spec = ENV_KEYS[name];
    if (!spec) {
      if (!ENV_IGNORED.test(name)) onWarning?.(`ignoring unknown environment variable ${name} (a typo?)`);
      continue;
    }
    const value = coerceEnv(name, spec.key, spec.type, raw);
    const parts = spec.key.split('.');
    // serve.batching.max_batch_size → input.serve.batching.max_batch_size, any depth.
    let target = input;
    for (const part of parts.slice(0, -1)) {
      target[part] = { ...(target[part] as object | undefined) };
      target = target[part] as Record<string, unknown>;
    }
    target[parts.at(-1)!] = value;
    variables[parts[0]!] = name;
    for (let depth = 2; depth <= parts.length; depth++) variables[parts.slice(0, depth).join('.')] = name;
  }
  return { input: input as ConfigInput, variables };
}

function coerceEnv(
  name: string,
  key: string,
  type: 'string' | 'int' | 'number' | 'bool' | 'list',
  raw: string,
): unknown {
  switch (type) {
    case 'number': {
      const number = Number(raw.trim());
      if (raw.trim() === '' || !Number.isFinite(number)) throw invalid(key, raw, name, 'a number');
      return number;
    }
    case 'int': {
      if (!/^-?\d+$/.test(raw.trim())) throw invalid(key, raw, name, 'an integer');
      return Number(raw.trim());
    }
    case 'bool': {
      const lower = raw.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(lower)) return true;
      if (['0', 'false', 'no', 'off'].includes(lower)) return false;
      throw invalid(key, raw, name, 'true or false');
    }
    case 'list':
      return raw
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean);
    default:
      return raw.trim();
  }
}

function validate(data: unknown, origin: (key: string) => string): ConfigInput {
  const result = ConfigInputSchema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const key = issue.path.map(String).join('.') || unknownKey(issue);
  const value = valueAt(data, issue.path);
  throw invalid(key, value, origin(key), expectedOf(issue));
}

function unknownKey(issue: z.core.$ZodIssue): string {
  return issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '(root)';
}

function expectedOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return 'no such key (known keys are in the README)';
  return issue.message.replace(/^Invalid input: /, '');
}

function valueAt(data: unknown, path: PropertyKey[]): unknown {
  let current = data;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

function invalid(key: string, value: unknown, origin: string, expected: string): FleetcastError {
  // A value under a secret key (api_keys.0, say) is masked as the key itself would be.
  const secretPart = key.split('.').find((part) => isSecretKey(part));
  const shown =
    value === undefined ? '(unset)' : JSON.stringify(maskValue(secretPart ?? key.split('.').at(-1) ?? key, value));
  return new FleetcastError(
    'FLEETCAST_CONFIG_INVALID',
    `invalid configuration: ${key} = ${shown} (from ${origin}): expected ${expected}`,
    { hint: `fix ${origin}`, details: { key, origin, expected } },
  );
}
