/**
 * The cluster a runtime is applied to: server-side apply (field manager `fleetcast`, forced,
 * optionally a server dry run) with the outcome kubectl would print (created / configured /
 * unchanged), reads, deletes and the scope of a kind, through @kubernetes/client-node's
 * KubernetesObjectApi.
 */
import type * as K8s from '@kubernetes/client-node';
import { errorMessage, FleetcastError } from '../../../core/errors.js';
import { type KubeConfigOptions, loadClient, loadKubeConfig } from '../../../core/kubernetes.js';
import { displayName, type KubeObject } from '../plan/names.js';

export const FIELD_MANAGER = 'fleetcast';

export interface ClusterOptions extends KubeConfigOptions {
  /** A context of the kubeconfig (default: its current context). */
  context?: string;
}

export type ObjectAction = 'created' | 'configured' | 'unchanged' | 'deleted' | 'absent';

export interface ObjectOutcome {
  /** `deployment.apps/fleetcast-api` */
  object: string;
  kind: string;
  name: string;
  namespace?: string;
  action: ObjectAction;
}

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string | undefined;
}

type ObjectApiClass = new (
  ...args: never[]
) => K8s.KubernetesObjectApi & {
  namespaced(apiVersion: string, kind: string): Promise<boolean | undefined>;
};

export class Cluster {
  private constructor(
    private readonly api: InstanceType<ObjectApiClass>,
    private readonly client: typeof K8s,
    readonly context: string,
    readonly server: string,
  ) {}

  static async connect(options: ClusterOptions): Promise<Cluster> {
    const client = await loadClient();
    const config = loadKubeConfig(client, options);
    if (options.context !== undefined) {
      const names = config.getContexts().map((context) => context.name);
      if (!names.includes(options.context)) {
        throw new FleetcastError('FLEETCAST_USAGE', `--context ${options.context} is not in the kubeconfig`, {
          hint: names.length > 0 ? `contexts: ${names.join(', ')}` : 'the kubeconfig has no contexts',
        });
      }
      config.setCurrentContext(options.context);
    }
    const cluster = config.getCurrentCluster();
    if (!cluster) {
      throw new FleetcastError('FLEETCAST_CONFIG_INVALID', 'the kubeconfig names no cluster for its current context', {
        hint: 'pick a context with --context NAME (kubectl config get-contexts lists them)',
      });
    }
    // The resource lookup (discovery) is protected in the client; it tells whether a kind is namespaced.
    class ObjectApi extends client.KubernetesObjectApi {
      async namespaced(apiVersion: string, kind: string): Promise<boolean | undefined> {
        return (await this.resource(apiVersion, kind))?.namespaced;
      }
    }
    const api = config.makeApiClient(ObjectApi);
    return new Cluster(api, client, config.getCurrentContext(), cluster.server);
  }

  /** Server-side apply of one object; the outcome compares the object before and after. */
  async apply(object: KubeObject, dryRun: boolean): Promise<ObjectOutcome> {
    const before = await this.read(refOf(object));
    let after: K8s.KubernetesObject;
    try {
      after = await this.api.patch(
        structuredClone(object),
        undefined,
        dryRun ? 'All' : undefined,
        FIELD_MANAGER,
        true,
        this.client.PatchStrategy.ServerSideApply,
      );
    } catch (error) {
      throw this.failure('apply', refOf(object), error);
    }
    const action: ObjectAction =
      before === undefined ? 'created' : sameObject(before, after) ? 'unchanged' : 'configured';
    return outcome(refOf(object), action);
  }

  /** The object as the cluster holds it, or undefined when it does not exist. */
  async read(ref: ObjectRef): Promise<K8s.KubernetesObject | undefined> {
    try {
      return await this.api.read(specOf(ref));
    } catch (error) {
      if (statusCode(error) === 404) return undefined;
      throw this.failure('read', ref, error);
    }
  }

  async remove(ref: ObjectRef, dryRun: boolean): Promise<ObjectOutcome> {
    try {
      await this.api.delete(specOf(ref), undefined, dryRun ? 'All' : undefined, undefined, undefined, 'Background');
      return outcome(ref, 'deleted');
    } catch (error) {
      if (statusCode(error) === 404) return outcome(ref, 'absent');
      throw this.failure('delete', ref, error);
    }
  }

  /** Whether the cluster serves the kind in a namespace (false: cluster-wide, such as Namespace). */
  async namespaced(apiVersion: string, kind: string): Promise<boolean> {
    let namespaced: boolean | undefined;
    try {
      namespaced = await this.api.namespaced(apiVersion, kind);
    } catch (error) {
      throw this.failure('discover', { apiVersion, kind, name: '' }, error);
    }
    if (namespaced === undefined) {
      throw new FleetcastError(
        'FLEETCAST_BACKEND_ERROR',
        `the cluster at ${this.server} does not serve ${apiVersion} ${kind}`,
        {
          hint: 'check the apiVersion and kind (a custom resource needs its CustomResourceDefinition installed first)',
        },
      );
    }
    return namespaced;
  }

  private failure(verb: string, ref: ObjectRef, error: unknown): FleetcastError {
    const what = ref.name
      ? displayName({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name } })
      : `${ref.apiVersion} ${ref.kind}`;
    const code = statusCode(error);
    if (code === undefined) {
      const network = networkCause(error);
      return new FleetcastError(
        network ? 'FLEETCAST_BACKEND_UNREACHABLE' : 'FLEETCAST_BACKEND_ERROR',
        network
          ? `the Kubernetes API at ${this.server} (context ${this.context}) does not answer: ${network}`
          : `cannot ${verb} ${what} on ${this.server} (context ${this.context}): ${errorMessage(error)}`,
        {
          hint: network
            ? 'check the cluster is up and the kubeconfig context (kubectl cluster-info)'
            : 'check the kubeconfig entry of this context (kubectl config view --minify)',
          cause: error,
        },
      );
    }
    const message = statusMessage(error) ?? errorMessage(error).split('\n')[0];
    const text = `the Kubernetes API refused to ${verb} ${what} (HTTP ${code}): ${message}`;
    if (code === 401 || code === 403) {
      return new FleetcastError('FLEETCAST_BACKEND_AUTH', text, {
        hint: `the credentials of context ${this.context} need the right to get and patch (server-side apply) ${ref.kind} objects in namespace ${ref.namespace ?? '(cluster)'}`,
      });
    }
    const immutable = code === 422 && ref.kind === 'Job' && /immutable/i.test(message ?? '');
    const missingNamespace = code === 404 && /namespaces? .* not found/i.test(message ?? '');
    return new FleetcastError('FLEETCAST_BACKEND_ERROR', text, {
      hint: immutable
        ? `a Job's pod template cannot change: delete it (kubectl -n ${ref.namespace} delete job ${ref.name}) and apply again; the study resumes from the metadata store`
        : missingNamespace
          ? `create the namespace first (kubectl create namespace ${ref.namespace}), or apply a Namespace in an onStart hook`
          : 'the message above is the API server’s; fix the runtime spec and apply again',
      details: { status: code },
    });
  }
}

function refOf(object: KubeObject): ObjectRef {
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    name: object.metadata.name,
    ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
  };
}

function specOf(ref: ObjectRef): K8s.KubernetesObject {
  return {
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) },
  };
}

function outcome(ref: ObjectRef, action: ObjectAction): ObjectOutcome {
  return {
    object: displayName({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name } }),
    kind: ref.kind,
    name: ref.name,
    ...(ref.namespace ? { namespace: ref.namespace } : {}),
    action,
  };
}

/** Equal but for what the server changes on every write or by itself (status, bookkeeping). */
function sameObject(before: K8s.KubernetesObject, after: K8s.KubernetesObject): boolean {
  const strip = (object: K8s.KubernetesObject) => {
    const copy = JSON.parse(JSON.stringify(object)) as Record<string, unknown> & { metadata?: Record<string, unknown> };
    delete copy.status;
    if (copy.metadata) {
      delete copy.metadata.resourceVersion;
      delete copy.metadata.managedFields;
      delete copy.metadata.generation;
    }
    return JSON.stringify(copy);
  };
  return strip(before) === strip(after);
}

function statusCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
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

/** The network failure under an error (connection refused, DNS, timeout), if that is what it is. */
function networkCause(error: unknown): string | undefined {
  for (
    let current = error as { code?: unknown; cause?: unknown } | undefined, depth = 0;
    current && depth < 5;
    depth++
  ) {
    if (typeof current.code === 'string' && /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(current.code)) return current.code;
    current = current.cause as typeof current;
  }
  return undefined;
}
