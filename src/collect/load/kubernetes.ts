/**
 * The Kubernetes load controller: a level is the load generator Deployment's env (`USERS`, and any
 * other variables templated with the user count) and, optionally, the replicas of the services'
 * Deployments. Each change is a strategic-merge patch followed by a wait for the rollout; `restore`
 * patches back exactly what it found — values, absent variables, replica counts.
 */
import type { AppsV1Api, V1Deployment, V1EnvVar } from '@kubernetes/client-node';
import { errorMessage, FleetcastError } from '../../core/errors.js';
import { sleep } from '../durations.js';
import type { KubeConnection } from './kube-config.js';
import { rolloutState } from './rollout.js';
import type { LoadController, LoadLevel } from './types.js';

export interface KubernetesControllerOptions {
  /** The cluster, through @kubernetes/client-node (see connectKube). */
  kube: KubeConnection;
  /** Namespace of the load generator Deployment. */
  namespace: string;
  /** Namespace of the services' Deployments (for replicas). */
  servicesNamespace: string;
  deployment: string;
  /** Container of the load generator to set env on (default: its first container). */
  container?: string;
  usersEnv: string;
  /** More variables per level; `{{users}}` in a value is replaced by the level's users. */
  env?: Record<string, string>;
  rolloutTimeoutMs: number;
  pollMs?: number;
}

interface Ref {
  namespace: string;
  name: string;
}

export class KubernetesLoadController implements LoadController {
  readonly kind = 'kubernetes' as const;
  private readonly kube: KubeConnection;
  private readonly api: AppsV1Api;
  private container: string | undefined;
  /** The load generator's env entries we change, as they were (undefined: absent). */
  private originalEnv: Map<string, V1EnvVar | undefined> | undefined;
  private readonly originalReplicas = new Map<string, number>();
  private applied: Record<string, string> | undefined;
  private readonly currentReplicas = new Map<string, number>();

  constructor(private readonly options: KubernetesControllerOptions) {
    this.kube = options.kube;
    this.api = options.kube.config.makeApiClient(options.kube.client.AppsV1Api);
  }

  private get loadGenerator(): Ref {
    return { namespace: this.options.namespace, name: this.options.deployment };
  }

  async prepare(): Promise<void> {
    const deployment = await this.read(this.loadGenerator, 'the load generator');
    const containers = deployment.spec?.template?.spec?.containers ?? [];
    const container = this.options.container
      ? containers.find((c) => c.name === this.options.container)
      : containers[0];
    if (!container) {
      throw new FleetcastError(
        'FLEETCAST_INVALID_ARGUMENT',
        `Deployment ${this.describe(this.loadGenerator)} has no container "${this.options.container}"`,
        { hint: `its containers: ${containers.map((c) => c.name).join(', ') || 'none'}; set controller.container` },
      );
    }
    this.container = container.name;
    this.originalEnv = new Map();
    for (const name of [this.options.usersEnv, ...Object.keys(this.options.env ?? {})]) {
      this.originalEnv.set(
        name,
        container.env?.find((e) => e.name === name),
      );
    }
  }

  async apply(level: LoadLevel, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (!this.originalEnv || !this.container) await this.prepare();
    const deadline = Date.now() + Math.min(timeoutMs, this.options.rolloutTimeoutMs);
    const changed: Ref[] = [];
    for (const [service, replicas] of Object.entries(level.replicas ?? {})) {
      const ref = { namespace: this.options.servicesNamespace, name: service };
      if (!this.originalReplicas.has(service)) {
        const deployment = await this.read(ref, `service ${service}`);
        this.originalReplicas.set(service, deployment.spec?.replicas ?? 1);
        this.currentReplicas.set(service, deployment.spec?.replicas ?? 1);
      }
      if (this.currentReplicas.get(service) === replicas) continue;
      await this.patch(ref, { spec: { replicas } });
      this.currentReplicas.set(service, replicas);
      changed.push(ref);
    }
    const values = this.envValues(level.users);
    if (JSON.stringify(values) !== JSON.stringify(this.applied)) {
      const env = Object.entries(values).map(([name, value]) => ({ name, value }));
      await this.patch(this.loadGenerator, {
        spec: { template: { spec: { containers: [{ name: this.container, env }] } } },
      });
      this.applied = values;
      changed.push(this.loadGenerator);
    }
    for (const ref of changed) await this.waitForRollout(ref, deadline, signal);
  }

  async restore(): Promise<void> {
    const failures: string[] = [];
    const changed: Ref[] = [];
    if (this.applied && this.originalEnv && this.container) {
      const env = [...this.originalEnv].map(([name, entry]) => entry ?? { name, $patch: 'delete' });
      try {
        await this.patch(this.loadGenerator, {
          spec: { template: { spec: { containers: [{ name: this.container, env }] } } },
        });
        this.applied = undefined;
        changed.push(this.loadGenerator);
      } catch (error) {
        failures.push(`${this.describe(this.loadGenerator)} env: ${errorMessage(error)}`);
      }
    }
    for (const [service, replicas] of this.originalReplicas) {
      if (this.currentReplicas.get(service) === replicas) continue;
      const ref = { namespace: this.options.servicesNamespace, name: service };
      try {
        await this.patch(ref, { spec: { replicas } });
        this.currentReplicas.set(service, replicas);
        changed.push(ref);
      } catch (error) {
        failures.push(`${this.describe(ref)} replicas: ${errorMessage(error)}`);
      }
    }
    const deadline = Date.now() + this.options.rolloutTimeoutMs;
    for (const ref of changed) {
      try {
        await this.waitForRollout(ref, deadline);
      } catch (error) {
        failures.push(errorMessage(error));
      }
    }
    if (failures.length > 0) {
      throw new FleetcastError(
        'FLEETCAST_BACKEND_ERROR',
        `could not restore the cluster state: ${failures.join('; ')}`,
        {
          hint: 'check the Deployments by hand (kubectl get deploy -o yaml); the original values are in this message',
          details: { failures },
        },
      );
    }
  }

  private envValues(users: number): Record<string, string> {
    const values: Record<string, string> = { [this.options.usersEnv]: String(users) };
    for (const [name, template] of Object.entries(this.options.env ?? {})) {
      values[name] = template.replaceAll('{{users}}', String(users));
    }
    return values;
  }

  private describe(ref: Ref): string {
    return `${ref.namespace}/${ref.name}`;
  }

  private async read(ref: Ref, role: string): Promise<V1Deployment> {
    try {
      return await this.api.readNamespacedDeployment({ name: ref.name, namespace: ref.namespace });
    } catch (error) {
      throw this.apiError(error, ref, `read ${role}`);
    }
  }

  /** A strategic-merge patch (lists such as env merge on their `name`). */
  private async patch(ref: Ref, body: object): Promise<V1Deployment> {
    const { client } = this.kube;
    try {
      return await this.api.patchNamespacedDeployment(
        { name: ref.name, namespace: ref.namespace, body },
        client.setHeaderOptions('Content-Type', client.PatchStrategy.StrategicMergePatch),
      );
    } catch (error) {
      throw this.apiError(error, ref, 'patch');
    }
  }

  private async waitForRollout(ref: Ref, deadline: number, signal?: AbortSignal): Promise<void> {
    let reason = 'not checked yet';
    while (!signal?.aborted) {
      let deployment: V1Deployment;
      try {
        deployment = await this.api.readNamespacedDeploymentStatus({ name: ref.name, namespace: ref.namespace });
      } catch (error) {
        throw this.apiError(error, ref, 'read the rollout status of');
      }
      const state = rolloutState(deployment);
      if (state.done) return;
      reason = state.reason;
      if (state.failed) {
        throw new FleetcastError(
          'FLEETCAST_BACKEND_ERROR',
          `Deployment ${this.describe(ref)} failed its rollout: ${reason}`,
          {
            hint: `see kubectl -n ${ref.namespace} describe deploy/${ref.name} and its pods' events`,
          },
        );
      }
      if (Date.now() >= deadline) break;
      await sleep(Math.min(this.options.pollMs ?? 2_000, Math.max(0, deadline - Date.now())), signal);
    }
    if (signal?.aborted) return;
    throw new FleetcastError(
      'FLEETCAST_BACKEND_ERROR',
      `Deployment ${this.describe(ref)} never became ready: ${reason}`,
      {
        hint: `raise controller.rollout_timeout, or see kubectl -n ${ref.namespace} rollout status deploy/${ref.name}`,
        details: { deployment: this.describe(ref), timeout: true },
      },
    );
  }

  private apiError(error: unknown, ref: Ref, action: string): FleetcastError {
    const code = error instanceof this.kube.client.ApiException ? error.code : undefined;
    if (code === 404) {
      return new FleetcastError('FLEETCAST_NOT_FOUND', `Deployment ${this.describe(ref)} does not exist (${action})`, {
        hint: `check the name and namespace: kubectl -n ${ref.namespace} get deployments`,
      });
    }
    if (code === 401 || code === 403) {
      return new FleetcastError(
        'FLEETCAST_BACKEND_AUTH',
        `the Kubernetes API refused to ${action} ${this.describe(ref)} (HTTP ${code})`,
        {
          hint: 'the kubeconfig user needs get and patch on deployments (and get on deployments/status)',
        },
      );
    }
    if (code !== undefined) {
      return new FleetcastError(
        'FLEETCAST_BACKEND_ERROR',
        `the Kubernetes API refused to ${action} ${this.describe(ref)} (HTTP ${code}): ${statusMessage(error) ?? 'no reason given'}`,
        { hint: 'the API server said why above' },
      );
    }
    return new FleetcastError(
      'FLEETCAST_BACKEND_UNREACHABLE',
      `the Kubernetes API at ${this.kube.server} does not answer (${action} ${this.describe(ref)}): ${errorMessage(error)}`,
      { hint: `check the kubeconfig (${this.kube.source}) and that the cluster runs` },
    );
  }
}

/** The message of the API server's Status answer (the client hands it over as text or as data). */
function statusMessage(error: unknown): string | undefined {
  let body = (error as { body?: unknown } | undefined)?.body;
  if (typeof body === 'string' && body.trimStart().startsWith('{')) {
    try {
      body = JSON.parse(body) as unknown;
    } catch {
      // not JSON after all: shown as text below
    }
  }
  if (body && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string') {
    return (body as { message: string }).message;
  }
  return typeof body === 'string' && body.length > 0 ? body.slice(0, 300) : undefined;
}
