/**
 * Writes a plan as YAML: one multi-document stream, or a folder with one file per object (numbered
 * in apply order, so `kubectl apply -f DIR` keeps it) plus a kustomization.yaml
 * (`kubectl apply -k DIR`). Re-rendering into the same folder removes files of objects the spec no
 * longer has; files it did not write are left alone.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { KubeObject } from './names.js';
import type { RuntimePlan } from './plan.js';

export const GENERATED_HEADER =
  '# Rendered by `fleetcast runtime plan`: edit the runtime spec and re-render, not this file.';

export function objectYaml(object: KubeObject): string {
  return stringify(object, { lineWidth: 0, aliasDuplicateObjects: false });
}

/** The whole plan as one YAML stream (what `runtime plan FILE` prints). */
export function planYaml(plan: RuntimePlan): string {
  return `${GENERATED_HEADER}\n${plan.objects.map((object) => `---\n${objectYaml(object)}`).join('')}`;
}

/** File name of each object: `03-deployment-fleetcast-api.yaml`. */
export function planFiles(plan: RuntimePlan): Map<string, string> {
  const files = new Map<string, string>();
  plan.objects.forEach((object, index) => {
    const file = `${String(index + 1).padStart(2, '0')}-${object.kind.toLowerCase()}-${object.metadata.name}.yaml`;
    files.set(file, `${GENERATED_HEADER}\n${objectYaml(object)}`);
  });
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [...files.keys()],
  };
  files.set('kustomization.yaml', `${GENERATED_HEADER}\n${stringify(kustomization, { lineWidth: 0 })}`);
  return files;
}

export interface WrittenPlan {
  dir: string;
  written: string[];
  removed: string[];
}

export function writePlan(plan: RuntimePlan, dir: string): WrittenPlan {
  mkdirSync(dir, { recursive: true });
  const files = planFiles(plan);
  const removed: string[] = [];
  for (const existing of readdirSync(dir)) {
    if (files.has(existing) || !existing.endsWith('.yaml')) continue;
    const path = join(dir, existing);
    if (readFileSync(path, 'utf8').startsWith(GENERATED_HEADER)) {
      rmSync(path);
      removed.push(existing);
    }
  }
  for (const [file, text] of files) writeFileSync(join(dir, file), text);
  return { dir, written: [...files.keys()], removed };
}
