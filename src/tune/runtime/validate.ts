/**
 * A runtime file checked end to end without a cluster: the spec (schema and rules), the plan it
 * renders, and every manifest — the plan's and the hooks' — against the Kubernetes OpenAPI models.
 */
import { checkManifests } from './kubernetes/openapi.js';
import type { KubeObject } from './plan/names.js';
import { planRuntime, type RuntimePlan } from './plan/plan.js';
import { checkRuntimeSpec, type LoadedRuntime, type SpecIssue } from './spec/load.js';
import type { RuntimeSpec } from './spec/schema.js';

export type RuntimeValidation =
  | { valid: true; runtime: LoadedRuntime; plan: RuntimePlan }
  | { valid: false; file: string; issues: SpecIssue[] };

export async function validateRuntime(path: string, cwd: string): Promise<RuntimeValidation> {
  const checked = checkRuntimeSpec(path, cwd);
  if (!checked.ok) return { valid: false, file: checked.file, issues: checked.issues };
  const plan = planRuntime(checked.runtime);
  const manifests = await checkManifests([...plan.objects, ...hookManifests(checked.runtime.spec)]);
  if (manifests.issues.length > 0) {
    const issues = manifests.issues.map((issue) => ({ path: `${issue.object} ${issue.path}`, message: issue.message }));
    return { valid: false, file: checked.runtime.file, issues };
  }
  return { valid: true, runtime: checked.runtime, plan };
}

/** The objects the hooks apply, as written in the spec. */
export function hookManifests(spec: RuntimeSpec): KubeObject[] {
  return [...spec.hooks.onStart, ...spec.hooks.onFinish].flatMap((hook) => (hook.apply ?? []) as KubeObject[]);
}
