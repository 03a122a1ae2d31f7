/**
 * The three Deployment calls the Kubernetes controller makes (get, get status, strategic-merge
 * patch), over HTTPS with the credentials of a kubeconfig or of the pod's service account.
 *
 * Why not @kubernetes/client-node: version 2 pulls in undici 8, which needs Node ≥ 22.19 and fails
 * at import on Node 20 (this project's runtime). Its types are still used; the wire format is the
 * Kubernetes REST API itself.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import type { V1Deployment } from '@kubernetes/client-node';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { errorMessage, FleetcastError } from '../../core/errors.js';

export interface KubeAccess {
  server: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  token?: string;
  basic?: { username: string; password: string };
  insecure?: boolean;
  /** Where the access came from, for messages. */
  source: string;
}

/** An answer of the API outside 2xx, with its Status body when there is one. */
export class KubeApiError extends Error {
  constructor(
    readonly code: number,
    readonly status: { reason?: string; message?: string } | undefined,
  ) {
    super(status?.message ?? `HTTP ${code}`);
  }
}

const ClusterSchema = z.object({
  server: z.string(),
  'certificate-authority': z.string().optional(),
  'certificate-authority-data': z.string().optional(),
  'insecure-skip-tls-verify': z.boolean().optional(),
});
const ContextSchema = z.object({ cluster: z.string(), user: z.string().optional() });
const UserSchema = z.object({
  token: z.string().optional(),
  tokenFile: z.string().optional(),
  'client-certificate': z.string().optional(),
  'client-certificate-data': z.string().optional(),
  'client-key': z.string().optional(),
  'client-key-data': z.string().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  exec: z
    .object({
      command: z.string(),
      args: z.array(z.string()).nullish(),
      env: z.array(z.object({ name: z.string(), value: z.string() })).nullish(),
    })
    .optional(),
});
const KubeconfigSchema = z.object({
  'current-context': z.string().optional(),
  clusters: z.array(z.object({ name: z.string(), cluster: ClusterSchema })).default([]),
  contexts: z.array(z.object({ name: z.string(), context: ContextSchema })).default([]),
  users: z.array(z.object({ name: z.string(), user: UserSchema })).default([]),
});

function invalid(message: string, hint: string): FleetcastError {
  return new FleetcastError('FLEETCAST_CONFIG_INVALID', message, { hint });
}

function fileOrData(base: string, file: string | undefined, data: string | undefined): Buffer | undefined {
  if (data) return Buffer.from(data, 'base64');
  if (file) return readFileSync(isAbsolute(file) ? file : resolve(base, file));
  return undefined;
}

/** Runs a client-go exec credential plugin (aws eks get-token, gke-gcloud-auth-plugin, …). */
function execCredential(exec: {
  command: string;
  args?: string[] | null;
  env?: Array<{ name: string; value: string }> | null;
}) {
  let output: string;
  try {
    output = execFileSync(exec.command, exec.args ?? [], {
      encoding: 'utf8',
      env: { ...process.env, ...Object.fromEntries((exec.env ?? []).map((e) => [e.name, e.value])) },
      timeout: 30_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    throw invalid(
      `the kubeconfig credential plugin ${exec.command} failed: ${errorMessage(error)}`,
      'run it by hand to see why',
    );
  }
  const status =
    (JSON.parse(output) as { status?: { token?: string; clientCertificateData?: string; clientKeyData?: string } })
      .status ?? {};
  return {
    ...(status.token ? { token: status.token } : {}),
    ...(status.clientCertificateData ? { cert: Buffer.from(status.clientCertificateData) } : {}),
    ...(status.clientKeyData ? { key: Buffer.from(status.clientKeyData) } : {}),
  };
}

/** Access from a kubeconfig file (`path`), else $KUBECONFIG, else ~/.kube/config, else in-cluster. */
export function loadKubeAccess(options: { path?: string; context?: string; env?: NodeJS.ProcessEnv } = {}): KubeAccess {
  const env = options.env ?? process.env;
  const candidates = options.path
    ? [options.path]
    : [...(env.KUBECONFIG ?? '').split(delimiter).filter(Boolean), join(homedir(), '.kube', 'config')];
  const file = candidates.find((p) => existsSync(p));
  if (!file) {
    if (options.path)
      throw invalid(
        `the kubeconfig ${options.path} does not exist`,
        'set controller.kubeconfig to your kubeconfig file',
      );
    return inClusterAccess(env);
  }
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw invalid(`cannot read the kubeconfig ${file}: ${errorMessage(error)}`, 'check the file (kubectl config view)');
  }
  const parsed = KubeconfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalid(`${file}: ${issue.path.join('.')}: ${issue.message}`, 'check the file (kubectl config view)');
  }
  const config = parsed.data;
  const contextName = options.context ?? config['current-context'];
  const context = config.contexts.find((c) => c.name === contextName)?.context;
  if (!context) {
    throw invalid(
      `${file}: no context "${contextName ?? ''}"`,
      `contexts: ${config.contexts.map((c) => c.name).join(', ') || 'none'}; set controller.context`,
    );
  }
  const cluster = config.clusters.find((c) => c.name === context.cluster)?.cluster;
  if (!cluster)
    throw invalid(`${file}: context "${contextName}" names no known cluster "${context.cluster}"`, 'check the file');
  const user = config.users.find((u) => u.name === context.user)?.user ?? {};
  const base = dirname(file);
  const fromExec = user.exec ? execCredential(user.exec) : {};
  const ca = fileOrData(base, cluster['certificate-authority'], cluster['certificate-authority-data']);
  const cert = fromExec.cert ?? fileOrData(base, user['client-certificate'], user['client-certificate-data']);
  const key = fromExec.key ?? fileOrData(base, user['client-key'], user['client-key-data']);
  const token =
    fromExec.token ??
    user.token ??
    (user.tokenFile ? readFileSync(resolve(base, user.tokenFile), 'utf8').trim() : undefined);
  return {
    server: cluster.server.replace(/\/+$/, ''),
    source: `${file} (context ${contextName})`,
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    ...(token ? { token } : {}),
    ...(user.username && user.password ? { basic: { username: user.username, password: user.password } } : {}),
    ...(cluster['insecure-skip-tls-verify'] ? { insecure: true } : {}),
  };
}

const SERVICE_ACCOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

function inClusterAccess(env: NodeJS.ProcessEnv): KubeAccess {
  const host = env.KUBERNETES_SERVICE_HOST;
  if (!host || !existsSync(join(SERVICE_ACCOUNT, 'token'))) {
    throw invalid(
      'no kubeconfig found (KUBECONFIG, ~/.kube/config) and not running in a cluster',
      'set controller.kubeconfig',
    );
  }
  return {
    server: `https://${host.includes(':') ? `[${host}]` : host}:${env.KUBERNETES_SERVICE_PORT ?? '443'}`,
    token: readFileSync(join(SERVICE_ACCOUNT, 'token'), 'utf8').trim(),
    ca: readFileSync(join(SERVICE_ACCOUNT, 'ca.crt')),
    source: 'in-cluster service account',
  };
}

export class DeploymentsApi {
  constructor(
    readonly access: KubeAccess,
    private readonly timeoutMs = 30_000,
  ) {}

  read(namespace: string, name: string): Promise<V1Deployment> {
    return this.call('GET', this.path(namespace, name));
  }

  readStatus(namespace: string, name: string): Promise<V1Deployment> {
    return this.call('GET', `${this.path(namespace, name)}/status`);
  }

  /** A strategic-merge patch (lists such as env merge on their `name`). */
  patch(namespace: string, name: string, body: object): Promise<V1Deployment> {
    return this.call('PATCH', this.path(namespace, name), body, 'application/strategic-merge-patch+json');
  }

  private path(namespace: string, name: string): string {
    return `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments/${encodeURIComponent(name)}`;
  }

  private call(method: string, path: string, body?: object, contentType?: string): Promise<V1Deployment> {
    const url = new URL(`${this.access.server}${path}`);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.access.token) headers.authorization = `Bearer ${this.access.token}`;
    else if (this.access.basic) {
      headers.authorization = `Basic ${Buffer.from(`${this.access.basic.username}:${this.access.basic.password}`).toString('base64')}`;
    }
    const payload = body === undefined ? undefined : JSON.stringify(body);
    if (payload !== undefined) headers['content-type'] = contentType ?? 'application/json';
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolvePromise, reject) => {
      const req = request(
        url,
        {
          method,
          headers,
          timeout: this.timeoutMs,
          ...(url.protocol === 'https:'
            ? {
                ...(this.access.ca ? { ca: this.access.ca } : {}),
                ...(this.access.cert ? { cert: this.access.cert } : {}),
                ...(this.access.key ? { key: this.access.key } : {}),
                rejectUnauthorized: !this.access.insecure,
              }
            : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let json: unknown;
            try {
              json = text ? JSON.parse(text) : undefined;
            } catch {
              json = undefined;
            }
            const code = res.statusCode ?? 0;
            if (code >= 200 && code < 300 && json && typeof json === 'object') resolvePromise(json as V1Deployment);
            else reject(new KubeApiError(code, json as { reason?: string; message?: string } | undefined));
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }
}
