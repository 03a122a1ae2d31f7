/**
 * Checks manifests against the Kubernetes OpenAPI schema as @kubernetes/client-node ships it: each
 * generated model (V1Deployment, V1Container, …) carries its attribute type map, and its .d.ts
 * marks the required attributes. Every field must be known to its type and typed right, every
 * required field present. No schema is downloaded: the models are the schema, pinned by the
 * package version.
 *
 * This matters beyond style: the client serialises through the same models and silently drops a
 * field it does not know, so a typo would otherwise reach the cluster as a missing setting.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { displayName, type KubeObject } from '../plan/names.js';
import { formatPath } from '../spec/load.js';

interface Attribute {
  name: string;
  baseName: string;
  type: string;
  format: string;
}

type ModelClass = { getAttributeTypeMap(): Attribute[] };

export interface ManifestIssue {
  /** `deployment.apps/fleetcast-api` */
  object: string;
  /** Path inside the object, e.g. `spec.template.spec.containers[0].ports[0].containerPort`. */
  path: string;
  message: string;
}

export interface ManifestCheck {
  issues: ManifestIssue[];
  /** Objects of kinds the models do not describe (custom resources): sent unchecked. */
  unchecked: string[];
}

const MODELS_ENTRY = '@kubernetes/client-node/dist/gen/models/all.js';
let models: Record<string, unknown> | undefined;
const requiredCache = new Map<string, Set<string>>();

async function loadModels(): Promise<Record<string, unknown>> {
  // The models alone: the package root also loads its HTTP stack, which a check does not need.
  models ??= (await import(MODELS_ENTRY)) as Record<string, unknown>;
  return models;
}

/** The model class of an apiVersion and kind, as the client names them (`apps/v1` Deployment → V1Deployment). */
export function modelName(apiVersion: string, kind: string, known: Record<string, unknown>): string | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
  if (!version || !/^v\d+((alpha|beta)\d+)?$/.test(version)) return undefined;
  const pascal = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
  const groupPrefix = group === '' ? 'Core' : pascal(group!.split('.')[0]!);
  for (const candidate of [`${pascal(version)}${kind}`, `${groupPrefix}${pascal(version)}${kind}`]) {
    if (isModel(known[candidate])) return candidate;
  }
  return undefined;
}

export async function checkManifests(objects: KubeObject[]): Promise<ManifestCheck> {
  const known = await loadModels();
  const issues: ManifestIssue[] = [];
  const unchecked: string[] = [];
  for (const object of objects) {
    const name = displayName(object);
    const model = modelName(String(object.apiVersion), String(object.kind), known);
    if (!model) {
      unchecked.push(name);
      continue;
    }
    const found: Array<{ path: PropertyKey[]; message: string }> = [];
    walk(object, model, '', [], found, known);
    semanticChecks(object, found);
    for (const issue of found) issues.push({ object: name, path: formatPath(issue.path), message: issue.message });
  }
  return { issues, unchecked };
}

function isModel(value: unknown): value is ModelClass {
  return typeof value === 'function' && typeof (value as Partial<ModelClass>).getAttributeTypeMap === 'function';
}

const INT32 = 2 ** 31;

/** Checks of the leaf types of the type maps: the expected form when the value does not fit. */
const SCALARS: Record<string, (value: unknown, format: string) => string | undefined> = {
  any: () => undefined,
  object: () => undefined,
  string: (value) => (typeof value === 'string' ? undefined : 'a string'),
  boolean: (value) => (typeof value === 'boolean' ? undefined : 'true or false'),
  number: (value, format) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return 'a number';
    if ((format === 'int32' || format === 'int64') && !Number.isInteger(value)) return 'an integer';
    return format === 'int32' && Math.abs(value) >= INT32 ? 'a 32-bit integer' : undefined;
  },
  IntOrString: (value) =>
    typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value))
      ? undefined
      : 'an integer or a string',
  Date: (value) =>
    value instanceof Date || (typeof value === 'string' && !Number.isNaN(Date.parse(value)))
      ? undefined
      : 'an RFC 3339 time',
};

const ARRAY = /^Array<(.+)>$/;
const MAP = /^\{ \[key: string\]: (.+); \}$/;

function walk(
  value: unknown,
  type: string,
  format: string,
  path: PropertyKey[],
  issues: Array<{ path: PropertyKey[]; message: string }>,
  known: Record<string, unknown>,
): void {
  const fail = (expected: string): void => {
    issues.push({ path, message: `expected ${expected}, got ${describeValue(value)}` });
  };
  const scalar = SCALARS[type];
  if (scalar) {
    const expected = scalar(value, format);
    if (expected) fail(expected);
    return;
  }
  const array = ARRAY.exec(type);
  if (array) {
    if (!Array.isArray(value)) {
      fail('a list');
      return;
    }
    for (const [index, item] of value.entries()) walk(item, array[1]!, '', [...path, index], issues, known);
    return;
  }
  const map = MAP.exec(type);
  if (map) {
    if (!isPlainObject(value)) {
      fail('a mapping');
      return;
    }
    for (const [key, item] of Object.entries(value)) walk(item, map[1]!, '', [...path, key], issues, known);
    return;
  }
  const model = known[type];
  if (!isModel(model)) return; // a type the generator left open
  if (!isPlainObject(value)) {
    fail(`a mapping (${type})`);
    return;
  }
  const attributes = model.getAttributeTypeMap();
  for (const [key, item] of Object.entries(value)) {
    const attribute = attributes.find((candidate) => candidate.baseName === key);
    if (!attribute) {
      issues.push({ path: [...path, key], message: `unknown field "${key}" of ${type}` });
      continue;
    }
    // null is how YAML writes "unset" (creationTimestamp: null): the API server accepts it.
    if (item === null) continue;
    walk(item, attribute.type, attribute.format, [...path, key], issues, known);
  }
  for (const required of requiredAttributes(type)) {
    const attribute = attributes.find((candidate) => candidate.name === required);
    const key = attribute?.baseName ?? required;
    if (value[key] === undefined) {
      issues.push({ path: [...path, key], message: `missing required field "${key}" of ${type}` });
    }
  }
}

/** Required attributes of a model: the generator types them without `?` in its declaration file. */
function requiredAttributes(type: string): Set<string> {
  let required = requiredCache.get(type);
  if (!required) {
    const dir = dirname(createRequire(import.meta.url).resolve(MODELS_ENTRY));
    const text = readFileSync(join(dir, `${type}.d.ts`), 'utf8');
    required = new Set([...text.matchAll(/^\s+'([^']+)':/gm)].map((match) => match[1]!));
    requiredCache.set(type, required);
  }
  return required;
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** The API server's own rules that a type map cannot say: names, label values, selectors. */
function semanticChecks(object: KubeObject, issues: Array<{ path: PropertyKey[]; message: string }>): void {
  const name = object.metadata?.name;
  const nameRule =
    object.kind === 'Service'
      ? { pattern: DNS_LABEL, max: 63, form: 'a DNS label of at most 63 characters' }
      : object.kind === 'CronJob'
        ? { pattern: DNS_SUBDOMAIN, max: 52, form: 'a DNS subdomain of at most 52 characters' }
        : { pattern: DNS_SUBDOMAIN, max: 253, form: 'a DNS subdomain of at most 253 characters' };
  if (typeof name !== 'string' || name.length > nameRule.max || !nameRule.pattern.test(name)) {
    issues.push({ path: ['metadata', 'name'], message: `expected ${nameRule.form}, got ${describeValue(name)}` });
  }
  const checkLabels = (labels: unknown, path: PropertyKey[]) => {
    if (!isPlainObject(labels)) return;
    for (const [key, value] of Object.entries(labels)) {
      if (typeof value === 'string' && (value.length > 63 || !LABEL_VALUE.test(value))) {
        issues.push({
          path: [...path, key],
          message: `expected a label value of at most 63 characters, got "${value}"`,
        });
      }
    }
  };
  checkLabels(object.metadata?.labels, ['metadata', 'labels']);
  const spec = object.spec as Record<string, unknown> | undefined;
  const template = spec?.template as { metadata?: { labels?: Record<string, string> } } | undefined;
  const selector = (spec?.selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels;
  if (template?.metadata?.labels) checkLabels(template.metadata.labels, ['spec', 'template', 'metadata', 'labels']);
  if (object.kind === 'Deployment' && selector) {
    for (const [key, value] of Object.entries(selector)) {
      if (template?.metadata?.labels?.[key] !== value) {
        issues.push({
          path: ['spec', 'selector', 'matchLabels', key],
          message: 'expected the pod template to carry every selector label (the API server refuses it otherwise)',
        });
      }
    }
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
