/** The runtime spec: one YAML file → validated spec → Kubernetes manifests → server-side apply. */

export { type ApplyOptions, type ApplyReport, applyRuntime, manifestError } from './apply/apply.js';
export type { HookOutcome, HookPhase } from './apply/hooks.js';
export type { JobResult } from './apply/wait.js';
export {
  Cluster,
  type ClusterOptions,
  FIELD_MANAGER,
  type ObjectAction,
  type ObjectOutcome,
} from './kubernetes/cluster.js';
export { checkManifests, type ManifestCheck, type ManifestIssue } from './kubernetes/openapi.js';
export { displayName, type KubeObject } from './plan/names.js';
export { planRuntime, type RuntimePlan } from './plan/plan.js';
export { GENERATED_HEADER, planFiles, planYaml, type WrittenPlan, writePlan } from './plan/render.js';
export {
  checkRuntimeSpec,
  formatPath,
  type LoadedRuntime,
  loadRuntimeSpec,
  type RuntimeCheck,
  type SpecIssue,
  specError,
} from './spec/load.js';
export { RUNTIME_API_VERSION, type RuntimeSpec, RuntimeSpecSchema } from './spec/schema.js';
export { hookManifests, type RuntimeValidation, validateRuntime } from './validate.js';
