/**
 * The pod and container every component shares: the image run as the non-root `node` user with a
 * read-only root, no privilege escalation and no capabilities; FLEETCAST_HOME and /tmp on emptyDir
 * volumes; settings from the ConfigMap; secrets by reference; requests and limits always set.
 */
import type { RuntimeSpec } from '../spec/schema.js';
import { HOME_DIR, objectNames, RUN_AS_USER } from './names.js';
import { type EnvVar, secretEnv } from './settings.js';

export interface Resources {
  cpu: string;
  memory: string;
  limits?: { cpu?: string | undefined; memory?: string | undefined } | undefined;
}

export interface ContainerOptions extends Resources {
  name: string;
  args: string[];
  image?: string | undefined;
  env?: EnvVar[];
  ports?: Array<{ name: string; containerPort: number; protocol: 'TCP' }>;
  probes?: Record<string, unknown>;
  volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
}

export function container(spec: RuntimeSpec, options: ContainerOptions): Record<string, unknown> {
  return {
    name: options.name,
    image: options.image ?? spec.image,
    imagePullPolicy: spec.imagePullPolicy,
    args: options.args,
    ...(options.ports ? { ports: options.ports } : {}),
    envFrom: [{ configMapRef: { name: objectNames(spec).settings } }],
    env: [...(options.env ?? []), ...secretEnv(spec)],
    resources: resources(options),
    ...(options.probes ?? {}),
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    },
    volumeMounts: [
      { name: 'home', mountPath: HOME_DIR },
      { name: 'tmp', mountPath: '/tmp' },
      ...(options.volumeMounts ?? []),
    ],
  };
}

/** Requests as given; each limit defaults to its request (predictable memory, no overcommit). */
export function resources(given: Resources): { requests: Record<string, string>; limits: Record<string, string> } {
  return {
    requests: { cpu: given.cpu, memory: given.memory },
    limits: { cpu: given.limits?.cpu ?? given.cpu, memory: given.limits?.memory ?? given.memory },
  };
}

export interface PodOptions {
  containers: Array<Record<string, unknown>>;
  restartPolicy?: 'Always' | 'Never' | 'OnFailure';
  terminationGracePeriodSeconds?: number;
  nodeSelector?: Record<string, string> | undefined;
  volumes?: Array<Record<string, unknown>>;
}

export function podSpec(spec: RuntimeSpec, options: PodOptions): Record<string, unknown> {
  return {
    // Fleetcast never calls the Kubernetes API from a pod: no token is mounted.
    automountServiceAccountToken: false,
    ...(options.restartPolicy ? { restartPolicy: options.restartPolicy } : {}),
    ...(options.terminationGracePeriodSeconds !== undefined
      ? { terminationGracePeriodSeconds: options.terminationGracePeriodSeconds }
      : {}),
    securityContext: {
      runAsNonRoot: true,
      runAsUser: RUN_AS_USER,
      runAsGroup: RUN_AS_USER,
      fsGroup: RUN_AS_USER,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    ...(spec.imagePullSecrets.length > 0 ? { imagePullSecrets: spec.imagePullSecrets.map((name) => ({ name })) } : {}),
    ...(options.nodeSelector && Object.keys(options.nodeSelector).length > 0
      ? { nodeSelector: options.nodeSelector }
      : {}),
    containers: options.containers,
    volumes: [{ name: 'home', emptyDir: {} }, { name: 'tmp', emptyDir: {} }, ...(options.volumes ?? [])],
  };
}

/** A Job's pod template (CronJobs and the study): run once, never restart in place. */
export function jobTemplate(
  spec: RuntimeSpec,
  labels: Record<string, string>,
  containerOptions: ContainerOptions,
  extra: { volumes?: Array<Record<string, unknown>> } = {},
): Record<string, unknown> {
  return {
    metadata: { labels },
    spec: podSpec(spec, {
      containers: [container(spec, containerOptions)],
      restartPolicy: 'Never',
      ...(extra.volumes ? { volumes: extra.volumes } : {}),
    }),
  };
}
