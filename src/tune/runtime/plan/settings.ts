/**
 * The FLEETCAST_* settings every container reads: non-secret values go to one ConfigMap, secret
 * ones are `secretKeyRef` references to Secrets the cluster already holds. The plan never reads or
 * writes a secret value.
 */
import { createHash } from 'node:crypto';
import type { Endpoint, RuntimeSpec } from '../spec/schema.js';
import { HOME_DIR, type KubeObject, metadata, objectNames } from './names.js';

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef: { name: string; key: string } };
}

/** The ConfigMap's data: only variables the configuration loader knows (see README). */
export function settingsData(spec: RuntimeSpec): Record<string, string> {
  const data: Record<string, string> = {
    FLEETCAST_PROFILE: spec.profile,
    FLEETCAST_HOME: HOME_DIR,
    FLEETCAST_LOG_LEVEL: spec.logLevel,
    FLEETCAST_LOG_FORMAT: 'json',
  };
  const urls: Array<[string, Endpoint | undefined]> = [
    ['FLEETCAST_DATABASE_URL', spec.database],
    ['FLEETCAST_WAREHOUSE_URL', spec.warehouse],
    ['FLEETCAST_ARTIFACTS_URL', spec.artifacts],
    ['FLEETCAST_REDIS_URL', spec.redis],
  ];
  for (const [variable, endpoint] of urls) {
    if (endpoint?.url !== undefined) data[variable] = endpoint.url;
  }
  if (spec.queue?.attempts !== undefined) data.FLEETCAST_QUEUE_ATTEMPTS = String(spec.queue.attempts);
  if (spec.queue?.backoffMs !== undefined) data.FLEETCAST_QUEUE_BACKOFF_MS = String(spec.queue.backoffMs);
  if (spec.queue?.maxPending !== undefined) data.FLEETCAST_QUEUE_MAX_PENDING = String(spec.queue.maxPending);
  return Object.fromEntries(Object.entries(data).sort(([a], [b]) => a.localeCompare(b)));
}

export function settingsConfigMap(spec: RuntimeSpec): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadata(spec, objectNames(spec).settings, 'settings'),
    data: settingsData(spec),
  };
}

/**
 * A short digest of the settings, put on pod templates so that changing a setting rolls the pods
 * (a ConfigMap change alone does not restart anything). Secrets are not covered: after rotating
 * one, run `kubectl rollout restart`.
 */
export function settingsHash(spec: RuntimeSpec): string {
  return createHash('sha256')
    .update(JSON.stringify(settingsData(spec)))
    .digest('hex')
    .slice(0, 16);
}

/** Secret references every container gets, in a fixed order. */
export function secretEnv(spec: RuntimeSpec): EnvVar[] {
  const env: EnvVar[] = [];
  const ref = (name: string, secret: { name: string; key: string } | undefined) => {
    if (secret) env.push({ name, valueFrom: { secretKeyRef: { name: secret.name, key: secret.key } } });
  };
  ref('FLEETCAST_DATABASE_URL', spec.database.secretRef);
  ref('FLEETCAST_WAREHOUSE_URL', spec.warehouse?.secretRef);
  ref('FLEETCAST_ARTIFACTS_URL', spec.artifacts.secretRef);
  ref('FLEETCAST_REDIS_URL', spec.redis?.secretRef);
  ref('FLEETCAST_API_KEYS', spec.apiKeys?.secretRef);
  const credentials = spec.artifacts.credentialsSecretRef;
  if (credentials) {
    ref('AWS_ACCESS_KEY_ID', { name: credentials.name, key: credentials.accessKeyIdKey });
    ref('AWS_SECRET_ACCESS_KEY', { name: credentials.name, key: credentials.secretAccessKeyKey });
  }
  return env;
}
