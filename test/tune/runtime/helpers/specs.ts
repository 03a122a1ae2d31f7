import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

export const FIXTURES = fileURLToPath(new URL('../fixtures', import.meta.url));
export const REPO = fileURLToPath(new URL('../../../..', import.meta.url));

/** A small valid runtime spec as data; tests change one part and write it out. */
export function baseSpec(): Record<string, unknown> {
  return {
    apiVersion: 'fleetcast/v1',
    kind: 'Runtime',
    metadata: { name: 'demo', namespace: 'fleetcast' },
    profile: 'staging',
    database: { secretRef: { name: 'demo-stores', key: 'database-url' } },
    artifacts: { url: 's3://demo-artifacts/models' },
    workers: [{ name: 'general' }],
  };
}

/** Writes a spec (data or YAML text) to DIR/NAME and returns the path. */
export function writeSpec(dir: string, spec: Record<string, unknown> | string, name = 'runtime.yaml'): string {
  const path = join(dir, name);
  writeFileSync(path, typeof spec === 'string' ? spec : stringify(spec));
  return path;
}

/** The value at a dotted path of a manifest (`spec.template.spec.containers.0`), for reading deep fields in tests. */
export function at<T = Record<string, unknown>>(value: unknown, path: string): T {
  let current = value;
  for (const key of path.split('.')) current = (current as Record<string, unknown> | undefined)?.[key];
  return current as T;
}
