/**
 * The long-running components: the API (`fleetcast serve`, a Deployment behind a Service, probed on
 * /healthz and /readyz) and one Deployment per worker group (`fleetcast worker`, one container per
 * queue it serves).
 */

import { wholeCores } from '../spec/quantities.js';
import { DEFAULT_QUEUE, type RuntimeSpec, type ServeSpec, type WorkerGroup } from '../spec/schema.js';
import {
  type KubeObject,
  metadata,
  objectNames,
  podLabels,
  SETTINGS_HASH_ANNOTATION,
  selectorLabels,
} from './names.js';
import { container, podSpec } from './pod.js';

export function apiObjects(spec: RuntimeSpec, serve: ServeSpec, settingsHash: string): KubeObject[] {
  const name = objectNames(spec).api;
  const service: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(spec, name, 'api'),
    spec: {
      type: serve.service.type,
      selector: selectorLabels(spec, 'api'),
      ports: [{ name: 'http', port: serve.service.port, targetPort: 'http', protocol: 'TCP' }],
    },
  };
  const args = ['serve', '--port', String(serve.port)];
  if (serve.models.length > 0) args.push('--models', serve.models.join(','));
  const api = container(spec, {
    name: 'api',
    args,
    image: serve.image,
    cpu: serve.cpu,
    memory: serve.memory,
    limits: serve.limits,
    // serve listens on loopback unless told otherwise; in a pod it must answer the kubelet and the Service.
    env: [{ name: 'FLEETCAST_SERVE_HOST', value: '0.0.0.0' }],
    ports: [{ name: 'http', containerPort: serve.port, protocol: 'TCP' }],
    probes: {
      // Loading models can take a while on a cold pod: the startup probe holds the others back.
      startupProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5, failureThreshold: 60 },
      livenessProbe: {
        httpGet: { path: '/healthz', port: 'http' },
        periodSeconds: 10,
        timeoutSeconds: 2,
        failureThreshold: 3,
      },
      readinessProbe: {
        httpGet: { path: '/readyz', port: 'http' },
        periodSeconds: 5,
        timeoutSeconds: 2,
        failureThreshold: 2,
      },
    },
  });
  const deployment: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(spec, name, 'api'),
    spec: {
      replicas: serve.replicas,
      selector: { matchLabels: selectorLabels(spec, 'api') },
      // A new pod must be ready before an old one goes: the API keeps its capacity while rolling.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: podLabels(spec, 'api'), annotations: { [SETTINGS_HASH_ANNOTATION]: settingsHash } },
        spec: podSpec(spec, {
          containers: [api],
          // serve drains in-flight requests within 10 s of SIGTERM.
          terminationGracePeriodSeconds: 30,
          nodeSelector: serve.nodeSelector,
        }),
      },
    },
  };
  return [service, deployment];
}

export function workerDeployment(spec: RuntimeSpec, group: WorkerGroup, settingsHash: string): KubeObject {
  const concurrency = group.concurrency ?? wholeCores(group.cpu);
  // Without Redis there is no queue: the worker fires schedules and registers uploads only.
  const queues = spec.redis === undefined ? [undefined] : (group.queues ?? [DEFAULT_QUEUE]);
  const containers = queues.map((queue) =>
    container(spec, {
      name: queue === undefined || queues.length === 1 ? 'worker' : `worker-${queue}`,
      args: ['worker', ...(queue ? ['--queue', queue] : []), '--concurrency', String(concurrency)],
      image: group.image,
      cpu: group.cpu,
      memory: group.memory,
      limits: group.limits,
    }),
  );
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(spec, objectNames(spec).worker(group.name), 'worker', group.name),
    spec: {
      replicas: group.replicas,
      selector: { matchLabels: selectorLabels(spec, 'worker', group.name) },
      template: {
        metadata: {
          labels: podLabels(spec, 'worker', group.name),
          annotations: { [SETTINGS_HASH_ANNOTATION]: settingsHash },
        },
        spec: podSpec(spec, {
          containers,
          // The worker stops taking tasks on SIGTERM and finishes the running ones: give it time.
          terminationGracePeriodSeconds: group.terminationGracePeriodSeconds,
          nodeSelector: group.nodeSelector,
        }),
      },
    },
  };
}
