/**
 * The runtime spec (`apiVersion: fleetcast/v1`, `kind: Runtime`): one YAML file declaring how
 * Fleetcast runs on Kubernetes — worker groups, the API server, the stores it connects to, the
 * scheduled predictions, an optional study, and lifecycle hooks. Every default is written here and
 * documented in docs/runtime.md; every error names the path in the YAML and the expected form.
 */
import { z } from 'zod';
import { LOG_LEVELS, PROFILES } from '../../../core/config/schema.js';
import { VERSION } from '../../../core/version.js';
import { parsePredictArgs } from '../../../jobs/index.js';
import { CALIBRATION_EXAMPLE_NAMES } from '../../calibrate/index.js';
import { EXAMPLE_NAMES } from '../../runner/index.js';
import { SAMPLER_NAMES } from '../../study/index.js';
import {
  cpuQuantity,
  cron,
  DEFAULT_QUEUE,
  dnsLabel,
  endpoint,
  image,
  int,
  labels,
  limits,
  memoryQuantity,
  modelReference,
  nodeSelector,
  queueName,
  secretKeyRef,
  secretName,
  timezone,
} from './fields.js';
import { crossCheck } from './rules.js';

export { DEFAULT_QUEUE };

export const RUNTIME_API_VERSION = 'fleetcast/v1';
const STUDY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;
const STORED_SCHEDULE = /^[a-z0-9][a-z0-9._-]{0,99}$/;

const WorkerGroupSchema = z.strictObject({
  name: dnsLabel(20),
  replicas: int(0, 1000).default(1),
  cpu: cpuQuantity().default('1'),
  memory: memoryQuantity().default('1Gi'),
  limits: limits(),
  /** Tasks at once per worker process; default: the CPU request rounded up to whole cores. */
  concurrency: int(1, 1024).optional(),
  /** BullMQ queues; one worker process (container) per queue. Default [fleetcast] (needs redis). */
  queues: z.array(queueName()).min(1, 'a list of at least one queue name').optional(),
  image: image().optional(),
  nodeSelector: nodeSelector(),
  terminationGracePeriodSeconds: int(0, 86_400).default(60),
});

const ServeSchema = z.strictObject({
  replicas: int(0, 1000).default(2),
  port: int(1024, 65_535).default(8080),
  /** Models loaded at start; empty: serve's default (the built-in sentiment model). */
  models: z.array(modelReference()).default([]),
  cpu: cpuQuantity().default('500m'),
  memory: memoryQuantity().default('1Gi'),
  limits: limits(),
  image: image().optional(),
  nodeSelector: nodeSelector(),
  service: z
    .strictObject({
      type: z
        .enum(['ClusterIP', 'NodePort', 'LoadBalancer'], { error: 'ClusterIP, NodePort or LoadBalancer' })
        .default('ClusterIP'),
      port: int(1, 65_535).default(80),
    })
    .prefault({}),
});

const ScheduleSchema = z
  .strictObject({
    name: dnsLabel(40),
    cron: cron(),
    timezone: timezone().default('UTC'),
    /** Inline: `predict` options, as `fleetcast schedule add --predict` takes them. */
    predict: z
      .string({ error: "predict options such as '--model cpu@prod --from metrics --to predictions'" })
      .optional(),
    /** Or the name of a schedule stored with `fleetcast schedule add`: the CronJob runs it. */
    schedule: z
      .string({ error: 'the name of a stored schedule (fleetcast schedule list)' })
      .regex(STORED_SCHEDULE, 'the name of a stored schedule (fleetcast schedule list)')
      .optional(),
    retries: int(0, 10).default(3),
    timeoutSeconds: int(1, 7 * 86_400).optional(),
    suspend: z.boolean({ error: 'true or false' }).default(false),
    cpu: cpuQuantity().default('500m'),
    memory: memoryQuantity().default('1Gi'),
    limits: limits(),
    image: image().optional(),
  })
  .superRefine((value, ctx) => {
    if ((value.predict === undefined) === (value.schedule === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: "exactly one of predict: '--model M --from T --to T' or schedule: STORED_NAME",
      });
      return;
    }
    if (value.predict === undefined) return;
    try {
      parsePredictArgs(value.predict);
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        path: ['predict'],
        message: `predict options such as '--model cpu@prod --from metrics --to predictions' (${(error as Error).message})`,
      });
    }
  });

const StudySchema = z
  .strictObject({
    name: z
      .string({ error: 'a study name: letters, digits, ".", "_" and "-"' })
      .regex(STUDY_NAME, 'a study name: letters, digits, ".", "_" and "-"'),
    command: z.enum(['tune', 'calibrate'], { error: 'tune or calibrate' }).default('tune'),
    /** A tune/calibrate spec file, relative to the runtime file; shipped in a ConfigMap. */
    spec: z.string({ error: 'a path to the study spec file, relative to this file' }).min(1).optional(),
    /** Or a built-in example of `fleetcast tune --example` / `fleetcast calibrate --example`. */
    example: z.string({ error: 'the name of a built-in example' }).optional(),
    sampler: z.enum(SAMPLER_NAMES, { error: `one of ${SAMPLER_NAMES.join(', ')}` }).optional(),
    trials: int(1, 10_000_000).optional(),
    seed: z
      .union([z.number().int().min(0), z.string().regex(/^\d{1,20}$/)], { error: 'a 64-bit unsigned integer' })
      .transform(String)
      .optional(),
    queue: queueName().default(DEFAULT_QUEUE),
    backoffLimit: int(0, 100).default(3),
    cpu: cpuQuantity().default('500m'),
    memory: memoryQuantity().default('512Mi'),
    limits: limits(),
    image: image().optional(),
  })
  .superRefine((value, ctx) => {
    if ((value.spec === undefined) === (value.example === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'exactly one of spec: FILE or example: NAME' });
    }
    const examples = value.command === 'tune' ? EXAMPLE_NAMES : CALIBRATION_EXAMPLE_NAMES;
    if (value.example !== undefined && !examples.includes(value.example)) {
      ctx.addIssue({
        code: 'custom',
        path: ['example'],
        message: `one of ${examples.join(', ')} (the examples of fleetcast ${value.command})`,
      });
    }
    if (value.example !== undefined && value.command === 'tune' && value.trials === undefined) {
      ctx.addIssue({ code: 'custom', path: ['trials'], message: 'a number of trials (an example study needs it)' });
    }
  });

const ManifestSchema = z.looseObject({
  apiVersion: z.string({ error: 'the apiVersion of a Kubernetes object, such as v1' }),
  kind: z.string({ error: 'the kind of a Kubernetes object, such as ConfigMap' }),
  metadata: z.looseObject({ name: z.string({ error: 'the object name' }), namespace: z.string().optional() }),
});

const ObjectRefSchema = z.strictObject({
  apiVersion: z.string({ error: 'the apiVersion of a Kubernetes object, such as v1' }),
  kind: z.string({ error: 'the kind of a Kubernetes object, such as ConfigMap' }),
  name: z.string({ error: 'the object name' }),
  namespace: z.string().optional(),
});

const HookSchema = z
  .strictObject({
    name: z
      .string({ error: 'a hook name' })
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'a hook name: letters, digits, ".", "_" and "-"'),
    /** Run on the machine that applies: a shell line, or a program and its arguments. */
    command: z
      .union([z.string().min(1), z.array(z.string()).min(1)], {
        error: 'a shell command line, or a list: [program, arg, …]',
      })
      .optional(),
    /** Kubernetes objects to server-side apply (a Namespace, a PersistentVolumeClaim, …). */
    apply: z.array(ManifestSchema).min(1, 'a list of Kubernetes objects').optional(),
    /** Kubernetes objects to delete (absent ones are fine). */
    delete: z.array(ObjectRefSchema).min(1, 'a list of {apiVersion, kind, name}').optional(),
    timeoutSeconds: int(1, 86_400).default(300),
  })
  .superRefine((value, ctx) => {
    const given = [value.command, value.apply, value.delete].filter((part) => part !== undefined).length;
    if (given !== 1) ctx.addIssue({ code: 'custom', message: 'exactly one of command, apply or delete' });
  });

const RuntimeObjectSchema = z.strictObject({
  apiVersion: z.literal(RUNTIME_API_VERSION, { error: `${RUNTIME_API_VERSION}` }),
  kind: z.literal('Runtime', { error: 'Runtime' }),
  metadata: z.strictObject({
    name: dnsLabel(30),
    namespace: dnsLabel(63).default('default'),
    /** Extra labels on every object. */
    labels: labels().default({}),
  }),
  image: image().default(`fleetcast:${VERSION}`),
  imagePullPolicy: z
    .enum(['Always', 'IfNotPresent', 'Never'], { error: 'Always, IfNotPresent or Never' })
    .default('IfNotPresent'),
  imagePullSecrets: z.array(secretName()).default([]),
  profile: z.enum(PROFILES, { error: PROFILES.join(', ') }).default('production'),
  logLevel: z.enum(LOG_LEVELS, { error: LOG_LEVELS.join(', ') }).default('info'),
  queue: z
    .strictObject({
      attempts: int(1, 100).optional(),
      backoffMs: int(0, 3_600_000).optional(),
      maxPending: int(1, 1_000_000).optional(),
    })
    .optional(),
  database: endpoint('metadata database', ['postgres', 'postgresql'], 'url'),
  warehouse: endpoint('warehouse', ['postgres', 'postgresql'], 'url').optional(),
  artifacts: z.strictObject({
    url: z.string({ error: 'an s3:// URL' }).optional(),
    secretRef: secretKeyRef('url').optional(),
    /** A Secret with the S3 access key; without it, the pods' own identity (IRSA, workload identity). */
    credentialsSecretRef: z
      .strictObject({
        name: secretName(),
        accessKeyIdKey: z.string().default('AWS_ACCESS_KEY_ID'),
        secretAccessKeyKey: z.string().default('AWS_SECRET_ACCESS_KEY'),
      })
      .optional(),
  }),
  redis: endpoint('Redis', ['redis', 'rediss'], 'url').optional(),
  /** Where serve finds its keys: a Secret (FLEETCAST_API_KEYS), the keys table, or both. */
  apiKeys: z
    .strictObject({
      secretRef: secretKeyRef('keys').optional(),
      // Keys made with `fleetcast keys create` in the metadata store: serve reads the table itself.
      table: z.literal(true).optional(),
    })
    .refine((keys) => keys.secretRef !== undefined || keys.table === true, {
      message: 'secretRef {name, key} holding the keys, or table: true for keys made with `fleetcast keys create`',
    })
    .optional(),
  serve: ServeSchema.optional(),
  workers: z.array(WorkerGroupSchema).default([]),
  schedules: z.array(ScheduleSchema).default([]),
  study: StudySchema.optional(),
  hooks: z
    .strictObject({ onStart: z.array(HookSchema).default([]), onFinish: z.array(HookSchema).default([]) })
    .prefault({}),
});

export type RuntimeSpec = z.output<typeof RuntimeObjectSchema>;
export const RuntimeSpecSchema = RuntimeObjectSchema.superRefine(crossCheck);
export type WorkerGroup = RuntimeSpec['workers'][number];
export type ServeSpec = NonNullable<RuntimeSpec['serve']>;
export type ScheduleSpec = RuntimeSpec['schedules'][number];
export type StudySpec = NonNullable<RuntimeSpec['study']>;
export type HookSpec = RuntimeSpec['hooks']['onStart'][number];
export type ObjectRef = z.output<typeof ObjectRefSchema>;
export type Endpoint = { url?: string | undefined; secretRef?: { name: string; key: string } | undefined };
