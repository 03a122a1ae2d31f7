/**
 * Names and labels of the objects a runtime renders. One place, so the plan, the apply report and
 * the docs agree on what `kubectl get deploy -l app.kubernetes.io/instance=NAME` shows.
 */
import { VERSION } from '../../../core/version.js';
import type { RuntimeSpec } from '../spec/schema.js';

/** A Kubernetes object as the plan renders it: plain data, ready for YAML or the API. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export type Component = 'settings' | 'api' | 'worker' | 'schedule' | 'study';

/** Where the image keeps its embedded stores and scratch files (emptyDir volumes: the root is read-only). */
export const HOME_DIR = '/var/lib/fleetcast';
export const STUDY_DIR = '/etc/fleetcast/study';
/** The `node` user of the node:20-slim image the Dockerfile runs as. */
export const RUN_AS_USER = 1000;
export const SETTINGS_HASH_ANNOTATION = 'fleetcast.dev/settings-sha256';

export function objectNames(spec: RuntimeSpec) {
  const base = spec.metadata.name;
  return {
    settings: `${base}-settings`,
    api: `${base}-api`,
    worker: (group: string) => `${base}-worker-${group}`,
    schedule: (schedule: string) => `${base}-${schedule}`,
    study: `${base}-study`,
  };
}

/** Labels that select a component's pods: stable for the object's life (selectors are immutable). */
export function selectorLabels(spec: RuntimeSpec, component: Component, group?: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'fleetcast',
    'app.kubernetes.io/instance': spec.metadata.name,
    'app.kubernetes.io/component': component,
    ...(group ? { 'fleetcast.dev/worker-group': group } : {}),
  };
}

/** Labels of pod templates: the selector plus the spec's own labels. */
export function podLabels(spec: RuntimeSpec, component: Component, group?: string): Record<string, string> {
  return { ...spec.metadata.labels, ...selectorLabels(spec, component, group) };
}

/** Labels of the objects themselves: pod labels plus who made them and which version. */
export function objectLabels(spec: RuntimeSpec, component: Component, group?: string): Record<string, string> {
  return {
    ...podLabels(spec, component, group),
    'app.kubernetes.io/part-of': 'fleetcast',
    'app.kubernetes.io/managed-by': 'fleetcast',
    'app.kubernetes.io/version': VERSION,
  };
}

export function metadata(
  spec: RuntimeSpec,
  name: string,
  component: Component,
  group?: string,
): KubeObject['metadata'] {
  return { name, namespace: spec.metadata.namespace, labels: objectLabels(spec, component, group) };
}

/** `deployment.apps/fleetcast-api`, as kubectl names objects. */
export function displayName(object: { apiVersion: string; kind: string; metadata: { name: string } }): string {
  const group = object.apiVersion.includes('/') ? `.${object.apiVersion.split('/')[0]}` : '';
  return `${object.kind.toLowerCase()}${group}/${object.metadata.name}`;
}
