/**
 * Loading @kubernetes/client-node and the kubeconfig. The client is imported when a cluster is
 * first needed, never at start (by `runtime apply` and `collect`'s Kubernetes controller): `runtime validate`
 * and `runtime plan` work offline, and the rest of the CLI does not pay for its HTTP stack.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as K8s from '@kubernetes/client-node';
import { errorMessage, FleetcastError } from './errors.js';

export interface KubeConfigOptions {
  /** A kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then the pod's service account). */
  kubeconfig?: string;
  env: NodeJS.ProcessEnv;
}

export async function loadClient(): Promise<typeof K8s> {
  assertClientLoads();
  try {
    return await import('@kubernetes/client-node');
  } catch (error) {
    throw new FleetcastError(
      'FLEETCAST_BACKEND_ERROR',
      `@kubernetes/client-node cannot load on Node.js ${process.versions.node}: ${errorMessage(error)}`,
      { hint: 'reinstall the dependencies (npm ci)' },
    );
  }
}

let clientLoads = false;

/**
 * Loads the client once in a child process first. Its HTTP stack (undici 8) fails as it loads on
 * Node.js older than 22.19, and Node reports that as an uncaught error even when the import is
 * awaited in a try: probing apart lets the command end with an explanation instead of a crash.
 */
function assertClientLoads(): void {
  if (clientLoads) return;
  const entry = pathToFileURL(createRequire(import.meta.url).resolve('@kubernetes/client-node')).href;
  const probe = spawnSync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(entry)})`], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (probe.status === 0) {
    clientLoads = true;
    return;
  }
  const reason =
    probe.stderr
      ?.split('\n')
      .find((line) => /^\w*Error\b/.test(line))
      ?.trim() ?? `exit code ${probe.status ?? probe.signal}`;
  throw new FleetcastError(
    'FLEETCAST_BACKEND_ERROR',
    `@kubernetes/client-node cannot load on Node.js ${process.versions.node}: ${reason}`,
    {
      hint: 'its undici 8 needs Node.js 22.19+: pin undici 7 for it ("overrides": {"undici": "^7.16.0"} in package.json, then npm install), or run on Node.js 22.19+',
    },
  );
}

/** --kubeconfig, else $KUBECONFIG (merged), else ~/.kube/config, else the pod's service account; never a guess. */
export function loadKubeConfig(client: typeof K8s, options: KubeConfigOptions): K8s.KubeConfig {
  const config = new client.KubeConfig();
  const files = options.kubeconfig
    ? [options.kubeconfig]
    : (options.env.KUBECONFIG ?? '').split(delimiter).filter((file) => file.length > 0);
  if (files.length === 0) {
    const home = options.env.HOME ?? homedir();
    const fallback = join(home, '.kube', 'config');
    if (existsSync(fallback)) files.push(fallback);
  }
  try {
    if (files.length > 0) {
      config.loadFromFile(files[0]!);
      for (const file of files.slice(1)) {
        const more = new client.KubeConfig();
        more.loadFromFile(file);
        config.mergeConfig(more);
      }
    } else if (options.env.KUBERNETES_SERVICE_HOST) {
      config.loadFromCluster();
    } else {
      throw new FleetcastError(
        'FLEETCAST_CONFIG_INVALID',
        'no kubeconfig: no --kubeconfig, no KUBECONFIG and no ~/.kube/config',
        {
          hint: 'point --kubeconfig or KUBECONFIG at the cluster’s kubeconfig, or run inside a pod',
        },
      );
    }
  } catch (error) {
    if (error instanceof FleetcastError) throw error;
    throw new FleetcastError(
      'FLEETCAST_CONFIG_FILE',
      `cannot read the kubeconfig ${files.join(delimiter)}: ${errorMessage(error)}`,
      {
        hint: 'check the file (kubectl config view reads the same one)',
      },
    );
  }
  return config;
}
