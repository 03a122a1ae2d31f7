/**
 * Runtime spec → the Kubernetes objects that run it, in the order they are applied: settings
 * first (pods read them at start), then the Service, the Deployments, the CronJobs and last the
 * study's Job (its trials need the workers).
 */
import type { LoadedRuntime } from '../spec/load.js';
import { cronJob, studyObjects } from './jobs.js';
import type { KubeObject } from './names.js';
import { settingsConfigMap, settingsHash } from './settings.js';
import { apiObjects, workerDeployment } from './workloads.js';

export interface RuntimePlan {
  name: string;
  namespace: string;
  objects: KubeObject[];
  warnings: string[];
}

const ORDER = ['ConfigMap', 'Service', 'Deployment', 'CronJob', 'Job'];

export function planRuntime(runtime: LoadedRuntime): RuntimePlan {
  const { spec } = runtime;
  const hash = settingsHash(spec);
  const objects: KubeObject[] = [settingsConfigMap(spec)];
  if (spec.serve) objects.push(...apiObjects(spec, spec.serve, hash));
  for (const group of spec.workers) objects.push(workerDeployment(spec, group, hash));
  for (const schedule of spec.schedules) objects.push(cronJob(spec, schedule));
  if (spec.study) objects.push(...studyObjects(runtime, spec.study));
  // A stable sort: within a kind, the order above (API before workers, schedules as listed).
  const ordered = objects
    .map((object, index) => ({ object, index }))
    .sort((a, b) => ORDER.indexOf(a.object.kind) - ORDER.indexOf(b.object.kind) || a.index - b.index)
    .map(({ object }) => object);
  return { name: spec.metadata.name, namespace: spec.metadata.namespace, objects: ordered, warnings: runtime.warnings };
}
