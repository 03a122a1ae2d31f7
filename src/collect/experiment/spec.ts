/**
 * The experiment file (`fleetcast collect --config experiment.yaml`): levels, timing, services,
 * where measurements come from, which load controller applies the levels, and where rows go.
 * Validated once, up front; an error names the key and the value.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { FleetcastError } from '../../core/errors.js';
import { durationField } from '../durations.js';
import { QuerySetSchema } from '../queries/load.js';

const name = z.string().trim().min(1);
const positiveInt = z.int().positive();
const replicasField = z.union([positiveInt, z.record(name, positiveInt)]);

const LevelSchema = z.object({ users: z.int().nonnegative(), replicas: replicasField.optional() }).strict();
const LevelRangeSchema = z
  .object({
    from: z.int().nonnegative(),
    to: z.int().nonnegative(),
    step: positiveInt.default(1),
    replicas: replicasField.optional(),
  })
  .strict()
  .refine((r) => r.to >= r.from, { message: 'to must be ≥ from' });

const AuthSchema = z.union([
  z.object({ bearer_token_env: name }).strict(),
  z.object({ bearer_token_file: name }).strict(),
  z.object({ username: name, password_env: name }).strict(),
]);

export const PrometheusSpecSchema = z
  .object({
    url: z.url(),
    timeout: durationField.default(10),
    retries: z.int().min(0).max(10).default(3),
    backoff: durationField.default(0.25),
    auth: AuthSchema.optional(),
  })
  .strict();

const LocalControllerSchema = z
  .object({
    kind: z.literal('local'),
    urls: z.array(z.url()).min(1),
    think_time: durationField,
    think_distribution: z.enum(['constant', 'exponential']).default('constant'),
    request_timeout: durationField.default(10),
  })
  .strict();

const KubernetesControllerSchema = z
  .object({
    kind: z.literal('kubernetes'),
    kubeconfig: z.string().optional(),
    context: z.string().optional(),
    /** Namespace of the load generator (default: the experiment's namespace). */
    namespace: name.optional(),
    deployment: name.default('loadgenerator'),
    container: name.optional(),
    users_env: name.default('USERS'),
    /** More env vars to set per level; `{{users}}` in a value becomes the level's users. */
    env: z.record(name, z.string()).default({}),
    rollout_timeout: durationField.default(300),
    poll: durationField.default(2),
  })
  .strict();

export const ExperimentSchema = z
  .object({
    name: name.default('experiment'),
    namespace: name.default('default'),
    prometheus: PrometheusSpecSchema.optional(),
    /** Targets for the embedded scraper, used when there is no prometheus section. */
    scrape: z
      .object({ targets: z.array(z.url()).min(1), interval: durationField.default(1) })
      .strict()
      .optional(),
    queries: z.union([z.literal('istio'), z.string().min(1), QuerySetSchema]).default('istio'),
    services: z
      .object({ include: z.array(name).min(1).optional(), exclude: z.array(name).default([]) })
      .strict()
      .default({ exclude: [] }),
    levels: z.union([z.array(LevelSchema).min(1), LevelRangeSchema]),
    warm_up: durationField.default(60),
    duration: durationField.default(300),
    poll_interval: durationField.default(15),
    window: durationField.default(60),
    cool_down: durationField.default(0),
    level_timeout: durationField.default(600),
    on_error: z.enum(['stop', 'skip_level']).default('stop'),
    controller: z.discriminatedUnion('kind', [LocalControllerSchema, KubernetesControllerSchema]),
    output: z
      .object({
        csv: z.string().min(1).optional(),
        warehouse_table: z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
          .optional(),
      })
      .strict()
      .refine((o) => o.csv !== undefined || o.warehouse_table !== undefined, {
        message: 'give csv, warehouse_table or both',
      }),
    /** For the closed-loop check N = X·(R + Z): the service users call, and their think time. */
    physics: z.object({ entry_service: name, think_time: durationField.optional() }).strict().optional(),
  })
  .strict();

export type ExperimentInput = z.input<typeof ExperimentSchema>;
export type Experiment = z.output<typeof ExperimentSchema>;
export type LevelSpec = z.output<typeof LevelSchema>;

function valueAt(data: unknown, path: PropertyKey[]): unknown {
  let current = data;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

/** Validates an experiment (already parsed from YAML); `source` names it in errors. */
export function parseExperiment(raw: unknown, source: string): Experiment {
  const parsed = ExperimentSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key =
      issue.code === 'unrecognized_keys'
        ? [...issue.path.map(String), issue.keys.join(', ')].filter(Boolean).join('.')
        : issue.path.map(String).join('.') || '(root)';
    const value = issue.code === 'unrecognized_keys' ? undefined : valueAt(raw, issue.path);
    const shown = value === undefined ? '' : ` (got ${JSON.stringify(value)})`;
    const why = issue.code === 'unrecognized_keys' ? 'unknown key' : issue.message.replace(/^Invalid input: /, '');
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${source}: ${key}: ${why}${shown}`, {
      hint: 'see docs/collect.md for every key of an experiment file',
      details: { key },
    });
  }
  const experiment = parsed.data;
  const check = (ok: boolean, key: string, message: string, hint: string) => {
    if (!ok)
      throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${source}: ${key}: ${message}`, {
        hint,
        details: { key },
      });
  };
  check(
    experiment.poll_interval > 0 && experiment.window > 0,
    'poll_interval',
    'poll_interval and window must be positive',
    'e.g. poll_interval: 15s, window: 1m',
  );
  check(
    experiment.warm_up >= experiment.window,
    'warm_up',
    `warm_up (${experiment.warm_up}s) is shorter than window (${experiment.window}s): the first poll would average over the previous level`,
    'make warm_up at least as long as window',
  );
  check(
    experiment.prometheus !== undefined || experiment.scrape !== undefined,
    'prometheus',
    'give prometheus.url, or scrape.targets for the embedded scraper',
    'the embedded scraper computes the Istio query set from /metrics targets itself',
  );
  return experiment;
}

/** Reads an experiment file; relative paths inside it are resolved against its folder. */
export function readExperiment(path: string): { experiment: Experiment; baseDir: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new FleetcastError('FLEETCAST_NOT_FOUND', `cannot read ${path}: ${(error as Error).message}`, {
      hint: 'pass the experiment file with --config FILE (see examples/collect/)',
    });
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${path} is not valid YAML: ${(error as Error).message}`);
  }
  return { experiment: parseExperiment(raw, path), baseDir: dirname(resolve(path)) };
}
