/**
 * The cluster the Kubernetes load controller talks to: @kubernetes/client-node (loaded when a
 * cluster is first needed, as `fleetcast tune runtime` does) with a KubeConfig read from
 * `controller.kubeconfig`, else $KUBECONFIG, else ~/.kube/config, else the pod's service account.
 */
import { existsSync } from 'node:fs';
import type * as K8s from '@kubernetes/client-node';
import { FleetcastError } from '../../core/errors.js';
import { loadClient, loadKubeConfig } from '../../core/kubernetes.js';

export interface KubeConnection {
  client: typeof K8s;
  config: K8s.KubeConfig;
  /** The API server's URL, for messages. */
  server: string;
  /** Where the access came from, for messages. */
  source: string;
}

export async function connectKube(
  options: { path?: string; context?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<KubeConnection> {
  const env = options.env ?? process.env;
  if (options.path && !existsSync(options.path)) {
    throw new FleetcastError('FLEETCAST_CONFIG_INVALID', `the kubeconfig ${options.path} does not exist`, {
      hint: 'set controller.kubeconfig to your kubeconfig file',
    });
  }
  const client = await loadClient();
  const config = loadKubeConfig(client, { ...(options.path ? { kubeconfig: options.path } : {}), env });
  const inCluster = !options.path && config.getContexts().every((c) => c.name === 'inClusterContext');
  if (options.context) {
    if (!config.getContextObject(options.context)) {
      throw new FleetcastError('FLEETCAST_CONFIG_INVALID', `the kubeconfig has no context "${options.context}"`, {
        hint: `contexts: ${
          config
            .getContexts()
            .map((c) => c.name)
            .join(', ') || 'none'
        }; set controller.context`,
      });
    }
    config.setCurrentContext(options.context);
  }
  const context = config.getCurrentContext();
  const cluster = config.getCurrentCluster();
  if (!cluster) {
    throw new FleetcastError(
      'FLEETCAST_CONFIG_INVALID',
      `the kubeconfig names no cluster for its context "${context ?? ''}"`,
      { hint: 'check the file (kubectl config view), or set controller.context' },
    );
  }
  return {
    client,
    config,
    server: cluster.server.replace(/\/+$/, ''),
    source: inCluster
      ? 'in-cluster service account'
      : `${options.path ?? (env.KUBECONFIG || '~/.kube/config')} (context ${context})`,
  };
}
